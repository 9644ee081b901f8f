"""Chat's reads, one module per concept; none of them writes. Conversations (the guarded
accessors, history, search, unread counts) are re-exported here; topic groups, letters
and people are ``chat.selectors.topics``, ``.letters`` and ``.people``. What a socket
follows is chat/following.py."""

from .attachments import attachment_for
from .conversations import (
    HISTORY_MAX,
    HISTORY_PAGE,
    conversation_access_for,
    conversation_for,
    direct_peers,
    history,
    member_ids,
    message_for,
    pinned_messages,
    search,
    unread_counts,
    visible_messages,
)

__all__ = [
    "HISTORY_MAX",
    "HISTORY_PAGE",
    "attachment_for",
    "conversation_access_for",
    "conversation_for",
    "direct_peers",
    "history",
    "member_ids",
    "message_for",
    "pinned_messages",
    "search",
    "unread_counts",
    "visible_messages",
]
