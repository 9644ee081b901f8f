"""The request and response shapes of the party and volunteering API (the answers are
built by ``communities.volunteering.shapes``, the same shapes the live frames carry)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema

from communities.shapes import PersonOut


# --- Shapes -------------------------------------------------------------------------------
class CommunityOut(Schema):
    id: int
    name: str


class ReportInOut(Schema):
    id: int
    community: CommunityOut
    user: PersonOut
    home_branch: str
    note: str
    show_identity: bool
    status: str
    created_at: str
    decided_at: str | None
    decided_by: PersonOut | None
    reason: str


class PartyMeOut(Schema):
    community: CommunityOut
    resident: bool
    party_member: bool
    secretary: bool
    show_identity: bool
    gatekeeper: bool  # decides report-ins: the secretary and their delegates
    branch: bool  # sees hidden members, report-ins and hours
    may_manage_projects: bool
    may_organise: bool  # posts and runs call-outs
    report_in: ReportInOut | None


class PartyMemberOut(Schema):
    user: PersonOut
    role: str
    show_identity: bool
    since: str


class ClaimOut(Schema):
    user: PersonOut
    claimed_at: str


class NoteOut(Schema):
    id: int
    author: PersonOut
    text: str
    created_at: str


class ProjectOut(Schema):
    id: int
    community_id: int
    title: str
    description: str
    status: str
    created_by: PersonOut
    created_at: str
    updated_at: str
    claims: list[ClaimOut]
    notes: list[NoteOut]


class CalloutOut(Schema):
    id: int
    community: CommunityOut
    title: str
    description: str
    location: str
    skills: str
    starts_at: str
    ends_at: str
    capacity: int
    audience: str
    status: str
    cancel_reason: str
    organiser: PersonOut
    confirmed: int
    waiting: int
    post_id: int | None
    thanks_post_id: int | None
    created_at: str


class MySignUpOut(Schema):
    status: str
    position: int | None
    signed_up_at: str
    checked_in_at: str | None
    minutes: int | None


class CalloutDetailOut(CalloutOut):
    me: MySignUpOut | None
    can_sign_up: bool
    can_manage: bool
    checkin_opens_at: str


class RosterEntryOut(Schema):
    id: int
    user: PersonOut
    status: str
    position: int | None
    signed_up_at: str
    checked_in_at: str | None
    checked_in_by: str | None
    minutes: int | None


class RosterOut(Schema):
    callout: CalloutOut
    signups: list[RosterEntryOut]


class CheckinLinkOut(Schema):
    url: str
    code: str


class HistoryEntryOut(Schema):
    callout: CalloutOut
    status: str
    checked_in_at: str | None
    minutes: int | None


class HistoryOut(Schema):
    total_minutes: int
    callouts: int
    entries: list[HistoryEntryOut]


class VolunteerHoursOut(Schema):
    user: PersonOut
    callouts: int
    total_minutes: int


# --- Input --------------------------------------------------------------------------------
class ReportInIn(Schema):
    home_branch: str
    note: str = ""
    show_identity: bool = False


class VolunteeringReasonIn(Schema):
    reason: str = ""


class IdentityIn(Schema):
    show_identity: bool


class ProjectIn(Schema):
    title: str
    description: str = ""


class ProjectPatch(Schema):
    title: str | None = None
    description: str | None = None
    status: Literal["open", "in_progress", "done"] | None = None


class ProjectNoteIn(Schema):
    text: str


class CalloutIn(Schema):
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    audience: Literal["party", "residents"]
    skills: str = ""


class CodeIn(Schema):
    code: str


class RosterPatch(Schema):
    checked_in: bool | None = None
    minutes: int | None = None


class ThanksIn(Schema):
    title: str
    body: str
