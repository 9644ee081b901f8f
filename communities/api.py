"""HTTP API for accounts, joining and the review queue: thin, it calls services."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, django_auth
from ninja.utils import check_csrf

from realtime.tokens import token_issue, token_user

from . import qr, selectors, services
from .errors import Forbidden, NotAuthenticated
from .models import AwayMembership, JoinApplication, Membership, Place, PlaceKind, Role, User
from .phone import mask_phone, normalize_phone, phone_code_send
from .rules import Action


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from POST /api/auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


LOGGED_IN = [TokenAuth(), django_auth]
router = Router()


def client_ip(request: HttpRequest) -> str:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def require_csrf(request: HttpRequest) -> None:
    """Session-creating endpoints are open to anyone, so check CSRF by hand."""
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    failure = check_csrf(request)
    if failure is not None:
        raise Forbidden(code="csrf_failed")


def current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user


# --- Shapes -----------------------------------------------------------------------
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


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    phone_masked: str
    memberships: list[MembershipOut]
    away_memberships: list[AwayMembershipOut]
    roles: list[RoleOut]
    can_review: list[PlaceOut]


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
    phone: str
    id_card_last4: str


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


def application_out(application: JoinApplication, *, full: bool = False) -> dict[str, object]:
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
            phone=application.phone,
            id_card_last4=application.id_card_last4,
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
    }


def join_code_out(estate: Place) -> dict[str, object]:
    return {
        "code": estate.join_code,
        "join_url": qr.join_url(estate),
        "qr_png_url": f"/api/estates/{estate.pk}/qr.png",
        "qr_svg_url": f"/api/estates/{estate.pk}/qr.svg",
    }


# --- Accounts -------------------------------------------------------------------------
@router.get("/auth/csrf", response=CsrfOut, auth=None, tags=["accounts"])
def csrf(request: HttpRequest) -> dict[str, str]:
    """Set the CSRF cookie; send its value as X-CSRFToken on every POST."""
    return {"csrf_token": get_token(request)}


@router.post("/auth/login", response=MeOut, auth=None, tags=["accounts"])
def auth_login(request: HttpRequest, payload: LoginIn) -> dict[str, object]:
    """Log in with a username or phone number; failures are throttled."""
    require_csrf(request)
    user = services.account_authenticate(
        username=payload.username, password=payload.password, client_ip=client_ip(request)
    )
    login(request, user)
    return me_out(user)


@router.post("/auth/logout", response={204: None}, auth=None, tags=["accounts"])
def auth_logout(request: HttpRequest) -> Status[None]:
    require_csrf(request)
    logout(request)
    return Status(204, None)


@router.post("/auth/token", response=TokenOut, auth=None, tags=["accounts"])
def auth_token(request: HttpRequest, payload: LoginIn) -> dict[str, object]:
    """A signed, expiring bearer token for non-browser clients."""
    user = services.account_authenticate(
        username=payload.username, password=payload.password, client_ip=client_ip(request)
    )
    token, lifetime = token_issue(user=user)
    return {"token": token, "expires_in": lifetime, "user_id": user.pk}


@router.get("/me", response=MeOut, auth=LOGGED_IN, tags=["accounts"])
def me(request: HttpRequest) -> dict[str, object]:
    """Who I am: memberships, roles, and the communities whose queue I review."""
    return me_out(current_user(request))


@router.post("/auth/sms-code", response={202: SmsCodeOut}, auth=None, tags=["accounts"])
def sms_code(request: HttpRequest, payload: SmsCodeIn) -> Status[dict[str, object]]:
    """Send a one-time code to confirm a phone number."""
    require_csrf(request)
    phone = normalize_phone(payload.phone)
    phone_code_send(phone=phone, client_ip=client_ip(request))
    return Status(
        202,
        {
            "detail": _("A verification code has been sent to %(phone)s.")
            % {"phone": mask_phone(phone)},
            "expires_in": int(settings.SMS_CODE_TTL.total_seconds()),
            "resend_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
        },
    )


# --- Joining -------------------------------------------------------------------------
@router.get("/join/{code}", response=JoinTargetOut, auth=None, tags=["joining"])
def join_target(request: HttpRequest, code: str) -> dict[str, object]:
    """What a join link leads to; 404 once the code has been rotated."""
    estate = selectors.estate_by_join_code(code)
    lineage = selectors.place_lineage(estate)
    community = lineage["community"]
    return {
        **{key: place_out(value) for key, value in lineage.items()},
        "living_away_allowed": community is not None and community.kind == PlaceKind.VILLAGE,
    }


@router.post(
    "/join/{code}/applications", response={201: ApplicationOut}, auth=None, tags=["joining"]
)
def join_apply(request: HttpRequest, code: str, payload: ApplicationIn) -> Status[object]:
    """Apply to join; an anonymous applicant's account is created and logged in."""
    require_csrf(request)
    user = request.user if request.user.is_authenticated else None
    if user is None:
        bearer = request.headers.get("Authorization", "")
        if bearer.startswith("Bearer "):
            user = token_user(bearer.removeprefix("Bearer ").strip())
            if user is None:
                raise NotAuthenticated()
    assert user is None or isinstance(user, User)
    application = services.application_submit(
        applicant=user,
        join_code=code,
        real_name=payload.real_name,
        phone=payload.phone,
        sms_code=payload.sms_code,
        building=payload.building,
        unit=payload.unit,
        room=payload.room,
        password=payload.password,
        note=payload.note,
        id_card=payload.id_card,
        living_away=payload.living_away,
        client_ip=client_ip(request),
    )
    if user is None:
        login(request, application.applicant, backend="django.contrib.auth.backends.ModelBackend")
    return Status(201, application_out(application))


@router.get("/applications", response=list[ApplicationOut], auth=LOGGED_IN, tags=["joining"])
def my_applications(request: HttpRequest) -> list[dict[str, object]]:
    return [application_out(a) for a in selectors.user_applications(current_user(request))]


@router.post(
    "/applications/{application_id}/withdraw",
    response=ApplicationOut,
    auth=LOGGED_IN,
    tags=["joining"],
)
def withdraw(request: HttpRequest, application_id: int) -> dict[str, object]:
    application = services.application_withdraw(
        applicant=current_user(request), application_id=application_id
    )
    return application_out(application)


# --- Review queue ----------------------------------------------------------------------
StatusFilter = Literal["pending", "approved", "rejected", "withdrawn", "all"]


@router.get(
    "/review/applications", response=list[ReviewApplicationOut], auth=LOGGED_IN, tags=["review"]
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
)
def revoke_membership(
    request: HttpRequest, membership_id: int, payload: RevokeIn
) -> dict[str, object]:
    """The committee ends a membership; the resident leaves the estate group at once."""
    membership = services.membership_revoke(
        actor=current_user(request), membership_id=membership_id, reason=payload.reason
    )
    return membership_out(membership)


# --- Estates and their join codes -------------------------------------------------------
@router.get(
    "/communities/{community_id}/estates", response=list[PlaceOut], auth=LOGGED_IN, tags=["places"]
)
def community_estates(request: HttpRequest, community_id: int) -> list[dict[str, object] | None]:
    return [place_out(e) for e in selectors.community_estates(current_user(request), community_id)]


@router.get("/estates/{estate_id}", response=EstateOut, auth=LOGGED_IN, tags=["places"])
def estate_detail(request: HttpRequest, estate_id: int) -> dict[str, object]:
    estate = selectors.estate_for(current_user(request), estate_id, Action.VIEW_COMMUNITY)
    data = place_out(estate) or {}
    return {
        **data,
        "community": place_out(estate.parent),
        "member_count": selectors.estate_member_count(estate),
    }


@router.get("/estates/{estate_id}/join-code", response=JoinCodeOut, auth=LOGGED_IN, tags=["places"])
def join_code(request: HttpRequest, estate_id: int) -> dict[str, object]:
    estate = selectors.estate_for(current_user(request), estate_id, Action.MANAGE_JOIN_CODE)
    return join_code_out(estate)


@router.post(
    "/estates/{estate_id}/join-code/rotate", response=JoinCodeOut, auth=LOGGED_IN, tags=["places"]
)
def join_code_rotate(request: HttpRequest, estate_id: int) -> dict[str, object]:
    actor = current_user(request)
    estate = selectors.estate_for(actor, estate_id, Action.MANAGE_JOIN_CODE)
    return join_code_out(services.join_code_rotate(actor=actor, estate=estate))


@router.get("/estates/{estate_id}/qr.{fmt}", auth=LOGGED_IN, tags=["places"], response={200: None})
def join_qr(request: HttpRequest, estate_id: int, fmt: Literal["png", "svg"]) -> HttpResponse:
    """The estate's join QR code, to print and put up at the gate."""
    estate = selectors.estate_for(current_user(request), estate_id, Action.MANAGE_JOIN_CODE)
    content_type = "image/svg+xml" if fmt == "svg" else "image/png"
    response = HttpResponse(qr.join_qr(estate, kind=fmt), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
