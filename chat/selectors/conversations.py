"""Reads of conversations: the guarded accessors, history, search, unread counts, members.

Who may do what in a conversation is ``communities.rules.conversations``."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from communities.errors import NotFound
from communities.models import Membership, User
from communities.rules.conversations import Access, access_to

from ..models import Conversation, Message, Participant, ReadMark

HISTORY_PAGE = 50
HISTORY_MAX = 100


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
    return (
        queryset.select_related("author", "reply_to__author")
        .prefetch_related("attachments")
        .annotate(like_count=Count("likes"))
    )


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
    text = text.replace("\x00", "").strip()  # no text holds NUL (PostgreSQL cannot)
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
