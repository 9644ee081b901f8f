"""The console's own writes: who is handling which item (so two committee members never
handle one twice without knowing), and referring an item to the party secretary.

Opening an item in the console claims it; everyone else's console shows who has it
(``console.claimed`` on the committee's staff feed). A second member's claim is refused
with 409 naming the holder, unless they take it over on purpose (``force``). A claim
lapses after ``console.claim_ttl()`` without renewal (the holder closed the laptop), and
ends when the item is decided: the deciding service calls ``settle.settle``, which also
tells every console to drop the item (``console.item_removed``).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden
from communities.models import User
from communities.shapes import person_out
from realtime.feeds import publish
from realtime.groups import community_staff_feed

from . import gatekeeping
from .console import Located, claim_ttl, item_locate
from .models import Claim, Gate


# --- Events: one builder per type ------------------------------------------------------------
def claimed_event(kind: str, item_id: int, claim: Claim | None) -> dict[str, Any]:
    """To the committee's consoles: who handles an item now (``by`` null: nobody).

    The item is ``item_id``: a frame's own ``id`` is its event id (resume, de-duplication).
    """
    return {
        "type": "console.claimed",
        "kind": kind,
        "item_id": item_id,
        "by": person_out(claim.claimed_by) if claim else None,
        "at": claim.claimed_at.isoformat() if claim else None,
    }


# --- Writes ----------------------------------------------------------------------------------
def _actionable(actor: User, kind: str, item_id: int) -> Located:
    located = item_locate(actor, kind, item_id)
    if not located.console.staff:
        raise Forbidden(
            _("Supervisors can follow the console but not act on it."), code="read_only"
        )
    if not located.waiting:
        raise Conflict(_("This item has already been handled."), code="not_pending")
    return located


def _held(claim: Claim | None) -> bool:
    return claim is not None and claim.claimed_at >= timezone.now() - claim_ttl()


def _taken(claim: Claim) -> Conflict:
    name = claim.claimed_by.name
    return Conflict(
        _("%(name)s is handling this item.") % {"name": name},
        code="claimed",
        errors={"claimed_by": name},
    )


def claim(*, actor: User, kind: str, item_id: int, force: bool = False) -> Claim:
    """``actor`` handles the item now. Claiming one's own item again renews the claim;
    someone else's live claim is a Conflict unless ``force`` (taking it over)."""
    located = _actionable(actor, kind, item_id)
    community = located.console.community
    try:
        with transaction.atomic():
            current = (
                Claim.objects.select_for_update()
                .select_related("claimed_by")
                .filter(target_kind=kind, target_id=item_id)
                .first()
            )
            taken = current is not None and _held(current) and current.claimed_by_id != actor.pk
            if taken and not force:
                assert current is not None
                raise _taken(current)
            now = timezone.now()
            changed = current is None or current.claimed_by_id != actor.pk or not _held(current)
            if current is None:
                current = Claim.objects.create(
                    community=community,
                    target_kind=kind,
                    target_id=item_id,
                    claimed_by=actor,
                    claimed_at=now,
                )
            else:
                current.claimed_by, current.claimed_at = actor, now
                current.save(update_fields=["claimed_by", "claimed_at"])
            if changed:
                publish(community_staff_feed(community.pk), claimed_event(kind, item_id, current))
    except IntegrityError:
        # Someone claimed it between our read and our insert.
        winner = Claim.objects.select_related("claimed_by").get(target_kind=kind, target_id=item_id)
        raise _taken(winner) from None
    return current


def release(*, actor: User, kind: str, item_id: int, force: bool = False) -> None:
    """The holder lets go of an item (any staff member with ``force``). Nothing to release
    is no error."""
    located = item_locate(actor, kind, item_id)
    if not located.console.staff:
        raise Forbidden(
            _("Supervisors can follow the console but not act on it."), code="read_only"
        )
    with transaction.atomic():
        current = (
            Claim.objects.select_for_update()
            .select_related("claimed_by")
            .filter(target_kind=kind, target_id=item_id)
            .first()
        )
        if current is None:
            return
        if _held(current) and current.claimed_by_id != actor.pk and not force:
            raise _taken(current)
        current.delete()
        publish(
            community_staff_feed(located.console.community.pk), claimed_event(kind, item_id, None)
        )


def item_refer(*, actor: User, kind: str, item_id: int, note: str = "") -> Gate:
    """A committee member refers a waiting item to the party secretary (把关): from now
    on only the secretary or a delegate decides it."""
    located = _actionable(actor, kind, item_id)
    return gatekeeping.gate_refer(
        actor=actor,
        community=located.console.community,
        target_kind=kind,
        target_id=item_id,
        note=note,
    )
