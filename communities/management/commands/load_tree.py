"""Load (or top up) the place tree from a CSV or JSON file; safe to run again."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from communities.errors import Invalid
from communities.models import Place, PlaceKind
from communities.services import place_ensure


class Command(BaseCommand):
    help = (
        "Load places from a file. CSV: columns kind, name (or name_zh) and optionally "
        "parent — the names from the root down joined by '/'; rows without a parent go "
        "under the file's district. JSON: nested objects {name, kind, children: [...]}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        created = 0
        try:
            with transaction.atomic():
                if path.suffix.lower() == ".json":
                    nodes = json.loads(path.read_text(encoding="utf-8"))
                    for node in nodes if isinstance(nodes, list) else [nodes]:
                        created += self._load_node(node, parent=None)
                else:
                    created += self._load_csv(path)
        except (Invalid, KeyError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(f"{created} places created, tree now has {Place.objects.count()}.")

    def _load_node(self, node: dict[str, Any], parent: Place | None) -> int:
        place, was_created = place_ensure(name=node["name"], kind=node["kind"], parent=parent)
        return int(was_created) + sum(
            self._load_node(child, place) for child in node.get("children", [])
        )

    def _load_csv(self, path: Path) -> int:
        created = 0
        district: Place | None = None
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                name = (row.get("name") or row.get("name_zh") or "").strip()
                kind = (row.get("kind") or "").strip()
                if not name or kind not in PlaceKind.values:
                    raise ValueError(f"line {line}: needs a name and a known kind")
                parent = self._resolve(row.get("parent") or "", district, line)
                place, was_created = place_ensure(name=name, kind=kind, parent=parent)
                created += int(was_created)
                if kind == PlaceKind.DISTRICT:
                    district = place
        return created

    def _resolve(self, parent_path: str, district: Place | None, line: int) -> Place | None:
        names = [part.strip() for part in parent_path.split("/") if part.strip()]
        if not names:
            return district
        node: Place | None = None
        for name in names:
            node = Place.objects.filter(name=name, parent=node).first()
            if node is None:
                raise ValueError(f"line {line}: unknown parent {parent_path!r}")
        return node
