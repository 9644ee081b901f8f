"""Reads for chat: who may do what in a conversation, history, search, unread counts.

What a socket follows is in chat/following.py. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from communities.errors import NotFound
from communities.models import Membership, User
from communities.rules import RULES, Action, standing
from communities.rules.moderation import active_restrictions, community_of_conversation

from .models import Conversation, Message, Participant, ReadMark

HISTORY_PAGE = 50
HISTORY_MAX = 100


@dataclass(frozen=True)
class Access:
    """What one person may do in one conversation."""

    read: bool
    post: bool
    moderate: bool


NO_ACCESS = Access(read=False, post=False, moderate=False)


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
