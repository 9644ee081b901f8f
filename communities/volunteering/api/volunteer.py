"""/api/volunteer/…: call-outs, signing up, the roster, check-in, thanks and hours."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from communities.api import LOGGED_IN, current_user

from .. import qr, selectors, services
from ..shapes import roster_entry
from .schemas import (
    CalloutDetailOut,
    CalloutIn,
    CalloutOut,
    CheckinLinkOut,
    CodeIn,
    HistoryOut,
    RosterEntryOut,
    RosterOut,
    RosterPatch,
    ThanksIn,
    VolunteerHoursOut,
    VolunteeringReasonIn,
)

volunteer_router = Router(auth=LOGGED_IN, tags=["volunteer"])


# --- Volunteering: call-outs --------------------------------------------------------------
def _detail(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    user = current_user(request)
    return selectors.detail(user, selectors.callout_for(user, callout_id))


@volunteer_router.get(
    "/volunteer/callouts",
    response=list[CalloutDetailOut],
    operation_id="communities_volunteering_api_callout_list",
)
def callout_list(
    request: HttpRequest,
    when: Literal["upcoming", "past"] = "upcoming",
    community_id: int | None = None,
) -> list[dict[str, Any]]:
    return selectors.callouts_list(current_user(request), when=when, community_id=community_id)


@volunteer_router.get(
    "/volunteer/callouts/unseen",
    response=list[CalloutOut],
    operation_id="communities_volunteering_api_callout_unseen",
)
def callout_unseen(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.unseen_for(current_user(request))


@volunteer_router.post(
    "/volunteer/communities/{int:community_id}/callouts",
    response={201: CalloutDetailOut},
    operation_id="communities_volunteering_api_callout_create",
)
def callout_create(
    request: HttpRequest, community_id: int, payload: CalloutIn
) -> Status[dict[str, Any]]:
    callout = services.callout_create(
        actor=current_user(request),
        community_id=community_id,
        title=payload.title,
        description=payload.description,
        location=payload.location,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        capacity=payload.capacity,
        audience=payload.audience,
        skills=payload.skills,
    )
    return Status(201, _detail(request, callout.pk))


@volunteer_router.get(
    "/volunteer/callouts/{int:callout_id}",
    response=CalloutDetailOut,
    operation_id="communities_volunteering_api_callout_get",
)
def callout_get(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    return _detail(request, callout_id)


@volunteer_router.post(
    "/volunteer/callouts/{int:callout_id}/cancel",
    response=CalloutDetailOut,
    operation_id="communities_volunteering_api_callout_cancel",
)
def callout_cancel(
    request: HttpRequest, callout_id: int, payload: VolunteeringReasonIn
) -> dict[str, Any]:
    services.callout_cancel(
        actor=current_user(request), callout_id=callout_id, reason=payload.reason
    )
    return _detail(request, callout_id)


@volunteer_router.post(
    "/volunteer/callouts/{int:callout_id}/seen",
    response={204: None},
    operation_id="communities_volunteering_api_callout_seen",
)
def callout_seen(request: HttpRequest, callout_id: int) -> Status[None]:
    services.callout_seen(user=current_user(request), callout_id=callout_id)
    return Status(204, None)


@volunteer_router.post(
    "/volunteer/callouts/{int:callout_id}/signup",
    response={200: CalloutDetailOut, 201: CalloutDetailOut},
    operation_id="communities_volunteering_api_signup_create",
)
def signup_create(request: HttpRequest, callout_id: int) -> Status[dict[str, Any]]:
    _signup, created = services.signup_create(user=current_user(request), callout_id=callout_id)
    return Status(201 if created else 200, _detail(request, callout_id))


@volunteer_router.delete(
    "/volunteer/callouts/{int:callout_id}/signup",
    response=CalloutDetailOut,
    operation_id="communities_volunteering_api_signup_cancel",
)
def signup_cancel(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    services.signup_cancel(user=current_user(request), callout_id=callout_id)
    return _detail(request, callout_id)


# --- Volunteering: roster, check-in, hours ------------------------------------------------
def _organised(request: HttpRequest, callout_id: int) -> selectors.Seat:
    return selectors.callout_organised(current_user(request), callout_id)


@volunteer_router.get(
    "/volunteer/callouts/{int:callout_id}/roster",
    response=RosterOut,
    operation_id="communities_volunteering_api_roster",
)
def roster(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    return selectors.roster(current_user(request), callout_id)


@volunteer_router.patch(
    "/volunteer/callouts/{int:callout_id}/roster/{int:signup_id}",
    response=RosterEntryOut,
    operation_id="communities_volunteering_api_roster_update",
)
def roster_update(
    request: HttpRequest, callout_id: int, signup_id: int, payload: RosterPatch
) -> dict[str, Any]:
    signup = services.roster_update(
        actor=current_user(request),
        callout_id=callout_id,
        signup_id=signup_id,
        **payload.model_dump(exclude_unset=True),
    )
    return roster_entry(signup, selectors.waiting_position(signup))


@volunteer_router.get(
    "/volunteer/callouts/{int:callout_id}/checkin-link",
    response=CheckinLinkOut,
    operation_id="communities_volunteering_api_checkin_link",
)
def checkin_link(request: HttpRequest, callout_id: int) -> dict[str, str]:
    callout = _organised(request, callout_id).callout
    return {"url": qr.checkin_url(callout), "code": qr.checkin_code(callout)}


def _qr(request: HttpRequest, callout_id: int, kind: str, content_type: str) -> HttpResponse:
    callout = _organised(request, callout_id).callout
    response = HttpResponse(qr.checkin_qr(callout, kind=kind), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@volunteer_router.get(
    "/volunteer/callouts/{int:callout_id}/qr.svg",
    operation_id="communities_volunteering_api_checkin_qr_svg",
)
def checkin_qr_svg(request: HttpRequest, callout_id: int) -> HttpResponse:
    """The check-in QR code (organisers), to show on a screen or print."""
    return _qr(request, callout_id, "svg", "image/svg+xml")


@volunteer_router.get(
    "/volunteer/callouts/{int:callout_id}/qr.png",
    operation_id="communities_volunteering_api_checkin_qr_png",
)
def checkin_qr_png(request: HttpRequest, callout_id: int) -> HttpResponse:
    return _qr(request, callout_id, "png", "image/png")


@volunteer_router.post(
    "/volunteer/callouts/{int:callout_id}/checkin",
    response=CalloutDetailOut,
    operation_id="communities_volunteering_api_checkin",
)
def checkin(request: HttpRequest, callout_id: int, payload: CodeIn) -> dict[str, Any]:
    services.checkin_by_code(user=current_user(request), callout_id=callout_id, code=payload.code)
    return _detail(request, callout_id)


@volunteer_router.post(
    "/volunteer/callouts/{int:callout_id}/thanks",
    response={201: CalloutDetailOut},
    operation_id="communities_volunteering_api_thanks",
)
def thanks(request: HttpRequest, callout_id: int, payload: ThanksIn) -> Status[dict[str, Any]]:
    services.thanks_post(
        actor=current_user(request), callout_id=callout_id, title=payload.title, body=payload.body
    )
    return Status(201, _detail(request, callout_id))


@volunteer_router.get(
    "/volunteer/me/history",
    response=HistoryOut,
    operation_id="communities_volunteering_api_my_history",
)
def my_history(request: HttpRequest) -> dict[str, Any]:
    return selectors.history_of(current_user(request))


@volunteer_router.get(
    "/volunteer/communities/{int:community_id}/hours",
    response=list[VolunteerHoursOut],
    operation_id="communities_volunteering_api_community_hours",
)
def community_hours(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    return selectors.community_hours(current_user(request), community_id)
