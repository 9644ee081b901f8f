"""Joining: where a join link leads, applying (with an account on the way), my applications
and withdrawing one."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest
from ninja import Status

from realtime.tokens import token_user

from .. import selectors, services
from ..errors import NotAuthenticated
from ..models import PlaceKind, User
from .common import LOGGED_IN, client_ip, current_user, require_csrf, router
from .schemas import ApplicationIn, ApplicationOut, JoinTargetOut, application_out, place_out


@router.get(
    "/join/{code}",
    response=JoinTargetOut,
    auth=None,
    tags=["joining"],
    operation_id="communities_api_join_target",
)
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
    "/join/{code}/applications",
    response={201: ApplicationOut},
    auth=None,
    tags=["joining"],
    operation_id="communities_api_join_apply",
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


@router.get(
    "/applications",
    response=list[ApplicationOut],
    auth=LOGGED_IN,
    tags=["joining"],
    operation_id="communities_api_my_applications",
)
def my_applications(request: HttpRequest) -> list[dict[str, object]]:
    return [application_out(a) for a in selectors.user_applications(current_user(request))]


@router.post(
    "/applications/{application_id}/withdraw",
    response=ApplicationOut,
    auth=LOGGED_IN,
    tags=["joining"],
    operation_id="communities_api_withdraw",
)
def withdraw(request: HttpRequest, application_id: int) -> dict[str, object]:
    application = services.application_withdraw(
        applicant=current_user(request), application_id=application_id
    )
    return application_out(application)
