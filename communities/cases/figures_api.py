"""HTTP API of the case figures (/api/cases/figures…): the supervisors' page, its league
table as CSV, and the cases behind one figure. Thin: each endpoint checks the look
(``figures.look_at``) and calls one reader of ``figures``."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from communities.api import LOGGED_IN, current_user

from . import figures

router = Router(auth=LOGGED_IN, tags=["case figures"])


class PlaceRefOut(Schema):
    id: int
    name: str
    kind: str


class FiguresOut(Schema):
    raised: int
    accepted: int
    declined: int
    resolved: int
    closed: int
    reopened: int
    overdue: int
    rated: int
    responded: int
    # Working minutes, the upper bound of the bucket holding the value (null: none yet).
    response_p50: int | None
    response_p90: int | None
    resolution_p50: int | None
    resolution_p90: int | None
    reopen_rate: float | None  # reopened / resolved
    mean_rating: float | None  # rating_sum / rated
    resolution_rate: float | None  # resolved / raised


class LeagueRowOut(FiguresOut):
    place: PlaceRefOut


class FiguresPageOut(Schema):
    place: PlaceRefOut
    since: str
    until: str
    level: str | None
    levels: list[str]
    figures: FiguresOut
    rows: list[LeagueRowOut]


class NamedRefOut(Schema):
    id: int
    name: str


class FigureCaseOut(Schema):
    id: int
    status: str
    tier: str
    flag: str
    overdue: bool
    category: NamedRefOut
    community: NamedRefOut
    description: str
    created_at: str | None
    figure_at: str | None  # the moment that counted for the figure
    first_response_at: str | None
    response_minutes: int | None
    resolved_at: str | None
    resolution_minutes: int | None
    closed_at: str | None
    rating: int | None
    reopened: int


class FigureCasesOut(Schema):
    figure: str
    since: str
    until: str
    count: int
    cases: list[FigureCaseOut]


@router.get("/cases/figures", response=FiguresPageOut, operation_id="case_figures")
def case_figures(
    request: HttpRequest,
    place_id: int,
    since: str | None = None,
    until: str | None = None,
    level: str | None = None,
    sort: str | None = None,
) -> dict[str, object]:
    look = figures.look_at(current_user(request), place_id, since, until)
    return figures.page(look, level, sort)


@router.get("/cases/figures.csv", operation_id="case_figures_csv")
def case_figures_csv(
    request: HttpRequest,
    place_id: int,
    since: str | None = None,
    until: str | None = None,
    level: str | None = None,
    sort: str | None = None,
) -> HttpResponse:
    look = figures.look_at(current_user(request), place_id, since, until)
    got = figures.page(look, level, sort)
    out = io.StringIO()
    # A byte-order mark first, so spreadsheet programs read the Chinese as UTF-8.
    out.write("\ufeff")
    csv.writer(out).writerows(figures.csv_rows(got))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"case-figures-{look.place.pk}-{look.since.isoformat()}-{look.until.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/cases/figures/cases", response=FigureCasesOut, operation_id="case_figures_cases")
def case_figures_cases(
    request: HttpRequest,
    place_id: int,
    figure: str,
    since: str | None = None,
    until: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, object]:
    look = figures.look_at(current_user(request), place_id, since, until)
    return figures.drill(look, figure, limit=limit, offset=offset)
