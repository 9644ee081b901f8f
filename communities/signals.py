"""What communities tells the apps built on it, without knowing them.

Sent inside the writing transaction, so a receiver's writes commit (or roll back) with it.
Chat receives both to give every estate its estate group (chat/apps.py).
"""

from django.dispatch import Signal

# An estate was created: ``estate`` (a Place).
estate_created = Signal()
# A join application was approved: ``membership`` (a Membership, saved).
membership_approved = Signal()
# A moderator hid or removed an item (chat's messages, the boards' posts and comments):
# ``target_kind``, ``target_id``, ``actor``, ``note``. Moderation marks its open report
# acted on.
content_moderated = Signal()
