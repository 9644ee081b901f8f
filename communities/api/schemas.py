"""The request and response shapes of ``communities.api``, and the functions that build the
responses from models (shared by accounts, joining, the review queue and the estates)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema

from .. import qr, selectors
from ..models import AwayMembership, JoinApplication, Membership, Place, Role, User
from ..phone import mask_phone


class PlaceOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str


class MembershipOut(Schema):
    id: int
    estate: PlaceOut
    community: PlaceOut
    street: PlaceOut | None
    building: str
    unit: str
    room: str
    joined_at: datetime


class AwayMembershipOut(Schema):
    id: int
    village: PlaceOut
    joined_at: datetime


class RoleOut(Schema):
    id: int
    kind: str
    kind_label: str
    place: PlaceOut
    show_identity: bool


class DisplayOut(Schema):
    """The display the person chose (elder mode); null where they have not chosen."""

    text_size: int | None
    high_contrast: bool | None


class DisplayIn(Schema):
    # Each left out (or null) stays as it is.
    text_size: int | None = None
    high_contrast: bool | None = None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    phone_masked: str
    memberships: list[MembershipOut]
    away_memberships: list[AwayMembershipOut]
    roles: list[RoleOut]
    can_review: list[PlaceOut]
    display: DisplayOut


class SessionOut(Schema):
    """Who is logged in, if anyone, and what every page needs before it shows a time."""

    authenticated: bool
    user: MeOut | None
    # The place's time zone (IANA name): every date and time is shown in it.
    time_zone: str


class ApplicationOut(Schema):
    id: int
    status: str
    status_label: str
    estate: PlaceOut
    community: PlaceOut
    real_name: str
    phone_masked: str
    building: str
    unit: str
    room: str
    note: str
    living_away: bool
    created_at: datetime
    decided_at: datetime | None
    decided_by_name: str
    reason: str


class ReviewApplicationOut(ApplicationOut):
    applicant_id: int
    # In full for the committee of the applicant's community; masked (138****5678) for
    # the supervisors who also read the queue.
    phone: str
    id_card_last4: str
    # The applicant's account is locked after failed logins; the committee may lift it.
    locked_out: bool = False


class UnlockOut(Schema):
    user_id: int
    locked_out: bool


class JoinTargetOut(Schema):
    estate: PlaceOut
    community: PlaceOut
    street: PlaceOut | None
    district: PlaceOut | None
    # The estate belongs to a village: its villagers living elsewhere may apply too.
    living_away_allowed: bool


class EstateOut(PlaceOut):
    community: PlaceOut
    member_count: int


class JoinCodeOut(Schema):
    code: str
    join_url: str
    qr_png_url: str
    qr_svg_url: str


class LoginIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    user_id: int


class SmsCodeIn(Schema):
    phone: str


class PasswordResetIn(Schema):
    phone: str
    sms_code: str = ""
    password: str = ""


class SmsCodeOut(Schema):
    detail: str
    expires_in: int
    resend_after: int


class ApplicationIn(Schema):
    # Required fields are checked by the service, which knows when they are (building and
    # room are not for a villager living elsewhere), and names every missing one.
    real_name: str = ""
    phone: str
    sms_code: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    password: str | None = None
    note: str = ""
    id_card: str = ""
    living_away: bool = False


class RejectIn(Schema):
    reason: str


class CsrfOut(Schema):
    csrf_token: str


def place_out(place: Place | None) -> dict[str, object] | None:
    if place is None:
        return None
    return {
        "id": place.pk,
        "name": place.name,
        "kind": place.kind,
        "kind_label": place.get_kind_display(),
    }


def membership_out(membership: Membership) -> dict[str, object]:
    estate = membership.estate
    community = estate.parent
    return {
        "id": membership.pk,
        "estate": place_out(estate),
        "community": place_out(community),
        "street": place_out(community.parent if community else None),
        "building": membership.building,
        "unit": membership.unit,
        "room": membership.room,
        "joined_at": membership.joined_at,
    }


def away_membership_out(away: AwayMembership) -> dict[str, object]:
    return {"id": away.pk, "village": place_out(away.village), "joined_at": away.joined_at}


def role_out(role: Role) -> dict[str, object]:
    return {
        "id": role.pk,
        "kind": role.kind,
        "kind_label": role.get_kind_display(),
        "place": place_out(role.place),
        "show_identity": role.show_identity,
    }


def application_out(
    application: JoinApplication,
    *,
    full: bool = False,
    phone_visible: bool = True,
    locked_out: bool = False,
) -> dict[str, object]:
    """An application; ``full`` adds what the review queue shows (the whole phone number
    only with ``phone_visible``: to the committee of the applicant's community)."""
    data: dict[str, object] = {
        "id": application.pk,
        "status": application.status,
        "status_label": application.get_status_display(),
        "estate": place_out(application.estate),
        "community": place_out(application.estate.parent),
        "real_name": application.real_name,
        "phone_masked": mask_phone(application.phone),
        "building": application.building,
        "unit": application.unit,
        "room": application.room,
        "note": application.note,
        "living_away": application.living_away,
        "created_at": application.created_at,
        "decided_at": application.decided_at,
        "decided_by_name": application.decided_by.name if application.decided_by else "",
        "reason": application.reason,
    }
    if full:
        data.update(
            applicant_id=application.applicant_id,
            phone=application.phone if phone_visible else mask_phone(application.phone),
            id_card_last4=application.id_card_last4,
            locked_out=locked_out,
        )
    return data


def me_out(user: User) -> dict[str, object]:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.name,
        "phone_masked": mask_phone(user.phone),
        "memberships": [membership_out(m) for m in selectors.user_memberships(user)],
        "away_memberships": [away_membership_out(a) for a in selectors.user_away_memberships(user)],
        "roles": [role_out(r) for r in selectors.user_roles(user)],
        "can_review": [place_out(p) for p in selectors.reviewable_communities(user)],
        "display": display_out(user),
    }


def display_out(user: User) -> dict[str, object]:
    return {"text_size": user.text_size, "high_contrast": user.high_contrast}


def join_code_out(estate: Place) -> dict[str, object]:
    return {
        "code": estate.join_code,
        "join_url": qr.join_url(estate),
        "qr_png_url": f"/api/estates/{estate.pk}/qr.png",
        "qr_svg_url": f"/api/estates/{estate.pk}/qr.svg",
    }
