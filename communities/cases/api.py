"""HTTP API of things nearby (/api/cases/…): thin, each endpoint calls one service or
selector (docs/cases.md, "HTTP API"). Every action on a case answers with the case as the
actor now sees it (``selectors.case_detail``), so a page re-renders from the answer; the
live frames tell everyone else.

The figures (/api/cases/figures…) are ``figures_api``'s.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import File, Router, Status
from ninja.files import UploadedFile

from communities.api import LOGGED_IN, current_user
from communities.errors import NotFound
from communities.models import User
from communities.uploads.private import file_response

from . import selectors, services
from .models import Photo
from .schemas import (
    AnswerUrgeIn,
    AssignIn,
    BodyIn,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    GridUpdateIn,
    HandOffIn,
    MergeIn,
    NamedOut,
    PatrolOut,
    PhotoOut,
    RateIn,
    ReasonIn,
    ReplyIn,
    ResolveIn,
    UnitOut,
    UrgeIn,
)
from .shapes import photo_out

router = Router(auth=LOGGED_IN, tags=["cases"])


def _detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return selectors.case_detail(current_user(request), case_id)


def _anyone(request: HttpRequest) -> bool:
    """Lets a logged-out browser through to the photo views, which answer it 404 like
    anyone else who may not see the photo (a missing photo and a refused one look alike)."""
    return True


# --- Raising a case: categories, photos ---------------------------------------------------
@router.get(
    "/cases/categories",
    response=list[NamedOut],
    operation_id="communities_cases_api_categories",
)
def categories(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    """The district's active categories, for a member of the community raising a case."""
    return selectors.categories_for(current_user(request), community_id)


@router.post(
    "/cases/photos",
    response={201: PhotoOut},
    operation_id="communities_cases_api_photo_upload",
)
def photo_upload(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
) -> Status[dict[str, Any]]:
    """A photo (JPEG, PNG, WebP, GIF, by content) for a case or a timeline entry about to be
    written; send its ``id`` in ``photo_ids``. Not an image: 400 with ``errors.file``."""
    photo = services.photo_upload(uploader=current_user(request), upload=file)
    return Status(201, photo_out(photo))


def _photo(request: HttpRequest, photo_id: int) -> Photo:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotFound()
    return selectors.photo_for(user, photo_id)


@router.get(
    "/cases/photos/{int:photo_id}",
    auth=[*LOGGED_IN, _anyone],
    response={200: None},
    operation_id="communities_cases_api_photo_file",
)
def photo_file(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    """The photo, to whoever may read its case or entry (before it is used: its uploader);
    404 for everyone else, a logged-out browser included."""
    return file_response(_photo(request, photo_id).image)


@router.get(
    "/cases/photos/{int:photo_id}/thumbnail",
    auth=[*LOGGED_IN, _anyone],
    response={200: None},
    operation_id="communities_cases_api_photo_thumbnail",
)
def photo_thumbnail(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    return file_response(_photo(request, photo_id).thumbnail)


# --- Cases: raising, lists, one case ------------------------------------------------------
@router.post(
    "/cases",
    response={201: CaseDetailOut},
    operation_id="communities_cases_api_case_raise",
)
def case_raise(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    case = services.case_raise(
        reporter=current_user(request),
        community_id=payload.community_id,
        category_id=payload.category_id,
        description=payload.description,
        estate_id=payload.estate_id,
        building=payload.building,
        location=payload.location,
        public=payload.public,
        show_reporter=payload.show_reporter,
        photo_ids=tuple(payload.photo_ids),
    )
    return Status(201, _detail(request, case.pk))


@router.get("/cases/mine", response=list[CaseOut], operation_id="communities_cases_api_mine")
def cases_mine(request: HttpRequest) -> list[dict[str, Any]]:
    """The cases I reported or follow (a case merged into another: the kept one)."""
    return selectors.cases_mine(current_user(request))


@router.get("/cases/board", response=list[CaseOut], operation_id="communities_cases_api_board")
def board(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    """The community's public cases, newest first, as its neighbours see them."""
    return selectors.board_cases(current_user(request), community_id)


@router.get("/cases/queue", response=list[CaseOut], operation_id="communities_cases_api_queue")
def queue(
    request: HttpRequest, community_id: int | None = None, unit_id: int | None = None
) -> list[dict[str, Any]]:
    """The open cases at a unit (a community's committee, or a unit above it): red first,
    then amber, oldest first."""
    return selectors.queue_of(current_user(request), community_id=community_id, unit_id=unit_id)


@router.get(
    "/cases/units/mine", response=list[UnitOut], operation_id="communities_cases_api_units_mine"
)
def units_mine(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.units_mine(current_user(request))


@router.get("/cases/units", response=list[UnitOut], operation_id="communities_cases_api_units")
def units(
    request: HttpRequest, street_id: int | None = None, district_id: int | None = None
) -> list[dict[str, Any]]:
    """The offices of a street or the departments of a district: where a street desk may
    assign or refer a case."""
    return selectors.units_list(current_user(request), street_id=street_id, district_id=district_id)


@router.get("/cases/patrol", response=PatrolOut, operation_id="communities_cases_api_patrol")
def patrol(request: HttpRequest, place_id: int) -> dict[str, Any]:
    """A supervisor's area: open cases by age and tier, overdue first; unanswered urges."""
    return selectors.patrol_of(current_user(request), place_id)


@router.get(
    "/cases/{int:case_id}", response=CaseDetailOut, operation_id="communities_cases_api_case"
)
def case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The case with the entries the viewer may see (internal notes: the units and the
    supervisors only) and its urges."""
    return _detail(request, case_id)


# --- What the handling unit does ----------------------------------------------------------
@router.post(
    "/cases/{int:case_id}/accept",
    response=CaseDetailOut,
    operation_id="communities_cases_api_accept",
)
def accept(request: HttpRequest, case_id: int, payload: BodyIn) -> dict[str, Any]:
    services.case_accept(actor=current_user(request), case_id=case_id, body=payload.body)
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/decline",
    response=CaseDetailOut,
    operation_id="communities_cases_api_decline",
)
def decline(request: HttpRequest, case_id: int, payload: ReasonIn) -> dict[str, Any]:
    services.case_decline(actor=current_user(request), case_id=case_id, reason=payload.reason)
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/start", response=CaseDetailOut, operation_id="communities_cases_api_start"
)
def start(request: HttpRequest, case_id: int, payload: BodyIn) -> dict[str, Any]:
    services.case_start(actor=current_user(request), case_id=case_id, body=payload.body)
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/reply", response=CaseDetailOut, operation_id="communities_cases_api_reply"
)
def reply(request: HttpRequest, case_id: int, payload: ReplyIn) -> dict[str, Any]:
    """A public reply (``public`` true: the reporter and, for a public case, the neighbours
    read it) or an internal note (only the handling units and the supervisors)."""
    services.case_reply(
        actor=current_user(request),
        case_id=case_id,
        body=payload.body,
        public=payload.public,
        photo_ids=tuple(payload.photo_ids),
    )
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/resolve",
    response=CaseDetailOut,
    operation_id="communities_cases_api_resolve",
)
def resolve(request: HttpRequest, case_id: int, payload: ResolveIn) -> dict[str, Any]:
    services.case_resolve(
        actor=current_user(request),
        case_id=case_id,
        body=payload.body,
        photo_ids=tuple(payload.photo_ids),
    )
    return _detail(request, case_id)


# --- Moving a case between the tiers ------------------------------------------------------
@router.post(
    "/cases/{int:case_id}/escalate",
    response=CaseDetailOut,
    operation_id="communities_cases_api_escalate",
)
def escalate(request: HttpRequest, case_id: int, payload: ReasonIn) -> dict[str, Any]:
    services.case_escalate(actor=current_user(request), case_id=case_id, reason=payload.reason)
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/assign",
    response=CaseDetailOut,
    operation_id="communities_cases_api_assign",
)
def assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    services.case_assign(
        actor=current_user(request),
        case_id=case_id,
        unit_id=payload.unit_id,
        reason=payload.reason,
    )
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/refer", response=CaseDetailOut, operation_id="communities_cases_api_refer"
)
def refer(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    services.case_refer(
        actor=current_user(request),
        case_id=case_id,
        unit_id=payload.unit_id,
        reason=payload.reason,
    )
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/hand-off",
    response=CaseDetailOut,
    operation_id="communities_cases_api_hand_off",
)
def hand_off(request: HttpRequest, case_id: int, payload: HandOffIn) -> dict[str, Any]:
    """To the city grid platform (网格化), with the platform's reference number."""
    services.case_hand_off(
        actor=current_user(request),
        case_id=case_id,
        reference=payload.reference,
        reason=payload.reason,
    )
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/grid-update",
    response=CaseDetailOut,
    operation_id="communities_cases_api_grid_update",
)
def grid_update(request: HttpRequest, case_id: int, payload: GridUpdateIn) -> dict[str, Any]:
    """What the grid platform reported, entered by the street's desk."""
    services.case_grid_update(
        actor=current_user(request), case_id=case_id, body=payload.body, public=payload.public
    )
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/send-back",
    response=CaseDetailOut,
    operation_id="communities_cases_api_send_back",
)
def send_back(request: HttpRequest, case_id: int, payload: ReasonIn) -> dict[str, Any]:
    """One tier down, with a reason (from the grid: back to the street's desk)."""
    services.case_send_back(actor=current_user(request), case_id=case_id, reason=payload.reason)
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/merge", response=CaseDetailOut, operation_id="communities_cases_api_merge"
)
def merge(request: HttpRequest, case_id: int, payload: MergeIn) -> dict[str, Any]:
    """Merge this case into ``into_id``; answers with the kept case, which the reporters of
    both now follow."""
    kept = services.case_merge(
        actor=current_user(request), case_id=case_id, into_id=payload.into_id
    )
    return _detail(request, kept.pk)


# --- Supervision (督办) --------------------------------------------------------------------
@router.post(
    "/cases/{int:case_id}/urge", response=CaseDetailOut, operation_id="communities_cases_api_urge"
)
def urge(request: HttpRequest, case_id: int, payload: UrgeIn) -> dict[str, Any]:
    services.case_urge(actor=current_user(request), case_id=case_id, note=payload.note)
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/answer-urge",
    response=CaseDetailOut,
    operation_id="communities_cases_api_answer_urge",
)
def answer_urge(request: HttpRequest, case_id: int, payload: AnswerUrgeIn) -> dict[str, Any]:
    services.urge_answer(
        actor=current_user(request), case_id=case_id, urge_id=payload.urge_id, body=payload.body
    )
    return _detail(request, case_id)


# --- The reporter -------------------------------------------------------------------------
@router.post(
    "/cases/{int:case_id}/rate", response=CaseDetailOut, operation_id="communities_cases_api_rate"
)
def rate(request: HttpRequest, case_id: int, payload: RateIn) -> dict[str, Any]:
    """Confirm a resolved case and rate it 1–5: it closes."""
    services.case_rate(
        actor=current_user(request), case_id=case_id, rating=payload.rating, body=payload.body
    )
    return _detail(request, case_id)


@router.post(
    "/cases/{int:case_id}/reopen",
    response=CaseDetailOut,
    operation_id="communities_cases_api_reopen",
)
def reopen(request: HttpRequest, case_id: int, payload: ReasonIn) -> dict[str, Any]:
    """Not resolved after all (once per case, with a reason): back to in progress."""
    services.case_reopen(actor=current_user(request), case_id=case_id, reason=payload.reason)
    return _detail(request, case_id)
