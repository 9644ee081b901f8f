"""Writes for moderation: validate → authorise → write in a transaction (with its audit
entry) → publish live after commit.

Messages and conversations are moderated here (``messages``); posts and comments in
``communities.boards.services``, which calls ``report_for_action`` / ``report_actioned`` so
a hidden or removed item's open report is marked acted on. ``restrictions``: mutes,
suspensions and revoking memberships; ``reports``; ``words``: the word filter.
"""

from .common import clean_reason
from .messages import conversation_lock, message_hide, message_pin, message_remove, message_restore
from .reports import report_actioned, report_create, report_dismiss, report_for_action
from .restrictions import may_lift, member_mute, member_revoke, member_suspend, restriction_lift
from .words import word_filter_check, word_filter_update

__all__ = [
    "clean_reason",
    "conversation_lock",
    "may_lift",
    "member_mute",
    "member_revoke",
    "member_suspend",
    "message_hide",
    "message_pin",
    "message_remove",
    "message_restore",
    "report_actioned",
    "report_create",
    "report_dismiss",
    "report_for_action",
    "restriction_lift",
    "word_filter_check",
    "word_filter_update",
]
