"""Chat's daily housekeeping on the task worker (``communities.daily``)."""

from __future__ import annotations

from datetime import timedelta

from communities.daily import NIGHT, daily

from .services import attachments_prune


@daily(at=NIGHT)
def prune_uploads() -> int:
    """Photos and PDFs uploaded into a conversation a day ago and never sent."""
    return attachments_prune(older_than=timedelta(days=1))
