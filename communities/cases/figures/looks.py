"""What the HTTP API asks of the figures: a checked, logged look at one place over a
period (``look_at``), the page with its league table, its CSV cells and the drill-down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.errors import Invalid, NotFound
from communities.models import AccessLog, Place, User
from communities.rules.cases import may_see_figures

from .behind import DRILLABLE, cases_behind
from .keeping import today
from .sums import FIGURES, league_sorted, levels_below, report

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Look:
    """One viewer's look at the figures of one place over [since, until] (checked)."""

    user: User
    place: Place
    since: dt.date
    until: dt.date


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            _("Please correct the marked fields."),
            errors={name: _("A date is written YYYY-MM-DD.")},
        ) from None


def look_at(user: User, place_id: int, since: str | None, until: str | None) -> Look:
    """The checked look: the place exists and the viewer may see its figures (404
    otherwise, a refused place and a missing one alike), the period is a valid range of
    days (400); by default the last 30 days up to today."""
    place = Place.objects.filter(pk=place_id).first()
    if place is None or not may_see_figures(user, place):
        raise NotFound()
    end = _date(until, "until") or today()
    start = _date(since, "since") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"since": _("The period must not start after it ends.")},
        )
    return Look(user=user, place=place, since=start, until=end)


def _logged(look: Look, action: str, detail: str) -> None:
    AccessLog.objects.create(
        actor=look.user,
        action=action,
        place=look.place,
        detail=f"{detail} {look.since.isoformat()}..{look.until.isoformat()}"[:255],
    )


def page(look: Look, level: str | None = None, sort: str | None = None) -> dict[str, Any]:
    """The supervisors' figures page: the place's figures and its league table."""
    if level is not None and level not in levels_below(look.place):
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"level": _("There is no such level below this place.")},
        )
    if sort and sort.removeprefix("-") not in (*FIGURES, "name"):
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"sort": _("There is no such figure.")},
        )
    got = report(look.place, look.since, look.until, level)
    rows = league_sorted(got["rows"], sort) if sort else got["rows"]
    _logged(look, "view_case_figures", f"level={got['level'] or '-'}")
    return {
        "place": {"id": look.place.pk, "name": look.place.name, "kind": look.place.kind},
        "since": look.since.isoformat(),
        "until": look.until.isoformat(),
        "level": got["level"],
        "levels": list(levels_below(look.place)),
        "figures": got["place"],
        "rows": rows,
    }


def column_labels() -> list[str]:
    """The CSV header, in the active language (Chinese by default)."""
    labels = {
        "raised": pgettext("case figures", "raised"),
        "accepted": pgettext("case figures", "accepted"),
        "declined": pgettext("case figures", "declined"),
        "resolved": pgettext("case figures", "resolved"),
        "closed": pgettext("case figures", "closed"),
        "reopened": pgettext("case figures", "reopened"),
        "overdue": pgettext("case figures", "overdue"),
        "rated": pgettext("case figures", "rated"),
        "responded": pgettext("case figures", "answered"),
        "response_p50": pgettext("case figures", "first response, median (working minutes)"),
        "response_p90": pgettext(
            "case figures", "first response, 90th percentile (working minutes)"
        ),
        "resolution_p50": pgettext("case figures", "resolution, median (working minutes)"),
        "resolution_p90": pgettext("case figures", "resolution, 90th percentile (working minutes)"),
        "reopen_rate": pgettext("case figures", "reopen rate"),
        "mean_rating": pgettext("case figures", "mean rating"),
        "resolution_rate": pgettext("case figures", "resolution rate"),
    }
    return [pgettext("case figures", "place"), *(str(labels[name]) for name in FIGURES)]


def csv_rows(got: Mapping[str, Any]) -> list[list[str]]:
    """The league table of ``page`` as CSV cells: a header row, then one row per place
    and a last row for the place itself."""

    def cell(value: Any) -> str:
        return "" if value is None else str(value)

    rows = [column_labels()]
    for row in got["rows"]:
        rows.append([str(row["place"]["name"]), *(cell(row[name]) for name in FIGURES)])
    rows.append([str(got["place"]["name"]), *(cell(got["figures"][name]) for name in FIGURES)])
    return rows


def drill(look: Look, figure: str, *, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """The cases behind one figure of the look's place and period (logged: they carry
    personal data)."""
    if figure not in DRILLABLE:
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"figure": _("There is no such figure.")},
        )
    if not 1 <= limit <= 500 or offset < 0:
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"limit": _("Ask for 1 to 500 cases from an offset of 0 or more.")},
        )
    got = cases_behind(look.user, look.place, look.since, look.until, figure,
                       limit=limit, offset=offset)  # fmt: skip
    _logged(look, "view_cases", f"figure={figure} shown={len(got['cases'])}")
    return {"figure": figure, "since": look.since.isoformat(), "until": look.until.isoformat(),
            **got}  # fmt: skip
