"""The review queue: the committee reads applications, approves or rejects them, ends
memberships and lifts the login lock-out of the people of its community."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Schema

from .. import selectors, services
from ..lockout import locked_usernames
from .common import LOGGED_IN, current_user, router
from .schemas import (
    MembershipOut,
    RejectIn,
    ReviewApplicationOut,
    UnlockOut,
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
    """Applications to the communities I may review or observe (every look is logged).
    Phone numbers are whole only for the committee of the applicant's community."""
    user = current_user(request)
    applications = selectors.applications_for_review(
        user,
        status=None if status == "all" else status,
        community_id=community,
    )
    deciding = selectors.deciding_community_ids(user)
    # Whether an applicant is locked out is for those who may lift it: the committee.
    locked = locked_usernames(
        a.applicant.username
        for a in applications
        if a.applicant is not None and a.estate.parent_id in deciding
    )
    return [
        application_out(
            a,
            full=True,
            phone_visible=a.estate.parent_id in deciding,
            locked_out=a.applicant is not None and a.applicant.username in locked,
        )
        for a in applications
    ]


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


@router.post(
    "/people/{user_id}/unlock",
    response=UnlockOut,
    auth=LOGGED_IN,
    tags=["review"],
    operation_id="communities_api_unlock_login",
)
def unlock_login(request: HttpRequest, user_id: int) -> dict[str, object]:
    """Lift the login lock-out of a person of my community (or any person, for an admin)."""
    person = services.account_unlock(actor=current_user(request), user_id=user_id)
    return {"user_id": person.pk, "locked_out": False}


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
