"""Writes of party building and volunteering (``party``: report-in, identity, service
projects; ``callouts``: call-outs, sign-ups, the waiting list; ``checkin``: check-in, hours,
thanks)."""

from .callouts import (
    callout_cancel,
    callout_create,
    callout_seen,
    signup_cancel,
    signup_create,
)
from .checkin import checkin_by_code, roster_update, thanks_post
from .party import (
    identity_set,
    project_claim,
    project_create,
    project_note_add,
    project_unclaim,
    project_update,
    report_in_confirm,
    report_in_reject,
    report_in_submit,
    report_in_withdraw,
)

__all__ = [
    "callout_cancel",
    "callout_create",
    "callout_seen",
    "checkin_by_code",
    "identity_set",
    "project_claim",
    "project_create",
    "project_note_add",
    "project_unclaim",
    "project_update",
    "report_in_confirm",
    "report_in_reject",
    "report_in_submit",
    "report_in_withdraw",
    "roster_update",
    "signup_cancel",
    "signup_create",
    "thanks_post",
]
