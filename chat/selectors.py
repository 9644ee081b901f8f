"""Reads for chat: who is in which conversation, history, search, unread counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from communities.errors import NotFound
from communities.models import COMMUNITY_KINDS, Membership, Place, PlaceKind, User
from communities.moderation.selectors import active_restrictions, community_of_conversation
from communities.permissions import RULES, Action, standing
from communities.selectors import (
    Snapshot,
    Standing,
    snapshot_part,
    standing_from,
    standing_parts,
    streams_of,
)

from .models import ChatSettings, Conversation, Event, Message, Participant, ReadMark

HISTORY_PAGE = 50
HISTORY_MAX = 100


@dataclass(frozen=True)
class Access:
    """What one person may do in one conversation."""

    read: bool
    post: bool
    moderate: bool


NO_ACCESS = Access(read=False, post=False, moderate=False)


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


def _subscription_parts(user_id: int) -> list[QuerySet[Any]]:
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


_SUBSCRIPTIONS = Snapshot(_subscription_parts)


@dataclass(frozen=True)
class Following:
    """What a socket of one user follows, and whether it shows them online."""

    standing: Standing
    estates: list[int]  # whose group they are in: where they live, and where they moderate
    conversation_ids: list[int]
    hides_presence: bool


def following(user: User) -> Following:
    """Memberships, roles, estates moderated, estate groups, other conversations joined and
    the hide-presence setting: one query, whatever the user holds. An estate group is
    created the first time someone needs it (only then: more queries)."""
    from .services import estate_conversations_ensure

    rows = _SUBSCRIPTIONS.rows(user.pk)
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
    missing = sorted(estates - groups.keys())
    if missing:
        groups.update(estate_conversations_ensure(estate_ids=missing))
    return Following(
        standing=standing,
        estates=sorted(estates),
        conversation_ids=sorted({*(groups[pk] for pk in estates), *joined}),
        hides_presence=hides_presence,
    )


def estates_of(user: User) -> list[int]:
    """Estates whose group ``user`` is in: where they live, and where they moderate."""
    return following(user).estates


def conversation_ids_of(user: User) -> list[int]:
    """Every conversation whose live stream ``user`` follows."""
    return following(user).conversation_ids


@dataclass(frozen=True)
class Subscriptions:
    """What one socket follows: its conversations, and the feeds of its places and roles."""

    conversation_ids: list[int]
    feeds: frozenset[str]


def subscriptions_of(user: User, known: Following | None = None) -> Subscriptions:
    """One query (see ``following``); the same feeds as ``feed_streams``."""
    taken = known or following(user)
    return Subscriptions(taken.conversation_ids, frozenset(streams_of(taken.standing)))


@dataclass(frozen=True)
class ConnectState:
    subscriptions: Subscriptions
    hides_presence: bool


def connect_state(user: User) -> ConnectState:
    """Everything a new socket needs from the database: one query. (The newest event id
    is read after the socket has joined its groups, see ``ChatConsumer.connect``.)"""
    taken = following(user)
    return ConnectState(
        subscriptions=subscriptions_of(user, taken), hides_presence=taken.hides_presence
    )


def access_to(user: User, conversation: Conversation) -> Access:
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    if conversation.kind == Conversation.Kind.ESTATE:
        held = standing(user, conversation.place)
        moderate = bool(held & RULES[Action.MODERATE_COMMUNITY])
        lives_here = Membership.objects.filter(
            user=user, estate_id=conversation.place_id, status=Membership.Status.ACTIVE
        ).exists()
        observes = bool(held & RULES[Action.SUPERVISE])
        return Access(
            read=lives_here or moderate or observes, post=lives_here or moderate, moderate=moderate
        )
    participant = Participant.objects.filter(
        conversation=conversation, user=user, status=Participant.Status.ACTIVE
    ).first()
    moderate = conversation.kind == Conversation.Kind.TOPIC and (
        bool(standing(user, conversation.place) & RULES[Action.MODERATE_COMMUNITY])
        or (participant is not None and participant.role == Participant.Role.ADMIN)
    )
    member = participant is not None and conversation.approved
    return Access(read=member or moderate, post=member, moderate=moderate)


def conversation_for(user: User, conversation_id: int, *, post: bool = False) -> Conversation:
    """A conversation ``user`` may read (or post to); NotFound whether missing or forbidden."""
    return conversation_access_for(user, conversation_id, post=post)[0]


def conversation_access_for(
    user: User, conversation_id: int, *, post: bool = False
) -> tuple[Conversation, Access]:
    """As ``conversation_for``, with what ``user`` may do there."""
    conversation = (
        Conversation.objects.select_related("place").filter(pk=conversation_id).first()
        if isinstance(conversation_id, int)
        else None
    )
    if conversation is None:
        raise NotFound()
    access = access_to(user, conversation)
    if not access.read or (post and not access.post):
        raise NotFound()
    return conversation, access


def message_for(user: User, message_id: int) -> Message:
    message = (
        Message.objects.select_related("conversation__place", "author")
        .filter(pk=message_id)
        .first()
        if isinstance(message_id, int)
        else None
    )
    if message is None or not access_to(user, message.conversation).read:
        raise NotFound()
    return message


def history(
    conversation: Conversation, *, before: int | None, limit: int, moderator: bool = False
) -> list[Message]:
    """A page of messages older than ``before``, returned oldest first. Hidden and removed
    messages are left out, except for the conversation's moderators (who see them marked)."""
    queryset = visible_messages(conversation, moderator=moderator)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    page = list(queryset.order_by("-id")[: max(1, min(limit, HISTORY_MAX))])
    page.reverse()
    return page


def visible_messages(conversation: Conversation, *, moderator: bool = False) -> QuerySet[Message]:
    queryset = Message.objects.filter(conversation=conversation)
    if not moderator:
        queryset = queryset.filter(moderated="")
    return queryset.select_related("author", "reply_to__author").annotate(like_count=Count("likes"))


def pinned_messages(conversation: Conversation) -> list[Message]:
    """The conversation's pinned messages, the latest pinned first (only visible ones are
    pinned: hiding or removing a message unpins it)."""
    return list(
        visible_messages(conversation)
        .filter(pinned_at__isnull=False, deleted_at__isnull=True)
        .order_by("-pinned_at", "-id")[:HISTORY_PAGE]
    )


def search(
    conversation: Conversation, *, text: str, limit: int = 50, moderator: bool = False
) -> list[Message]:
    """Messages containing ``text``, newest first.

    Substring matching works for Chinese, which has no spaces between words; on
    PostgreSQL a trigram index can serve it when history grows large.
    """
    text = text.strip()
    if not text:
        return []
    return list(
        visible_messages(conversation, moderator=moderator)
        .filter(body__icontains=text, deleted_at__isnull=True)
        .order_by("-id")[:limit]
    )


def unread_counts(user: User, conversation_ids: list[int]) -> dict[int, int]:
    """Unread messages per conversation (others' messages after my read mark)."""
    marks = dict(
        ReadMark.objects.filter(user=user, conversation_id__in=conversation_ids).values_list(
            "conversation_id", "last_read_id"
        )
    )
    counts: dict[int, int] = {}
    if not conversation_ids:
        return counts
    condition = Q()
    for conversation_id in conversation_ids:
        condition |= Q(conversation_id=conversation_id, pk__gt=marks.get(conversation_id, 0))
    rows = (
        Message.objects.filter(condition, deleted_at__isnull=True, moderated="")
        .exclude(author=user)
        .values("conversation_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["conversation_id"]] = row["n"]
    return counts


def events_after(streams: list[str], after: int, *, limit: int) -> list[Event]:
    """Persisted events of ``streams`` with ids above ``after``, oldest first."""
    return list(Event.objects.filter(stream__in=streams, pk__gt=after).order_by("id")[:limit])


def last_event_id() -> int:
    last = Event.objects.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)


def member_ids(conversation_id: int) -> list[int]:
    """Everyone in a conversation (for estate groups: its residents)."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return []
    if conversation.kind == Conversation.Kind.ESTATE:
        return list(
            Membership.objects.filter(
                estate_id=conversation.place_id, status=Membership.Status.ACTIVE
            ).values_list("user_id", flat=True)
        )
    return list(
        Participant.objects.filter(
            conversation_id=conversation_id, status=Participant.Status.ACTIVE
        ).values_list("user_id", flat=True)
    )


def direct_peers(user: User, conversation_ids: list[int]) -> dict[int, User]:
    """For knock conversations: the other person."""
    others = (
        Participant.objects.filter(
            conversation_id__in=conversation_ids, conversation__kind=Conversation.Kind.DIRECT
        )
        .exclude(user=user)
        .select_related("user")
    )
    return {p.conversation_id: p.user for p in others}


@dataclass(frozen=True)
class ModerationFlags:
    """What the conversation shape tells one person about moderation there."""

    moderate: bool
    muted_until: datetime | None


def moderation_flags(user: User, conversations: list[Conversation]) -> dict[int, ModerationFlags]:
    """Per conversation: may ``user`` moderate it, and until when they may not post in it
    (an active mute there, or a suspension in its community). Three queries, however many
    conversations (places selected)."""
    staff = set(
        user.roles.filter(kind__in=RULES[Action.MODERATE_COMMUNITY]).values_list(
            "place_id", flat=True
        )
    )
    admin_of = set(
        Participant.objects.filter(
            user=user,
            status=Participant.Status.ACTIVE,
            role=Participant.Role.ADMIN,
            conversation__in=[c.pk for c in conversations],
        ).values_list("conversation_id", flat=True)
    )
    mutes: dict[int, datetime] = {}
    suspensions: dict[int, datetime] = {}
    for restriction in active_restrictions().filter(user=user):
        if restriction.conversation_id is not None:
            mutes[restriction.conversation_id] = max(
                restriction.until, mutes.get(restriction.conversation_id, restriction.until)
            )
        else:
            suspensions[restriction.community_id] = max(
                restriction.until, suspensions.get(restriction.community_id, restriction.until)
            )
    flags: dict[int, ModerationFlags] = {}
    for conversation in conversations:
        community_id = community_of_conversation(conversation)
        moderate = conversation.kind != Conversation.Kind.DIRECT and (
            community_id in staff
            or (conversation.kind == Conversation.Kind.TOPIC and conversation.pk in admin_of)
        )
        ends = [
            when
            for when in (mutes.get(conversation.pk), suspensions.get(community_id))
            if when is not None
        ]
        flags[conversation.pk] = ModerationFlags(
            moderate=moderate, muted_until=max(ends) if ends else None
        )
    return flags
