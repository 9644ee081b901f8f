"""The timeline: every change of a case is one entry, public (the reporter, followers and,
for a public case, the neighbours read it) or internal (only the units handling the case
and the supervisors above)."""

from __future__ import annotations

from collections.abc import Sequence

from communities.models import User

from .. import live
from ..models import Case, Entry
from .common import now
from .photos import photos_attach


def entry_write(
    case: Case,
    kind: str,
    *,
    actor: User | None = None,
    public: bool = True,
    body: str = "",
    from_unit: str = "",
    to_unit: str = "",
    answers: Entry | None = None,
    photo_ids: Sequence[int] = (),
    rating: int | None = None,
) -> Entry:
    """Write one entry (with the actor's photos) and publish ``case.entry`` to whoever may
    read it. Call inside the change's transaction."""
    item = Entry.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        public=public,
        body=body,
        from_unit=from_unit[:100],
        to_unit=to_unit[:100],
        answers=answers,
        rating=rating,
        created_at=now(),
    )
    if photo_ids:
        assert actor is not None
        photos_attach(actor, list(photo_ids), case=case, entry=item)
    live.entry_written(item, case)
    return item
