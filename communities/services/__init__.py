"""Writes: validate → authorise → write in a transaction → announce on commit.

``places``: the place tree and the estates' join codes; ``roles``: roles and the party
badge; ``accounts``: logging in, resetting a password by SMS, the display a person chose;
``joining``: applying and withdrawing; ``review``: the
committee approves or rejects applications and ends memberships.
"""

from .accounts import (
    account_authenticate,
    account_display_update,
    account_unlock,
    password_reset,
    password_reset_code_send,
)
from .joining import application_submit, application_withdraw
from .places import join_code_rotate, place_create, place_ensure
from .review import application_approve, application_reject, membership_revoke
from .roles import PARTY_ROLES, party_badge_refresh, role_grant

__all__ = [
    "PARTY_ROLES",
    "account_authenticate",
    "account_display_update",
    "account_unlock",
    "application_approve",
    "application_reject",
    "application_submit",
    "application_withdraw",
    "join_code_rotate",
    "membership_revoke",
    "party_badge_refresh",
    "password_reset",
    "password_reset_code_send",
    "place_create",
    "place_ensure",
    "role_grant",
]
