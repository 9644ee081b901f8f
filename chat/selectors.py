"""Reads for chat: who is in which conversation, history, search, unread counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from communities.errors import NotFound
from communities.models import Membership, Place, PlaceKind, User
from communities.permissions import RULES, Action, standing

from .models import Conversation, Event, Message, Participant, ReadMark

HISTORY_PAGE = 50
HISTORY_MAX = 100


@dataclass(frozen=True)
class Access:
    """What one person may do in one conversation."""

    read: bool
    post: bool
    moderate: bool


NO_ACCESS = Access(read=False, post=False, moderate=False)


def estates_of(user: User) -> list[int]:
    """Estates whose group ``user`` is in: where they live, and where they moderate."""
    lived = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
        "estate_id", flat=True
    )
    staff_paths = user.roles.filter(
        kind__in=RULES[Action.MODERATE_COMMUNITY],
        place__kind__in=["residents_committee", "village"],
    ).values_list("place__path", flat=True)
    estates = set(lived)
    for path in staff_paths:
        estates.update(
            Place.objects.filter(path__startswith=path, kind=PlaceKind.ESTATE).values_list(
                "pk", flat=True
            )
        )
    return sorted(estates)


def conversation_ids_of(user: User) -> list[int]:
    """Every conversation whose live stream ``user`` follows."""
    from .services import estate_conversations_ensure

    estate_conversations = estate_conversations_ensure(estate_ids=estates_of(user))
    joined = Participant.objects.filter(
        user=user, status=Participant.Status.ACTIVE, conversation__approved=True
    ).values_list("conversation_id", flat=True)
    return sorted({*estate_conversations.values(), *joined})


@dataclass(frozen=True)
class Subscriptions:
    """What one socket follows: its conversations, and the feeds of its places and roles."""

    conversation_ids: list[int]
    feeds: frozenset[str]


def subscriptions_of(user: User) -> Subscriptions:
    from communities.selectors import feed_streams

    return Subscriptions(conversation_ids_of(user), frozenset(feed_streams(user)))


@dataclass(frozen=True)
class ConnectState:
    subscriptions: Subscriptions
    last_event_id: int
    hides_presence: bool


def connect_state(user: User) -> ConnectState:
    """Everything a new socket needs from the database, in one trip to a worker thread."""
    from .models import ChatSettings

    return ConnectState(
        subscriptions=subscriptions_of(user),
        last_event_id=last_event_id(),
        hides_presence=ChatSettings.objects.filter(user=user, hide_presence=True).exists(),
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
    return conversation


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


def history(conversation: Conversation, *, before: int | None, limit: int) -> list[Message]:
    """A page of messages older than ``before``, returned oldest first."""
    queryset = visible_messages(conversation)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    page = list(queryset.order_by("-id")[: max(1, min(limit, HISTORY_MAX))])
    page.reverse()
    return page


def visible_messages(conversation: Conversation) -> QuerySet[Message]:
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("author", "reply_to__author")
        .annotate(like_count=Count("likes"))
    )


def search(conversation: Conversation, *, text: str, limit: int = 50) -> list[Message]:
    """Messages containing ``text``, newest first.

    Substring matching works for Chinese, which has no spaces between words; on
    PostgreSQL a trigram index can serve it when history grows large.
    """
    text = text.strip()
    if not text:
        return []
    return list(
        visible_messages(conversation)
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
        Message.objects.filter(condition, deleted_at__isnull=True)
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
