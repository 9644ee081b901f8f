"""/api/party/…: report-in and the branch's members, identity, service projects."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Status

from communities.api import LOGGED_IN, current_user

from .. import selectors, services
from ..shapes import party_member_out, project_out, report_in_out
from .schemas import (
    IdentityIn,
    PartyMemberOut,
    PartyMeOut,
    ProjectIn,
    ProjectNoteIn,
    ProjectOut,
    ProjectPatch,
    ReportInIn,
    ReportInOut,
    VolunteeringReasonIn,
)

party_router = Router(auth=LOGGED_IN, tags=["party"])


# --- Party: report-in and members ---------------------------------------------------------
@party_router.get(
    "/party/me", response=list[PartyMeOut], operation_id="communities_volunteering_api_party_me"
)
def party_me(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.party_me(current_user(request))


@party_router.post(
    "/party/communities/{int:community_id}/report-ins",
    response={201: ReportInOut},
    operation_id="communities_volunteering_api_report_in_submit",
)
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


@party_router.get(
    "/party/me/report-ins",
    response=list[ReportInOut],
    operation_id="communities_volunteering_api_report_ins_mine",
)
def report_ins_mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [report_in_out(item) for item in selectors.report_ins_mine(current_user(request))]


@party_router.delete(
    "/party/report-ins/{int:report_in_id}",
    response={204: None},
    operation_id="communities_volunteering_api_report_in_withdraw",
)
def report_in_withdraw(request: HttpRequest, report_in_id: int) -> Status[None]:
    services.report_in_withdraw(user=current_user(request), report_in_id=report_in_id)
    return Status(204, None)


@party_router.get(
    "/party/communities/{int:community_id}/report-ins",
    response=list[ReportInOut],
    operation_id="communities_volunteering_api_report_ins_of",
)
def report_ins_of(
    request: HttpRequest,
    community_id: int,
    status: Literal["pending", "confirmed", "rejected", "withdrawn", "all"] = "pending",
) -> list[dict[str, Any]]:
    items = selectors.report_ins_of(current_user(request), community_id, status=status)
    return [report_in_out(item) for item in items]


@party_router.post(
    "/party/report-ins/{int:report_in_id}/confirm",
    response=ReportInOut,
    operation_id="communities_volunteering_api_report_in_confirm",
)
def report_in_confirm(request: HttpRequest, report_in_id: int) -> dict[str, Any]:
    report_in = services.report_in_confirm(actor=current_user(request), report_in_id=report_in_id)
    return report_in_out(report_in)


@party_router.post(
    "/party/report-ins/{int:report_in_id}/reject",
    response=ReportInOut,
    operation_id="communities_volunteering_api_report_in_reject",
)
def report_in_reject(
    request: HttpRequest, report_in_id: int, payload: VolunteeringReasonIn
) -> dict[str, Any]:
    report_in = services.report_in_reject(
        actor=current_user(request), report_in_id=report_in_id, reason=payload.reason
    )
    return report_in_out(report_in)


@party_router.get(
    "/party/communities/{int:community_id}/members",
    response=list[PartyMemberOut],
    operation_id="communities_volunteering_api_party_members",
)
def party_members(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    roles = selectors.party_members(current_user(request), community_id)
    return [party_member_out(role) for role in roles]


@party_router.patch(
    "/party/communities/{int:community_id}/identity",
    response=PartyMeOut,
    operation_id="communities_volunteering_api_identity_set",
)
def identity_set(request: HttpRequest, community_id: int, payload: IdentityIn) -> dict[str, Any]:
    user = current_user(request)
    services.identity_set(user=user, community_id=community_id, show_identity=payload.show_identity)
    user.refresh_from_db(fields=["party_badge"])
    mine = selectors.party_me(user)
    return next(item for item in mine if item["community"]["id"] == community_id)


# --- Party: service projects --------------------------------------------------------------
@party_router.get(
    "/party/communities/{int:community_id}/projects",
    response=list[ProjectOut],
    operation_id="communities_volunteering_api_projects_of",
)
def projects_of(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    return [project_out(p) for p in selectors.projects_of(current_user(request), community_id)]


@party_router.post(
    "/party/communities/{int:community_id}/projects",
    response={201: ProjectOut},
    operation_id="communities_volunteering_api_project_create",
)
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


@party_router.patch(
    "/party/projects/{int:project_id}",
    response=ProjectOut,
    operation_id="communities_volunteering_api_project_update",
)
def project_update(request: HttpRequest, project_id: int, payload: ProjectPatch) -> dict[str, Any]:
    project = services.project_update(
        actor=current_user(request), project_id=project_id, **payload.model_dump(exclude_unset=True)
    )
    return project_out(project)


@party_router.post(
    "/party/projects/{int:project_id}/claim",
    response=ProjectOut,
    operation_id="communities_volunteering_api_project_claim",
)
def project_claim(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return project_out(services.project_claim(user=current_user(request), project_id=project_id))


@party_router.delete(
    "/party/projects/{int:project_id}/claim",
    response=ProjectOut,
    operation_id="communities_volunteering_api_project_unclaim",
)
def project_unclaim(request: HttpRequest, project_id: int) -> dict[str, Any]:
    project = services.project_unclaim(user=current_user(request), project_id=project_id)
    return project_out(project)


@party_router.post(
    "/party/projects/{int:project_id}/notes",
    response={201: ProjectOut},
    operation_id="communities_volunteering_api_project_note",
)
def project_note(
    request: HttpRequest, project_id: int, payload: ProjectNoteIn
) -> Status[dict[str, Any]]:
    project = services.project_note_add(
        user=current_user(request), project_id=project_id, text_=payload.text
    )
    return Status(201, project_out(project))
