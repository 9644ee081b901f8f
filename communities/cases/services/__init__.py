"""The writes of the cases app, one module per concept (docs/cases.md):

    raising      a resident raises a case
    handling     the unit holding it: accept, decline, start, reply/note, resolve, grid
                 updates, merge
    hops         between the tiers: escalate, assign, refer, hand off, send back
    reporter     confirm and rate, reopen; the nightly close of unanswered ones
    supervision  urge (督办) and the answer
    timeline     the entries every change writes (and their live frame)
    photos       uploads through the boards' image pipeline
    categories   the district's list of categories

Each write is one transaction with the case locked; each refusal (``communities.errors``)
changes nothing.
"""

from .categories import category_create, category_update
from .handling import (
    case_accept,
    case_decline,
    case_grid_update,
    case_merge,
    case_reply,
    case_resolve,
    case_start,
)
from .hops import case_assign, case_escalate, case_hand_off, case_refer, case_send_back
from .photos import photo_upload
from .raising import case_raise
from .reporter import case_rate, case_reopen, close_unanswered
from .supervision import case_urge, urge_answer
from .timeline import entry_write

__all__ = [
    "case_accept",
    "case_assign",
    "case_decline",
    "case_escalate",
    "case_grid_update",
    "case_hand_off",
    "case_merge",
    "case_raise",
    "case_rate",
    "case_refer",
    "case_reopen",
    "case_reply",
    "case_resolve",
    "case_send_back",
    "case_start",
    "case_urge",
    "category_create",
    "category_update",
    "close_unanswered",
    "entry_write",
    "photo_upload",
    "urge_answer",
]
