"""Print (or write into docs/cases.md) the table of who may do what to a case, worked out
from ``communities.rules.cases.CaseAccess`` itself: every part a person may have in a case,
against every status and tier (and whether an urge is open, whether it was reopened)."""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from communities.cases.models import Case, Tier
from communities.rules.cases import MAY, CaseAccess

DOC = Path(settings.BASE_DIR) / "docs" / "cases.md"
BEGIN, END = "<!-- cases_table:begin -->", "<!-- cases_table:end -->"

# The parts a person may have in a case (the columns), as ``CaseAccess`` fields.
PARTS: tuple[tuple[str, str], ...] = (
    ("reporter", "reporter"),
    ("follower", "follower"),
    ("neighbour", "neighbour (public case)"),
    ("staff", "community staff"),
    ("officer", "officer of the unit holding it"),
    ("past_unit", "officer of a unit that held it"),
    ("supervisor", "supervisor above"),
)
# The rows: what may be seen, then every ``may`` flag of the case shape.
SEEING = (("sees", "see the case"), ("internal", "see internal notes, the reporter's phone"))
STATUSES = tuple(Case.Status.values)
TIERS = tuple(Tier.values)


def _access(part: str, status: str, tier: str, *, urges: int, reopened: int) -> CaseAccess:
    case = Case(
        status=status,
        tier=tier,
        unit_id=None if tier == Tier.COMMUNITY else 1,
        public=True,
        open_urges=urges,
        reopened=reopened,
    )
    return CaseAccess(
        case=case,
        reporter=part == "reporter",
        follower=part in ("reporter", "follower"),  # a reporter follows their own case
        neighbour=part == "neighbour",
        staff=part == "staff",
        officer=part == "officer",
        past_unit=part == "past_unit",
        supervisor=part == "supervisor",
    )


def _cell(part: str, flag: str) -> str:
    def allowed(status: str, tier: str, urges: int = 1, reopened: int = 0) -> bool:
        access = _access(part, status, tier, urges=urges, reopened=reopened)
        return bool(getattr(access, flag))

    where = [(s, t) for s, t in product(STATUSES, TIERS) if allowed(s, t)]
    if not where:
        return "—"
    statuses = [s for s in STATUSES if any(w[0] == s for w in where)]
    tiers = [t for t in TIERS if any(w[1] == t for w in where)]
    words = []
    if len(statuses) < len(STATUSES):
        words.append(", ".join(f"`{s}`" for s in statuses))
    if len(tiers) < len(TIERS):
        words.append("at " + ", ".join(f"`{t}`" for t in tiers))
    if not any(allowed(s, t, urges=0) for s, t in where):
        words.append("an urge open")
    if not any(allowed(s, t, reopened=1) for s, t in where):
        words.append("once")
    return "✔ " + "; ".join(words) if words else "✔"


def render() -> str:
    lines = [
        BEGIN,
        "",
        "Generated from `communities/rules/cases.py` by `python manage.py cases_table "
        "--write`; a test fails when they differ. A cell names the statuses and tiers in "
        "which the part allows it (nothing named: in every one).",
        "",
        "| may | " + " | ".join(label for _, label in PARTS) + " |",
        "|---|" + "---|" * len(PARTS),
    ]
    rows = [*SEEING, *((f"may_{name}", f"`{name}`") for name in MAY)]
    for flag, label in rows:
        lines.append(f"| {label} | " + " | ".join(_cell(part, flag) for part, _ in PARTS) + " |")
    return "\n".join([*lines, "", END])


def written(text: str) -> str:
    """``text`` (docs/cases.md) with the table between its markers replaced."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise CommandError(f"docs/cases.md has no {BEGIN} … {END} section")
    return pattern.sub(lambda _match: render(), text)


class Command(BaseCommand):
    help = "Print the table of who may do what to a case; --write updates docs/cases.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["write"]:
            DOC.write_text(written(DOC.read_text(encoding="utf-8")), encoding="utf-8")
            self.stdout.write(f"wrote {DOC}")
        else:
            self.stdout.write(render())
