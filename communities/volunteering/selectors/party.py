"""Reads of the party branch: my standing in each branch, report-ins, members and service
projects."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communities.errors import Forbidden, NotFound
from communities.models import COMMUNITY_KINDS, Place, Role, RoleKind, User
from communities.moderation.models import Delegation
from communities.rules.reach import Reach
from communities.rules.volunteering import PARTY, Branch, branch_for

from ..models import Project, ReportIn
from ..shapes import community_out, report_in_out

LIST_MAX = 100


# --- Party branch -------------------------------------------------------------------------
def party_me(user: User) -> list[dict[str, Any]]:
    """My standing in the branch of each community I live in or hold a role at (PartyMe)."""
    reach = Reach.of(user)
    delegated = set(
        Delegation.objects.filter(delegate=user, ended_at__isnull=True).values_list(
            "community_id", flat=True
        )
    )
    ids = reach.communities() | delegated
    ids |= {path[-1] for _kind, path in reach.roles if len(path) == 3}
    communities = list(Place.objects.filter(pk__in=ids, kind__in=COMMUNITY_KINDS).order_by("path"))
    shown = set(
        Role.objects.filter(
            user=user, kind__in=PARTY, place_id__in=ids, show_identity=True
        ).values_list("place_id", flat=True)
    )
    latest: dict[int, ReportIn] = {}
    for report_in in ReportIn.objects.filter(user=user, community_id__in=ids).select_related(
        "community", "user", "decided_by"
    ):
        latest.setdefault(report_in.community_id, report_in)  # newest first
    out = []
    for community in communities:
        held = reach.standing(community)
        branch = Branch(
            community=community,
            held=held,
            gatekeeper=RoleKind.PARTY_SECRETARY in held or community.pk in delegated,
        )
        if not branch.viewer and not branch.gatekeeper:
            continue
        mine = latest.get(community.pk)
        out.append(
            {
                "community": community_out(community),
                "resident": branch.resident,
                "party_member": branch.party_member,
                "secretary": branch.secretary,
                "show_identity": community.pk in shown,
                "gatekeeper": branch.gatekeeper,
                "branch": branch.branch,
                "may_manage_projects": branch.manages_projects,
                "may_organise": branch.organiser,
                "report_in": report_in_out(mine) if mine else None,
            }
        )
    return out


def _report_ins() -> QuerySet[ReportIn]:
    return ReportIn.objects.select_related("community", "user", "decided_by")


def report_in_get(report_in_id: int) -> ReportIn:
    """A report-in as its shape needs it, after a write."""
    return _report_ins().get(pk=report_in_id)


def report_ins_mine(user: User) -> list[ReportIn]:
    return list(_report_ins().filter(user=user)[:LIST_MAX])


def report_ins_of(user: User, community_id: int, *, status: str) -> list[ReportIn]:
    """The report-ins of a community, for its branch (gatekeepers and staff)."""
    branch = branch_for(user, community_id)
    if not branch.branch:
        raise Forbidden(_("Only the party branch sees report-ins."))
    queryset = _report_ins().filter(community=branch.community)
    if status != "all":
        queryset = queryset.filter(status=status)
    return list(queryset[:500])


def report_in_for(user: User, report_in_id: int) -> tuple[ReportIn, Branch]:
    """A report-in its applicant or the branch may act on; NotFound otherwise."""
    report_in = _report_ins().filter(pk=report_in_id).first()
    if report_in is None:
        raise NotFound()
    branch = Branch.of(user, report_in.community)
    if report_in.user_id != user.pk and not branch.branch:
        raise NotFound()
    return report_in, branch


def party_members(user: User, community_id: int) -> list[Role]:
    """The branch's members: those who show their identity to every viewer, all to the
    branch. Secretary first, then by name."""
    branch = branch_for(user, community_id)
    roles = Role.objects.filter(place=branch.community, kind__in=PARTY).select_related("user")
    if not branch.branch:
        roles = roles.filter(show_identity=True)
    ordered = sorted(
        roles,
        key=lambda role: (role.kind != RoleKind.PARTY_SECRETARY, role.user.name, role.user_id),
    )
    # One row per person (a secretary is often a party member of the branch too): their
    # first role in that order, showing their identity if any of their roles does (as the
    # badge does). The kept Role is only read from here on.
    people: dict[int, Role] = {}
    for role in ordered:
        kept = people.setdefault(role.user_id, role)
        kept.show_identity = kept.show_identity or role.show_identity
    return list(people.values())


# --- Service projects ---------------------------------------------------------------------
def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("created_by").prefetch_related(
        "claims__user", "notes__author"
    )


def projects_of(user: User, community_id: int) -> list[Project]:
    """The branch's projects, open and in progress first, for its members, the branch and
    the supervisors above."""
    branch = branch_for(user, community_id)
    if not branch.sees_projects:
        raise NotFound()
    projects = list(_projects().filter(community=branch.community)[:LIST_MAX])
    return sorted(projects, key=lambda project: project.status == Project.Status.DONE)


def project_for(user: User, project_id: int) -> tuple[Project, Branch]:
    project = _projects().select_related("community").filter(pk=project_id).first()
    if project is None:
        raise NotFound()
    branch = Branch.of(user, project.community)
    if not branch.sees_projects:
        raise NotFound()
    return project, branch


def project_get(project_id: int) -> Project:
    """A project as its shape needs it, after a write."""
    return _projects().get(pk=project_id)
