"""What one user's socket follows, read in one query: the loader chat gives the transport
(``realtime.ops.follow_with``, see chat/apps.py).

Memberships, roles, estates moderated, estate groups, other conversations joined and the
hide-presence setting come back as one UNION ALL (a ``communities.selectors.Snapshot``),
whatever the user holds: a reconnect storm runs it for every socket. It only reads: an
estate's group is made with the estate (and ensured when a membership is approved, see
``chat.services.estates``), never while someone connects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from communities.models import COMMUNITY_KINDS, Membership, Place, PlaceKind, User
from communities.rules import RULES, Action
from communities.selectors import (
    Snapshot,
    Standing,
    snapshot_part,
    standing_from,
    standing_parts,
    streams_of,
)
from realtime.groups import conversation_group

from .models import ChatSettings, Conversation, Participant


def _moderated_estates(user_id: int) -> QuerySet[Place]:
    """Estates of the communities where the user moderates. An estate sits directly under
    its community (``PARENT_KINDS``), so these are the estates whose path starts with such
    a community's path, found by the indexed parent instead of a prefix per community."""
    return Place.objects.filter(
        kind=PlaceKind.ESTATE,
        parent__kind__in=sorted(COMMUNITY_KINDS),
        parent__roles__user_id=user_id,
        parent__roles__kind__in=sorted(RULES[Action.MODERATE_COMMUNITY]),
    )


def _parts(user_id: int) -> list[QuerySet[Any]]:
    lived_estates = Membership.objects.filter(
        user_id=user_id, status=Membership.Status.ACTIVE
    ).values("estate_id")
    moderated = _moderated_estates(user_id)
    return [
        *standing_parts(user_id),
        snapshot_part(moderated, "moderates", ref="pk"),
        snapshot_part(
            Conversation.objects.filter(
                Q(place_id__in=lived_estates) | Q(place_id__in=moderated.values("pk")),
                kind=Conversation.Kind.ESTATE,
            ),
            "estate_group",
            ref="place_id",
            ref2="pk",
        ),
        snapshot_part(
            Participant.objects.filter(
                user_id=user_id, status=Participant.Status.ACTIVE, conversation__approved=True
            ),
            "joined",
            ref2="conversation_id",
        ),
        snapshot_part(ChatSettings.objects.filter(user_id=user_id, hide_presence=True), "hidden"),
    ]


_SNAPSHOT = Snapshot(_parts)


@dataclass(frozen=True)
class Following:
    """What a socket of one user follows, and whether it shows them online."""

    standing: Standing
    estates: list[int]  # whose group they are in: where they live, and where they moderate
    conversation_ids: list[int]
    feeds: frozenset[str]  # the live feeds of their places and roles
    hides_presence: bool
    groups: frozenset[str]  # every group name of the above (what realtime joins)


def following(user: User) -> Following:
    """One query, whatever the user holds; the feeds are ``communities.selectors.feed_streams``."""
    rows = _SNAPSHOT.rows(user.pk)
    standing = standing_from(rows)
    estates = {estate for estate, _path in standing.lived}
    groups: dict[int, int] = {}
    joined: set[int] = set()
    hides_presence = False
    for tag, _kind, _place_kind, _path, ref, ref2 in rows:
        if tag == "moderates":
            estates.add(ref)
        elif tag == "estate_group":
            groups[ref] = ref2
        elif tag == "joined":
            joined.add(ref2)
        elif tag == "hidden":
            hides_presence = True
    conversation_ids = sorted({*(groups[pk] for pk in estates if pk in groups), *joined})
    feeds = frozenset(streams_of(standing))
    return Following(
        standing=standing,
        estates=sorted(estates),
        conversation_ids=conversation_ids,
        feeds=feeds,
        hides_presence=hides_presence,
        groups=frozenset({*(conversation_group(pk) for pk in conversation_ids), *feeds}),
    )
