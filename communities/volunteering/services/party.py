"""Writes of the party branch: report-in (报到), party identity and service projects.

validate → authorise → write in a transaction → publish live (``live.py``, sent after
commit). Every function raises a ``communities.errors.ServiceError`` before it writes.
The call-outs and sign-ups are in ``callouts.py``, check-in, hours and thanks in
``checkin.py``.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import Role, RoleKind, User
from communities.moderation import audit
from communities.moderation.models import AuditAction, TargetKind
from communities.moderation.settle import settle
from communities.rules.volunteering import PARTY, branch_for
from communities.services import party_badge_refresh, role_grant
from realtime.groups import community_staff_feed, user_group

from .. import live, selectors
from ..models import Project, ProjectClaim, ProjectNote, ReportIn

HOME_BRANCH_MAX = 100
NOTE_MAX = 200
REASON_MAX = 200
PROJECT_TITLE_MAX = 80
PROJECT_TEXT_MAX = 2000
PROJECT_NOTE_MAX = 500
UNSET: Any = object()  # a field a PATCH leaves as it is


def text(value: object, field: str, *, most: int, required: bool = True) -> str:
    """``value`` trimmed; Invalid with ``errors[field]`` when missing or too long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(errors={field: _("Must be text.")})
    value = value.strip()
    if required and not value:
        raise Invalid(errors={field: _("This field is required.")})
    if len(value) > most:
        raise Invalid(errors={field: _("At most %(n)d characters.") % {"n": most}})
    return value


# --- Report-in ----------------------------------------------------------------------------
def report_in_submit(
    *, user: User, community_id: int, home_branch: str, note: str = "", show_identity: bool
) -> ReportIn:
    """A party member living in the community registers with its branch."""
    branch = branch_for(user, community_id, gatekeeping=False)
    if not branch.resident:
        raise Forbidden(
            _("Only residents of the community can report in to its party branch."),
            code="not_resident",
        )
    if branch.party_member:
        raise Conflict(_("You are already a member of this party branch."), code="already_member")
    home_branch = text(home_branch, "home_branch", most=HOME_BRANCH_MAX)
    note = text(note, "note", most=NOTE_MAX, required=False)
    pending = Conflict(_("Your report-in is already waiting for the secretary."), code="pending")
    if ReportIn.objects.filter(
        user=user, community=branch.community, status=ReportIn.Status.PENDING
    ).exists():
        raise pending
    try:
        with transaction.atomic():
            report_in = ReportIn.objects.create(
                user=user,
                community=branch.community,
                home_branch=home_branch,
                note=note,
                show_identity=bool(show_identity),
            )
            report_in = selectors.report_in_get(report_in.pk)
            live.announce(
                [community_staff_feed(report_in.community_id)], live.report_in_changed(report_in)
            )
    except IntegrityError:  # another pending one, committed meanwhile
        raise pending from None
    return report_in


def report_in_withdraw(*, user: User, report_in_id: int) -> ReportIn:
    report_in, _branch = selectors.report_in_for(user, report_in_id)
    if report_in.user_id != user.pk:
        raise NotFound()
    with transaction.atomic():
        report_in = ReportIn.objects.select_for_update().get(pk=report_in.pk)
        if report_in.status != ReportIn.Status.PENDING:
            raise Conflict(_("This report-in has already been decided."), code="decided")
        report_in.status = ReportIn.Status.WITHDRAWN
        report_in.decided_at = timezone.now()
        report_in.save(update_fields=["status", "decided_at"])
        settle(community_id=report_in.community_id, kind=TargetKind.REPORT_IN, item_id=report_in.pk)
        report_in = selectors.report_in_get(report_in.pk)
        live.announce(
            [community_staff_feed(report_in.community_id)], live.report_in_changed(report_in)
        )
    return report_in


def _decide(actor: User, report_in_id: int, status: str, reason: str) -> ReportIn:
    report_in, branch = selectors.report_in_for(actor, report_in_id)
    if not branch.branch:
        raise NotFound()  # the applicant themself
    if not branch.gatekeeper:
        raise Forbidden(_("Only the party secretary can decide report-ins."))
    with transaction.atomic():
        report_in = ReportIn.objects.select_for_update().get(pk=report_in.pk)
        if report_in.status != ReportIn.Status.PENDING:
            raise Conflict(_("This report-in has already been decided."), code="decided")
        before = report_in.status
        report_in.status, report_in.reason = status, reason
        report_in.decided_at, report_in.decided_by = timezone.now(), actor
        report_in.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            community=branch.community,
            action=AuditAction.APPROVE
            if status == ReportIn.Status.CONFIRMED
            else AuditAction.REJECT,
            target_kind=TargetKind.REPORT_IN,
            target_id=report_in.pk,
            subject=report_in.user,
            reason=reason,
            before={"status": before},
            after={"status": status},
        )
        settle(community_id=report_in.community_id, kind=TargetKind.REPORT_IN, item_id=report_in.pk)
        if status == ReportIn.Status.CONFIRMED:
            role_grant(
                user=report_in.user,
                kind=RoleKind.PARTY_MEMBER,
                place=branch.community,
                show_identity=report_in.show_identity,
            )
        report_in = selectors.report_in_get(report_in.pk)
        live.announce(
            [community_staff_feed(report_in.community_id), user_group(report_in.user_id)],
            live.report_in_changed(report_in),
        )
    return report_in


def report_in_confirm(*, actor: User, report_in_id: int) -> ReportIn:
    """The secretary (or a delegate) confirms: the person becomes a party member here.

    Confirming or rejecting is audited (approve / reject, target ``report_in``) and takes the
    item off every committee console (``moderation.settle``), as withdrawing does.
    """
    return _decide(actor, report_in_id, ReportIn.Status.CONFIRMED, "")


def report_in_reject(*, actor: User, report_in_id: int, reason: str) -> ReportIn:
    reason = text(reason, "reason", most=REASON_MAX)
    return _decide(actor, report_in_id, ReportIn.Status.REJECTED, reason)


def identity_set(*, user: User, community_id: int, show_identity: bool) -> None:
    """A party member shows or hides their identity (党员亮身份); the badge follows."""
    branch = branch_for(user, community_id, gatekeeping=False)
    roles = Role.objects.filter(user=user, place=branch.community, kind__in=PARTY)
    if not roles.exists():
        raise Forbidden(_("Only party members of this branch can do this."), code="not_member")
    with transaction.atomic():
        roles.update(show_identity=bool(show_identity))
        party_badge_refresh(user)


# --- Service projects ---------------------------------------------------------------------
def _announce_project(project_id: int) -> Project:
    project = selectors.project_get(project_id)
    live.announce(live.branch_streams(project.community_id), live.project_changed(project))
    return project


def project_create(*, actor: User, community_id: int, title: str, description: str = "") -> Project:
    branch = branch_for(actor, community_id, gatekeeping=False)
    if not branch.manages_projects:
        raise Forbidden(_("Only the party secretary and the committee list service projects."))
    title = text(title, "title", most=PROJECT_TITLE_MAX)
    description = text(description, "description", most=PROJECT_TEXT_MAX, required=False)
    with transaction.atomic():
        project = Project.objects.create(
            community=branch.community, title=title, description=description, created_by=actor
        )
        return _announce_project(project.pk)


def project_update(
    *,
    actor: User,
    project_id: int,
    title: Any = UNSET,
    description: Any = UNSET,
    status: Any = UNSET,
) -> Project:
    project, branch = selectors.project_for(actor, project_id)
    if not branch.manages_projects:
        raise Forbidden(_("Only the party secretary and the committee edit service projects."))
    if title is not UNSET and title is not None:
        project.title = text(title, "title", most=PROJECT_TITLE_MAX)
    if description is not UNSET and description is not None:
        project.description = text(
            description, "description", most=PROJECT_TEXT_MAX, required=False
        )
    if status is not UNSET and status is not None:
        if status not in Project.Status.values:
            raise Invalid(errors={"status": _("Choose open, in_progress or done.")})
        project.status = status
    with transaction.atomic():
        project.updated_at = timezone.now()
        project.save(update_fields=["title", "description", "status", "updated_at"])
        return _announce_project(project.pk)


def project_claim(*, user: User, project_id: int) -> Project:
    """A party member takes the project on (again: nothing changes)."""
    project, branch = selectors.project_for(user, project_id)
    if not branch.claims_projects:
        raise Forbidden(_("Only party members of this branch take on service projects."))
    if project.status == Project.Status.DONE:
        raise Conflict(_("This project is done."), code="done")
    if any(claim.user_id == user.pk for claim in project.claims.all()):
        return project
    with transaction.atomic():
        _claim, created = ProjectClaim.objects.get_or_create(project=project, user=user)
        if not created:
            return selectors.project_get(project.pk)
        if project.status == Project.Status.OPEN:
            project.status = Project.Status.IN_PROGRESS
        project.updated_at = timezone.now()
        project.save(update_fields=["status", "updated_at"])
        return _announce_project(project.pk)


def project_unclaim(*, user: User, project_id: int) -> Project:
    project, _branch = selectors.project_for(user, project_id)
    with transaction.atomic():
        deleted, _rows = ProjectClaim.objects.filter(project=project, user=user).delete()
        if not deleted:
            return project
        Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
        return _announce_project(project.pk)


def project_note_add(*, user: User, project_id: int, text_: str) -> Project:
    """A progress note, by someone who took the project on (or the secretary, staff)."""
    project, branch = selectors.project_for(user, project_id)
    claimed = any(claim.user_id == user.pk for claim in project.claims.all())
    if not claimed and not branch.manages_projects:
        raise Forbidden(
            _("Take the project on first, then note your progress."), code="not_claimed"
        )
    body = text(text_, "text", most=PROJECT_NOTE_MAX)
    with transaction.atomic():
        ProjectNote.objects.create(project=project, author=user, text=body)
        Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
        return _announce_project(project.pk)
