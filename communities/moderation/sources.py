"""Where the committee console finds one kind of waiting item.

Each app that owns a kind of item the committee decides (chat: topic proposals and
applications, letters; the boards: posts in review; volunteering: report-ins) describes it
with a ``Source`` in its own door for moderation, so the console reads them all without
reaching into those apps (communities/moderation/console.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

SUMMARY = 120


@dataclass(frozen=True)
class Source:
    kind: str
    # Every item of the kind, whatever its state, annotated with ``console_community`` (the
    # community whose console lists it) and ``console_at`` (when it started waiting).
    everything: Callable[[], QuerySet[Any]]
    # The filter that keeps the ones still waiting.
    waiting: dict[str, Any]
    # The item's own part of the console shape: title, summary, author, link, extra.
    shape: Callable[[Any], dict[str, Any]]


def short(text: str) -> str:
    """A summary line: whitespace folded, at most SUMMARY characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY else text[: SUMMARY - 1] + "…"
