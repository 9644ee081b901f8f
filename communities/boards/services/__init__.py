"""Writes for the boards: validate → authorise → write in a transaction → publish live.

Every function raises a ``communities.errors.ServiceError`` before it writes anything;
events go out with ``realtime.feeds.publish_to`` (recorded in the same transaction, sent
after commit) to the streams ``live.py`` names for the board. Split by concept: the boards
themselves, posts, comments, review (and read marks), uploads; removing, hiding and
restoring are the boards' door for moderation (``communities.boards.moderation``).
"""

from .boards import boards_ensure
from .comments import comment_create, comment_delete
from .posts import (
    post_create,
    post_delete,
    post_edit,
    post_like,
    post_open,
    post_pin,
    post_set_state,
    post_want,
)
from .review import board_mark_read, board_update, post_review, urgent_acknowledge
from .uploads import attachment_upload, image_upload, uploads_prune

__all__ = [
    "attachment_upload",
    "boards_ensure",
    "board_mark_read",
    "board_update",
    "comment_create",
    "comment_delete",
    "image_upload",
    "post_create",
    "post_delete",
    "post_edit",
    "post_like",
    "post_open",
    "post_pin",
    "post_review",
    "post_set_state",
    "post_want",
    "urgent_acknowledge",
    "uploads_prune",
]
