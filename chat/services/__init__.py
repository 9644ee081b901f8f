"""Chat's writes, one module per concept: messages (and the photos and files uploaded for
them, ``attachments``), knocks, topic groups, letters, people (settings and blocks) and
estate groups. Each validates, authorises (``communities.rules``),
writes in a transaction and publishes its events (chat/events.py) on commit."""

from .attachments import attachment_upload, attachments_prune
from .estates import estate_conversations_ensure
from .knocks import knock
from .letters import letter_mark_read, letter_send
from .messages import message_delete, message_edit, message_like, message_post, read_mark
from .people import block, chat_settings_update, unblock
from .topics import (
    topic_group_apply,
    topic_group_approve,
    topic_group_create,
    topic_group_decide,
    topic_group_leave,
    topic_group_reject,
    topic_group_remove,
)

__all__ = [
    "attachment_upload",
    "attachments_prune",
    "block",
    "chat_settings_update",
    "estate_conversations_ensure",
    "knock",
    "letter_mark_read",
    "letter_send",
    "message_delete",
    "message_edit",
    "message_like",
    "message_post",
    "read_mark",
    "topic_group_apply",
    "topic_group_approve",
    "topic_group_create",
    "topic_group_decide",
    "topic_group_leave",
    "topic_group_reject",
    "topic_group_remove",
    "unblock",
]
