"""Live events about joining; each event type is built here, by one function."""

from __future__ import annotations

from typing import Any

from .models import JoinApplication, Membership

Event = dict[str, Any]


def application_submitted(application: JoinApplication) -> Event:
    """To the committee's feed: a new application waits in the review queue."""
    return {
        "type": "application.submitted",
        "application_id": application.pk,
        "estate_id": application.estate_id,
    }


def application_decided(application: JoinApplication) -> Event:
    """To the applicant and the committee: an application was approved, rejected or withdrawn."""
    return {
        "type": "application.decided",
        "application_id": application.pk,
        "estate_id": application.estate_id,
        "status": application.status,
    }


def membership_changed(membership: Membership, reason: str = "") -> Event:
    """To the member: their membership of an estate began or ended."""
    return {
        "type": "membership.changed",
        "estate_id": membership.estate_id,
        "status": membership.status,
        "reason": reason,
    }
