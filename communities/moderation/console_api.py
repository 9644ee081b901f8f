"""HTTP API of the committee console (/api/console/…): thin, each endpoint calls one
selector (``console``) or service (``claims``, ``gatekeeping``).

The console's actions themselves go to the endpoints that own them (applications,
boards review, topic groups, letters, and /api/moderation for reports and members).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from communities.api import LOGGED_IN, current_user
from communities.shapes import PersonOut, person_out

from . import claims, console, gatekeeping

router = Router(auth=LOGGED_IN, tags=["console"])

ItemKind = Literal[
    "application", "post", "report", "topic_proposal", "topic_application", "letter", "report_in"
]


# --- Shapes --------------------------------------------------------------------------------
class CommunityRefOut(Schema):
    id: int
    name: str


class ConsoleCommunityOut(Schema):
    id: int
    name: str
    kind: str
    staff: bool  # may act here (supervisors only read)
    counts: dict[str, int]  # waiting items per kind
    total: int


class ItemOut(Schema):
    kind: str
    id: int
    community: int
    title: str
    summary: str
    created_at: str
    author: PersonOut | None
    claimed_by: PersonOut | None
    claimed_at: str | None
    gated: bool
    gate_note: str
    gated_by: PersonOut | None
    may_decide: bool
    link: str
    extra: dict[str, Any]


class ConsoleOut(Schema):
    community: CommunityRefOut
    staff: bool
    gatekeeper: bool
    secretary: bool
    items: list[ItemOut]


class ClaimIn(Schema):
    force: bool = False


class ReferIn(Schema):
    note: str = ""


class DelegationOut(Schema):
    id: int
    community: int
    secretary: PersonOut
    delegate: PersonOut
    created_at: str


class DelegateIn(Schema):
    user_id: int


# --- Endpoints -----------------------------------------------------------------------------
@router.get("/console/communities", response=list[ConsoleCommunityOut])
def communities(request: HttpRequest) -> list[dict[str, Any]]:
    """The communities I may open a console for, with what waits in each."""
    return [
        {
            "id": place.pk,
            "name": place.name,
            "kind": place.kind,
            "staff": staff,
            "counts": counts,
            "total": sum(counts.values()),
        }
        for place, staff, counts in console.consoles_of(current_user(request))
    ]


@router.get("/console/communities/{int:community_id}/items", response=ConsoleOut)
def items(request: HttpRequest, community_id: int) -> dict[str, Any]:
    seat, found = console.items_of(current_user(request), community_id)
    community = seat.community
    return {
        "community": {"id": community.pk, "name": community.name},
        "staff": seat.staff,
        "gatekeeper": seat.gatekeeper,
        "secretary": seat.secretary,
        "items": found,
    }


@router.post("/console/items/{kind}/{int:item_id}/claim", response=ItemOut)
def claim(
    request: HttpRequest, kind: ItemKind, item_id: int, payload: ClaimIn | None = None
) -> dict[str, Any]:
    user = current_user(request)
    claims.claim(actor=user, kind=kind, item_id=item_id, force=bool(payload and payload.force))
    return console.item_out(console.item_locate(user, kind, item_id))


@router.delete("/console/items/{kind}/{int:item_id}/claim", response={204: None})
def release(
    request: HttpRequest, kind: ItemKind, item_id: int, force: bool = False
) -> Status[None]:
    claims.release(actor=current_user(request), kind=kind, item_id=item_id, force=force)
    return Status(204, None)


@router.post("/console/items/{kind}/{int:item_id}/refer", response=ItemOut)
def refer(request: HttpRequest, kind: ItemKind, item_id: int, payload: ReferIn) -> dict[str, Any]:
    user = current_user(request)
    claims.item_refer(actor=user, kind=kind, item_id=item_id, note=payload.note)
    return console.item_out(console.item_locate(user, kind, item_id))


@router.get("/console/communities/{int:community_id}/delegations", response=list[DelegationOut])
def delegations(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    found = gatekeeping.delegations_of(current_user(request), community_id)
    return [gatekeeping.delegation_out(d) for d in found]


@router.get(
    "/console/communities/{int:community_id}/delegations/candidates", response=list[PersonOut]
)
def delegation_candidates(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    """Whom the party secretary may delegate to (empty for everyone else)."""
    people = console.delegate_candidates(current_user(request), community_id)
    return [person_out(person) for person in people]


@router.post("/console/communities/{int:community_id}/delegations", response={201: DelegationOut})
def delegate(
    request: HttpRequest, community_id: int, payload: DelegateIn
) -> Status[dict[str, Any]]:
    made = gatekeeping.delegate(
        actor=current_user(request), community_id=community_id, user_id=payload.user_id
    )
    return Status(201, gatekeeping.delegation_out(made))


@router.delete(
    "/console/communities/{int:community_id}/delegations/{int:delegation_id}",
    response={204: None},
)
def undelegate(request: HttpRequest, community_id: int, delegation_id: int) -> Status[None]:
    gatekeeping.undelegate(
        actor=current_user(request), community_id=community_id, delegation_id=delegation_id
    )
    return Status(204, None)
