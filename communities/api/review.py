"""The review queue: the committee reads applications, approves or rejects them, and ends
memberships."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Schema

from .. import selectors, services
from .common import LOGGED_IN, current_user, router
from .schemas import (
    MembershipOut,
    RejectIn,
    ReviewApplicationOut,
    application_out,
    membership_out,
)

StatusFilter = Literal["pending", "approved", "rejected", "withdrawn", "all"]


@router.get(
    "/review/applications",
    response=list[ReviewApplicationOut],
    auth=LOGGED_IN,
    tags=["review"],
    operation_id="communities_api_review_queue",
)
def review_queue(
    request: HttpRequest, status: StatusFilter = "pending", community: int | None = None
) -> list[dict[str, object]]:
    """Applications to the communities I may review or observe (every look is logged)."""
    applications = selectors.applications_for_review(
        current_user(request),
        status=None if status == "all" else status,
        community_id=community,
    )
    return [application_out(a, full=True) for a in applications]


@router.post(
    "/applications/{application_id}/approve",
    response=ReviewApplicationOut,
    auth=LOGGED_IN,
    tags=["review"],
    operation_id="communities_api_approve",
)
def approve(request: HttpRequest, application_id: int) -> dict[str, object]:
    application = services.application_approve(
        actor=current_user(request), application_id=application_id
    )
    return application_out(application, full=True)


@router.post(
    "/applications/{application_id}/reject",
    response=ReviewApplicationOut,
    auth=LOGGED_IN,
    tags=["review"],
    operation_id="communities_api_reject",
)
def reject(request: HttpRequest, application_id: int, payload: RejectIn) -> dict[str, object]:
    application = services.application_reject(
        actor=current_user(request), application_id=application_id, reason=payload.reason
    )
    return application_out(application, full=True)


class RevokeIn(Schema):
    reason: str


@router.post(
    "/memberships/{membership_id}/revoke",
    response=MembershipOut,
    auth=LOGGED_IN,
    tags=["review"],
    operation_id="communities_api_revoke_membership",
)
def revoke_membership(
    request: HttpRequest, membership_id: int, payload: RevokeIn
) -> dict[str, object]:
    """The committee ends a membership; the resident leaves the estate group at once."""
    membership = services.membership_revoke(
        actor=current_user(request), membership_id=membership_id, reason=payload.reason
    )
    return membership_out(membership)
