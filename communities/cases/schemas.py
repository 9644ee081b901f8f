"""The request and response shapes of the cases API (/api/cases/…). The answers are built
by ``communities.cases.shapes`` and the selectors — the same shapes the live frames carry —
and these schemas only name and document them (docs/cases.md, "HTTP API")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator

from communities.shapes import PersonOut


def _iso(value: Any) -> Any:
    """Moments leave as ISO 8601 text, as in the frames, whether a shape built the text or
    handed over the datetime."""
    return value.isoformat() if isinstance(value, datetime) else value


Moment = Annotated[str, BeforeValidator(_iso)]


# --- Shapes -------------------------------------------------------------------------------
class NamedOut(Schema):
    id: int
    name: str


class UnitRefOut(Schema):
    id: int
    kind: str
    name: str


class ReporterOut(PersonOut):
    # The handling units and supervisors see the reporter's phone; nobody else does.
    phone: str | None = None


class PhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int


class MayOut(Schema):
    """What the viewer may do to the case now (the buttons a page shows)."""

    accept: bool
    decline: bool
    start: bool
    reply: bool
    note: bool
    resolve: bool
    escalate: bool
    assign: bool
    refer: bool
    hand_off: bool
    grid_update: bool
    send_back: bool
    merge: bool
    urge: bool
    answer_urge: bool
    rate: bool
    reopen: bool


class CaseOut(Schema):
    id: int
    status: str
    tier: str
    flag: str
    overdue: bool
    public: bool
    show_reporter: bool
    category: NamedOut
    description: str
    community: NamedOut
    street_id: int
    district_id: int
    estate: NamedOut | None
    building: str
    location: str
    reporter: ReporterOut | None
    unit: UnitRefOut | None
    grid_reference: str
    merged_into: int | None
    created_at: Moment
    updated_at: Moment
    respond_by: Moment | None
    resolve_by: Moment | None
    first_response_at: Moment | None
    resolved_at: Moment | None
    closed_at: Moment | None
    rating: int | None
    reopened: int
    open_urges: int
    photos: list[PhotoOut]
    may: MayOut | None = None


class EntryOut(Schema):
    id: int
    case_id: int
    kind: str
    actor: PersonOut | None
    from_unit: str
    to_unit: str
    public: bool
    body: str
    rating: int | None
    answers: int | None
    photos: list[PhotoOut]
    created_at: Moment


class UrgeOut(Schema):
    id: int
    case_id: int
    supervisor: PersonOut
    note: str
    created_at: Moment
    answered_at: Moment | None


class CaseDetailOut(CaseOut):
    entries: list[EntryOut]
    urges: list[UrgeOut]


class UnitOut(Schema):
    """A unit that handles cases: a community's committee (``kind`` "community", ``id`` the
    community's), a street's desk, an office or a department."""

    id: int
    kind: str
    name: str


class PatrolOut(Schema):
    """A supervisor's page: the open cases of the area, overdue first, and the urges still
    waiting for an answer."""

    cases: list[CaseOut]
    urges: list[UrgeOut]


# --- Requests -----------------------------------------------------------------------------
# Text fields default to "" so that a missing one is refused by the service, with its
# translated message under the field's name, like every other refusal.
class CaseIn(Schema):
    community_id: int
    category_id: int
    description: str = ""
    estate_id: int | None = None
    building: str = ""
    location: str = ""
    public: bool = False
    show_reporter: bool = False
    photo_ids: list[int] = []


class BodyIn(Schema):
    body: str = ""


class ReasonIn(Schema):
    reason: str = ""


class ReplyIn(Schema):
    body: str = ""
    public: bool = True
    photo_ids: list[int] = []


class ResolveIn(Schema):
    body: str = ""
    photo_ids: list[int] = []


class AssignIn(Schema):
    unit_id: int
    reason: str = ""


class HandOffIn(Schema):
    reference: str = ""
    reason: str = ""


class GridUpdateIn(Schema):
    body: str = ""
    public: bool = True


class MergeIn(Schema):
    into_id: int


class UrgeIn(Schema):
    note: str = ""


class AnswerUrgeIn(Schema):
    urge_id: int
    body: str = ""


class RateIn(Schema):
    rating: int
    body: str = ""
