"""Estates and their join codes: a community's estates, one estate, its join code, rotating
it, and its QR code."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse

from .. import qr, selectors, services
from ..rules import Action
from .common import LOGGED_IN, current_user, router
from .schemas import EstateOut, JoinCodeOut, PlaceOut, join_code_out, place_out


@router.get(
    "/communities/{community_id}/estates",
    response=list[PlaceOut],
    auth=LOGGED_IN,
    tags=["places"],
    operation_id="communities_api_community_estates",
)
def community_estates(request: HttpRequest, community_id: int) -> list[dict[str, object] | None]:
    return [place_out(e) for e in selectors.community_estates(current_user(request), community_id)]


@router.get(
    "/estates/{estate_id}",
    response=EstateOut,
    auth=LOGGED_IN,
    tags=["places"],
    operation_id="communities_api_estate_detail",
)
def estate_detail(request: HttpRequest, estate_id: int) -> dict[str, object]:
    estate = selectors.estate_for(current_user(request), estate_id, Action.VIEW_COMMUNITY)
    data = place_out(estate) or {}
    return {
        **data,
        "community": place_out(estate.parent),
        "member_count": selectors.estate_member_count(estate),
    }


@router.get(
    "/estates/{estate_id}/join-code",
    response=JoinCodeOut,
    auth=LOGGED_IN,
    tags=["places"],
    operation_id="communities_api_join_code",
)
def join_code(request: HttpRequest, estate_id: int) -> dict[str, object]:
    estate = selectors.estate_for(current_user(request), estate_id, Action.MANAGE_JOIN_CODE)
    return join_code_out(estate)


@router.post(
    "/estates/{estate_id}/join-code/rotate",
    response=JoinCodeOut,
    auth=LOGGED_IN,
    tags=["places"],
    operation_id="communities_api_join_code_rotate",
)
def join_code_rotate(request: HttpRequest, estate_id: int) -> dict[str, object]:
    actor = current_user(request)
    estate = selectors.estate_for(actor, estate_id, Action.MANAGE_JOIN_CODE)
    return join_code_out(services.join_code_rotate(actor=actor, estate=estate))


@router.get(
    "/estates/{estate_id}/qr.{fmt}",
    auth=LOGGED_IN,
    tags=["places"],
    response={200: None},
    operation_id="communities_api_join_qr",
)
def join_qr(request: HttpRequest, estate_id: int, fmt: Literal["png", "svg"]) -> HttpResponse:
    """The estate's join QR code, to print and put up at the gate."""
    estate = selectors.estate_for(current_user(request), estate_id, Action.MANAGE_JOIN_CODE)
    content_type = "image/svg+xml" if fmt == "svg" else "image/png"
    response = HttpResponse(qr.join_qr(estate, kind=fmt), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
