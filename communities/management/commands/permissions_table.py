"""Print (or write to docs/permissions.md) the table of who may do what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from communities.models import RoleKind
from communities.rules import ACTION_LABELS, HOLDERS, RESIDENT, RULES, VERBS

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"


def render() -> str:
    with translation.override("en"):
        labels = {RESIDENT: "resident", **{k: str(RoleKind(k).label) for k in RoleKind.values}}
        lines = [
            "# Who may do what",
            "",
            "Generated from the rules in `communities/rules/` by "
            "`python manage.py permissions_table --write`; a test fails when they differ. "
            "`communities.rules.can(user, verb, target)` answers every line of both tables.",
            "",
            "A role counts at the place it is held and everywhere below it (a street "
            "supervisor stands over every community of the street). *resident* means an "
            "active membership of an estate of the community; a property manager counts in "
            "the community of their estate. Anyone else is refused; for a single resource "
            "the refusal is a 404, so nobody learns what exists where they may not look.",
            "",
            "## At a place",
            "",
            "`can(user, action, place)`, from `RULES` in `communities/rules/places.py`.",
            "",
            "| action | " + " | ".join(labels[h] for h in HOLDERS) + " |",
            "|---|" + "---|" * len(HOLDERS),
        ]
        for action, holders in RULES.items():
            cells = ["✔" if h in holders else "—" for h in HOLDERS]
            lines.append(f"| `{action}`: {ACTION_LABELS[action]} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "## On a resource",
            "",
            "`can(user, verb, target)` with the target named; each verb is decided in the "
            "rules module of its resource (conversations, boards, volunteering, cases, "
            "moderation, gatekeeping).",
            "",
            "| verb | target | lets one | who may |",
            "|---|---|---|---|",
        ]
        for verb in VERBS.values():
            lines.append(f"| `{verb.name}` | {verb.resource} | {verb.label} | {verb.who} |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Print the permission table; --write updates docs/permissions.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["write"]:
            DOC.write_text(render(), encoding="utf-8")
            self.stdout.write(f"wrote {DOC}")
        else:
            self.stdout.write(render(), ending="")
