"""The shapes of party and volunteering objects over HTTP and live, one function each
(docs/volunteering.md). Live frames are built once for everyone, so ``callout_out``,
``roster_entry`` and ``project_out`` hold nothing about the person receiving them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from communities.models import Place, Role
from communities.shapes import person_out

from .models import Callout, Project, ReportIn, SignUp

NOTES_SHOWN = 50


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def community_out(community: Place) -> dict[str, Any]:
    return {"id": community.pk, "name": community.name}


def report_in_out(report_in: ReportIn) -> dict[str, Any]:
    """``community``, ``user`` and ``decided_by`` selected with it."""
    return {
        "id": report_in.pk,
        "community": community_out(report_in.community),
        "user": person_out(report_in.user),
        "home_branch": report_in.home_branch,
        "note": report_in.note,
        "show_identity": report_in.show_identity,
        "status": report_in.status,
        "created_at": report_in.created_at.isoformat(),
        "decided_at": _when(report_in.decided_at),
        "decided_by": person_out(report_in.decided_by) if report_in.decided_by else None,
        "reason": report_in.reason,
    }


def party_member_out(role: Role) -> dict[str, Any]:
    return {
        "user": person_out(role.user),
        "role": role.kind,
        "show_identity": role.show_identity,
        "since": role.granted_at.isoformat(),
    }


def project_out(project: Project) -> dict[str, Any]:
    """``created_by`` selected, ``claims__user`` and ``notes__author`` prefetched."""
    notes = list(project.notes.all())[-NOTES_SHOWN:]
    return {
        "id": project.pk,
        "community_id": project.community_id,
        "title": project.title,
        "description": project.description,
        "status": project.status,
        "created_by": person_out(project.created_by),
        "created_at": project.created_at.isoformat(),
        "updated_at": project.updated_at.isoformat(),
        "claims": [
            {"user": person_out(claim.user), "claimed_at": claim.claimed_at.isoformat()}
            for claim in project.claims.all()
        ],
        "notes": [
            {
                "id": note.pk,
                "author": person_out(note.author),
                "text": note.text,
                "created_at": note.created_at.isoformat(),
            }
            for note in notes
        ],
    }


def callout_out(callout: Callout, *, confirmed: int, waiting: int) -> dict[str, Any]:
    """``community`` and ``organiser`` selected with it; the counts come with it (see
    ``selectors.with_counts``) or from the locked write that changed them."""
    return {
        "id": callout.pk,
        "community": community_out(callout.community),
        "title": callout.title,
        "description": callout.description,
        "location": callout.location,
        "skills": callout.skills,
        "starts_at": callout.starts_at.isoformat(),
        "ends_at": callout.ends_at.isoformat(),
        "capacity": callout.capacity,
        "audience": callout.audience,
        "status": callout.status,
        "cancel_reason": callout.cancel_reason,
        "organiser": person_out(callout.organiser),
        "confirmed": confirmed,
        "waiting": waiting,
        "post_id": callout.post_id,
        "thanks_post_id": callout.thanks_post_id,
        "created_at": callout.created_at.isoformat(),
    }


def checkin_opens_at(callout: Callout) -> datetime:
    return callout.starts_at - timedelta(minutes=settings.VOLUNTEER_CHECKIN_EARLY_MINUTES)


def my_signup_out(signup: SignUp, position: int | None) -> dict[str, Any]:
    return {
        "status": signup.status,
        "position": position,
        "signed_up_at": signup.signed_up_at.isoformat(),
        "checked_in_at": _when(signup.checked_in_at),
        "minutes": signup.minutes,
    }


def roster_entry(signup: SignUp, position: int | None) -> dict[str, Any]:
    """``user`` selected with it; ``position`` on the waiting list (None unless waiting)."""
    return {
        "id": signup.pk,
        "user": person_out(signup.user),
        "status": signup.status,
        "position": position,
        "signed_up_at": signup.signed_up_at.isoformat(),
        "checked_in_at": _when(signup.checked_in_at),
        "checked_in_by": signup.checked_in_by or None,
        "minutes": signup.minutes,
    }
