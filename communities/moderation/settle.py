"""The end of an item's console claim, which every deciding service writes.

Join applications, posts in review, topic groups, letters to the committee, report-ins and
reports are decided by the apps that own them; each calls ``settle`` in its deciding
transaction, so the claim ends and every open console drops the item. With ``audit`` and
the models, this is the part of moderation that the other apps write to; the rest of
moderation sits above them (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from realtime.feeds import publish
from realtime.groups import community_staff_feed

from .models import Claim


def item_removed_event(kind: str, item_id: int) -> dict[str, Any]:
    """To the committee's consoles: the item was decided and leaves the console."""
    return {"type": "console.item_removed", "kind": kind, "item_id": item_id}


def settle(*, community_id: int, kind: str, item_id: int) -> None:
    """An item was decided: its claim ends and every console drops it. Call inside the
    deciding transaction (the frame leaves after commit)."""
    Claim.objects.filter(target_kind=kind, target_id=item_id).delete()
    publish(community_staff_feed(community_id), item_removed_event(kind, item_id))
