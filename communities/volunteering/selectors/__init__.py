"""Reads of the party branch and the call-outs: what a person may see, in few queries.

``party``: my standing in each branch, report-ins, members, service projects;
``callouts``: call-out lists and details, the waiting list, the roster, hours.
"""

from .callouts import (
    Seat,
    callout_for,
    callout_organised,
    callout_shape,
    callouts_list,
    community_hours,
    counts,
    detail,
    detail_of,
    history_of,
    roster,
    roster_of,
    unseen_for,
    waiting_position,
    with_counts,
)
from .party import (
    LIST_MAX,
    party_me,
    party_members,
    project_for,
    project_get,
    projects_of,
    report_in_for,
    report_in_get,
    report_ins_mine,
    report_ins_of,
)

__all__ = [
    "LIST_MAX",
    "Seat",
    "callout_for",
    "callout_organised",
    "callout_shape",
    "callouts_list",
    "community_hours",
    "counts",
    "detail",
    "detail_of",
    "history_of",
    "party_me",
    "party_members",
    "project_for",
    "project_get",
    "projects_of",
    "report_in_for",
    "report_in_get",
    "report_ins_mine",
    "report_ins_of",
    "roster",
    "roster_of",
    "unseen_for",
    "waiting_position",
    "with_counts",
]
