"""Writes for moderation: validate → authorise → write in a transaction (with its audit
entry) → publish live after commit.

``restrictions``: mutes, suspensions and revoking memberships; ``reports``; ``words``: the
word filter. Hiding, removing and restoring what people wrote are the writes of the apps
that own it, behind their doors for moderation (``chat.moderation``,
``communities.boards.moderation``); they send ``content_moderated``, on which ``reports``
marks the item's open report acted on.
"""

from .reports import content_moderated, report_create, report_dismiss
from .restrictions import may_lift, member_mute, member_revoke, member_suspend, restriction_lift
from .words import word_filter_check, word_filter_update

__all__ = [
    "content_moderated",
    "may_lift",
    "member_mute",
    "member_revoke",
    "member_suspend",
    "report_create",
    "report_dismiss",
    "restriction_lift",
    "word_filter_check",
    "word_filter_update",
]
