"""The boards' daily housekeeping on the task worker (``communities.daily``)."""

from __future__ import annotations

from datetime import timedelta

from communities.daily import NIGHT, daily

from .services import uploads_prune


@daily(at=NIGHT)
def prune_uploads() -> int:
    """Pictures and PDFs uploaded for a post a day ago and never put on one."""
    return uploads_prune(older_than=timedelta(days=1))
