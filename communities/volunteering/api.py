"""HTTP API of party building (/api/party/…) and volunteering (/api/volunteer/…): thin, each
endpoint calls one service or selector and shapes the answer with ``shapes.py`` (the same
shapes the live frames carry). The contract is docs/volunteering.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from communities.api import LOGGED_IN, current_user
from communities.shapes import PersonOut

from . import qr, selectors, services
from .shapes import party_member_out, project_out, report_in_out, roster_entry

party_router = Router(auth=LOGGED_IN, tags=["party"])
volunteer_router = Router(auth=LOGGED_IN, tags=["volunteer"])


# --- Shapes -------------------------------------------------------------------------------
class CommunityOut(Schema):
    id: int
    name: str


class ReportInOut(Schema):
    id: int
    community: CommunityOut
    user: PersonOut
    home_branch: str
    note: str
    show_identity: bool
    status: str
    created_at: str
    decided_at: str | None
    decided_by: PersonOut | None
    reason: str


class PartyMeOut(Schema):
    community: CommunityOut
    resident: bool
    party_member: bool
    secretary: bool
    show_identity: bool
    gatekeeper: bool  # decides report-ins: the secretary and their delegates
    branch: bool  # sees hidden members, report-ins and hours
    may_manage_projects: bool
    may_organise: bool  # posts and runs call-outs
    report_in: ReportInOut | None


class PartyMemberOut(Schema):
    user: PersonOut
    role: str
    show_identity: bool
    since: str


class ClaimOut(Schema):
    user: PersonOut
    claimed_at: str


class NoteOut(Schema):
    id: int
    author: PersonOut
    text: str
    created_at: str


class ProjectOut(Schema):
    id: int
    community_id: int
    title: str
    description: str
    status: str
    created_by: PersonOut
    created_at: str
    updated_at: str
    claims: list[ClaimOut]
    notes: list[NoteOut]


class CalloutOut(Schema):
    id: int
    community: CommunityOut
    title: str
    description: str
    location: str
    skills: str
    starts_at: str
    ends_at: str
    capacity: int
    audience: str
    status: str
    cancel_reason: str
    organiser: PersonOut
    confirmed: int
    waiting: int
    post_id: int | None
    thanks_post_id: int | None
    created_at: str


class MySignUpOut(Schema):
    status: str
    position: int | None
    signed_up_at: str
    checked_in_at: str | None
    minutes: int | None


class CalloutDetailOut(CalloutOut):
    me: MySignUpOut | None
    can_sign_up: bool
    can_manage: bool
    checkin_opens_at: str


class RosterEntryOut(Schema):
    id: int
    user: PersonOut
    status: str
    position: int | None
    signed_up_at: str
    checked_in_at: str | None
    checked_in_by: str | None
    minutes: int | None


class RosterOut(Schema):
    callout: CalloutOut
    signups: list[RosterEntryOut]


class CheckinLinkOut(Schema):
    url: str
    code: str


class HistoryEntryOut(Schema):
    callout: CalloutOut
    status: str
    checked_in_at: str | None
    minutes: int | None


class HistoryOut(Schema):
    total_minutes: int
    callouts: int
    entries: list[HistoryEntryOut]


class VolunteerHoursOut(Schema):
    user: PersonOut
    callouts: int
    total_minutes: int


# --- Input --------------------------------------------------------------------------------
class ReportInIn(Schema):
    home_branch: str
    note: str = ""
    show_identity: bool = False


class ReasonIn(Schema):
    reason: str = ""


class IdentityIn(Schema):
    show_identity: bool


class ProjectIn(Schema):
    title: str
    description: str = ""


class ProjectPatch(Schema):
    title: str | None = None
    description: str | None = None
    status: Literal["open", "in_progress", "done"] | None = None


class NoteIn(Schema):
    text: str


class CalloutIn(Schema):
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    audience: Literal["party", "residents"]
    skills: str = ""


class CodeIn(Schema):
    code: str


class RosterPatch(Schema):
    checked_in: bool | None = None
    minutes: int | None = None


class ThanksIn(Schema):
    title: str
    body: str


# --- Party: report-in and members ---------------------------------------------------------
@party_router.get("/party/me", response=list[PartyMeOut])
def party_me(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.party_me(current_user(request))


@party_router.post("/party/communities/{int:community_id}/report-ins", response={201: ReportInOut})
def report_in_submit(
    request: HttpRequest, community_id: int, payload: ReportInIn
) -> Status[dict[str, Any]]:
    report_in = services.report_in_submit(
        user=current_user(request),
        community_id=community_id,
        home_branch=payload.home_branch,
        note=payload.note,
        show_identity=payload.show_identity,
    )
    return Status(201, report_in_out(report_in))


@party_router.get("/party/me/report-ins", response=list[ReportInOut])
def report_ins_mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [report_in_out(item) for item in selectors.report_ins_mine(current_user(request))]


@party_router.delete("/party/report-ins/{int:report_in_id}", response={204: None})
def report_in_withdraw(request: HttpRequest, report_in_id: int) -> Status[None]:
    services.report_in_withdraw(user=current_user(request), report_in_id=report_in_id)
    return Status(204, None)


@party_router.get("/party/communities/{int:community_id}/report-ins", response=list[ReportInOut])
def report_ins_of(
    request: HttpRequest,
    community_id: int,
    status: Literal["pending", "confirmed", "rejected", "withdrawn", "all"] = "pending",
) -> list[dict[str, Any]]:
    items = selectors.report_ins_of(current_user(request), community_id, status=status)
    return [report_in_out(item) for item in items]


@party_router.post("/party/report-ins/{int:report_in_id}/confirm", response=ReportInOut)
def report_in_confirm(request: HttpRequest, report_in_id: int) -> dict[str, Any]:
    report_in = services.report_in_confirm(actor=current_user(request), report_in_id=report_in_id)
    return report_in_out(report_in)


@party_router.post("/party/report-ins/{int:report_in_id}/reject", response=ReportInOut)
def report_in_reject(request: HttpRequest, report_in_id: int, payload: ReasonIn) -> dict[str, Any]:
    report_in = services.report_in_reject(
        actor=current_user(request), report_in_id=report_in_id, reason=payload.reason
    )
    return report_in_out(report_in)


@party_router.get("/party/communities/{int:community_id}/members", response=list[PartyMemberOut])
def party_members(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    roles = selectors.party_members(current_user(request), community_id)
    return [party_member_out(role) for role in roles]


@party_router.patch("/party/communities/{int:community_id}/identity", response=PartyMeOut)
def identity_set(request: HttpRequest, community_id: int, payload: IdentityIn) -> dict[str, Any]:
    user = current_user(request)
    services.identity_set(user=user, community_id=community_id, show_identity=payload.show_identity)
    user.refresh_from_db(fields=["party_badge"])
    mine = selectors.party_me(user)
    return next(item for item in mine if item["community"]["id"] == community_id)


# --- Party: service projects --------------------------------------------------------------
@party_router.get("/party/communities/{int:community_id}/projects", response=list[ProjectOut])
def projects_of(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    return [project_out(p) for p in selectors.projects_of(current_user(request), community_id)]


@party_router.post("/party/communities/{int:community_id}/projects", response={201: ProjectOut})
def project_create(
    request: HttpRequest, community_id: int, payload: ProjectIn
) -> Status[dict[str, Any]]:
    project = services.project_create(
        actor=current_user(request),
        community_id=community_id,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, project_out(project))


@party_router.patch("/party/projects/{int:project_id}", response=ProjectOut)
def project_update(request: HttpRequest, project_id: int, payload: ProjectPatch) -> dict[str, Any]:
    project = services.project_update(
        actor=current_user(request), project_id=project_id, **payload.model_dump(exclude_unset=True)
    )
    return project_out(project)


@party_router.post("/party/projects/{int:project_id}/claim", response=ProjectOut)
def project_claim(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return project_out(services.project_claim(user=current_user(request), project_id=project_id))


@party_router.delete("/party/projects/{int:project_id}/claim", response=ProjectOut)
def project_unclaim(request: HttpRequest, project_id: int) -> dict[str, Any]:
    project = services.project_unclaim(user=current_user(request), project_id=project_id)
    return project_out(project)


@party_router.post("/party/projects/{int:project_id}/notes", response={201: ProjectOut})
def project_note(request: HttpRequest, project_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    project = services.project_note_add(
        user=current_user(request), project_id=project_id, text_=payload.text
    )
    return Status(201, project_out(project))


# --- Volunteering: call-outs --------------------------------------------------------------
def _detail(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    user = current_user(request)
    return selectors.detail(user, selectors.callout_for(user, callout_id))


@volunteer_router.get("/volunteer/callouts", response=list[CalloutDetailOut])
def callout_list(
    request: HttpRequest,
    when: Literal["upcoming", "past"] = "upcoming",
    community_id: int | None = None,
) -> list[dict[str, Any]]:
    return selectors.callouts_list(current_user(request), when=when, community_id=community_id)


@volunteer_router.get("/volunteer/callouts/unseen", response=list[CalloutOut])
def callout_unseen(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.unseen_for(current_user(request))


@volunteer_router.post(
    "/volunteer/communities/{int:community_id}/callouts", response={201: CalloutDetailOut}
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


@volunteer_router.get("/volunteer/callouts/{int:callout_id}", response=CalloutDetailOut)
def callout_get(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    return _detail(request, callout_id)


@volunteer_router.post("/volunteer/callouts/{int:callout_id}/cancel", response=CalloutDetailOut)
def callout_cancel(request: HttpRequest, callout_id: int, payload: ReasonIn) -> dict[str, Any]:
    services.callout_cancel(
        actor=current_user(request), callout_id=callout_id, reason=payload.reason
    )
    return _detail(request, callout_id)


@volunteer_router.post("/volunteer/callouts/{int:callout_id}/seen", response={204: None})
def callout_seen(request: HttpRequest, callout_id: int) -> Status[None]:
    services.callout_seen(user=current_user(request), callout_id=callout_id)
    return Status(204, None)


@volunteer_router.post(
    "/volunteer/callouts/{int:callout_id}/signup",
    response={200: CalloutDetailOut, 201: CalloutDetailOut},
)
def signup_create(request: HttpRequest, callout_id: int) -> Status[dict[str, Any]]:
    _signup, created = services.signup_create(user=current_user(request), callout_id=callout_id)
    return Status(201 if created else 200, _detail(request, callout_id))


@volunteer_router.delete("/volunteer/callouts/{int:callout_id}/signup", response=CalloutDetailOut)
def signup_cancel(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    services.signup_cancel(user=current_user(request), callout_id=callout_id)
    return _detail(request, callout_id)


# --- Volunteering: roster, check-in, hours ------------------------------------------------
def _organised(request: HttpRequest, callout_id: int) -> selectors.Seat:
    return selectors.callout_organised(current_user(request), callout_id)


@volunteer_router.get("/volunteer/callouts/{int:callout_id}/roster", response=RosterOut)
def roster(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    return selectors.roster(current_user(request), callout_id)


@volunteer_router.patch(
    "/volunteer/callouts/{int:callout_id}/roster/{int:signup_id}", response=RosterEntryOut
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


@volunteer_router.get("/volunteer/callouts/{int:callout_id}/checkin-link", response=CheckinLinkOut)
def checkin_link(request: HttpRequest, callout_id: int) -> dict[str, str]:
    callout = _organised(request, callout_id).callout
    return {"url": qr.checkin_url(callout), "code": qr.checkin_code(callout)}


def _qr(request: HttpRequest, callout_id: int, kind: str, content_type: str) -> HttpResponse:
    callout = _organised(request, callout_id).callout
    response = HttpResponse(qr.checkin_qr(callout, kind=kind), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@volunteer_router.get("/volunteer/callouts/{int:callout_id}/qr.svg")
def checkin_qr_svg(request: HttpRequest, callout_id: int) -> HttpResponse:
    """The check-in QR code (organisers), to show on a screen or print."""
    return _qr(request, callout_id, "svg", "image/svg+xml")


@volunteer_router.get("/volunteer/callouts/{int:callout_id}/qr.png")
def checkin_qr_png(request: HttpRequest, callout_id: int) -> HttpResponse:
    return _qr(request, callout_id, "png", "image/png")


@volunteer_router.post("/volunteer/callouts/{int:callout_id}/checkin", response=CalloutDetailOut)
def checkin(request: HttpRequest, callout_id: int, payload: CodeIn) -> dict[str, Any]:
    services.checkin_by_code(user=current_user(request), callout_id=callout_id, code=payload.code)
    return _detail(request, callout_id)


@volunteer_router.post(
    "/volunteer/callouts/{int:callout_id}/thanks", response={201: CalloutDetailOut}
)
def thanks(request: HttpRequest, callout_id: int, payload: ThanksIn) -> Status[dict[str, Any]]:
    services.thanks_post(
        actor=current_user(request), callout_id=callout_id, title=payload.title, body=payload.body
    )
    return Status(201, _detail(request, callout_id))


@volunteer_router.get("/volunteer/me/history", response=HistoryOut)
def my_history(request: HttpRequest) -> dict[str, Any]:
    return selectors.history_of(current_user(request))


@volunteer_router.get(
    "/volunteer/communities/{int:community_id}/hours", response=list[VolunteerHoursOut]
)
def community_hours(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    return selectors.community_hours(current_user(request), community_id)
