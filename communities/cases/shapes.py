"""The shapes of a case and of its timeline entries (docs/cases.md, ``CaseOut`` and
``EntryOut``), the same in answers and in live frames.

A case is shown at one of four levels: ``COMMITTEE`` for the committee of its community (the
reporter's own: they raise cases where they live) and ``UNIT`` for whoever else sees its
inside (the units that handle or handled it, the supervisors), ``OWN`` for its reporter,
``PUBLIC`` for neighbours and followers (the reporter only if they agreed to be shown).
Internal entries are never shaped for anyone below ``UNIT``: the selectors and the live
streams leave them out.

The reporter's phone number is whole only at ``COMMITTEE``; ``UNIT`` sees it masked
(138****5678), enough to recognise a caller, not to ring them: the street's offices, the
district's departments and the supervisors reach the reporter through the committee.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from communities.phone import mask_phone
from communities.rules.cases import MAY
from communities.shapes import person_out

from .models import Case, Entry, Photo, Tier, Unit

COMMITTEE, UNIT, OWN, PUBLIC = "committee", "unit", "own", "public"
INSIDE = (COMMITTEE, UNIT)  # the levels that see the internal entries
NO_MAY = dict.fromkeys(MAY, False)


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def photo_out(photo: Photo) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "url": f"/api/cases/photos/{photo.pk}",
        "thumbnail_url": f"/api/cases/photos/{photo.pk}/thumbnail",
        "width": photo.width,
        "height": photo.height,
    }


def unit_name(unit: Unit) -> str:
    """As a timeline shows it: a desk by its street's name, an office or a department
    after its street or district ("吴淞街道 城管科")."""
    if unit.kind == Unit.Kind.STREET:
        return unit.name
    return f"{unit.place.name} {unit.name}"


def holder_name(case: Case) -> str:
    """Who holds the case now, as shown."""
    if case.tier == Tier.COMMUNITY or case.unit is None:
        return case.community.name
    return unit_name(case.unit)


def unit_ref(unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"id": unit.pk, "kind": unit.kind, "name": unit_name(unit)}


def case_photos(case: Case) -> list[Photo]:
    """The case's own photos (not its entries'); a prefetched ``photos`` is used as is."""
    cached = getattr(case, "_prefetched_objects_cache", {}).get("photos")
    rows: Iterable[Photo] = cached if cached is not None else case.photos.all()
    return [photo for photo in rows if photo.entry_id is None]


def case_out(case: Case, *, level: str, may: dict[str, bool] | None = None) -> dict[str, Any]:
    reporter: dict[str, Any] | None = None
    if level in (*INSIDE, OWN) or case.show_reporter:
        reporter = {**person_out(case.reporter), "phone": None}
        phone = case.reporter.phone
        if level == COMMITTEE:
            reporter["phone"] = phone or None
        elif level == UNIT:
            reporter["phone"] = mask_phone(phone) or None
    estate = case.estate
    return {
        "id": case.pk,
        "status": case.status,
        "tier": case.tier,
        "flag": case.flag,
        "overdue": case.overdue,
        "public": case.public,
        "show_reporter": case.show_reporter,
        "category": {"id": case.category_id, "name": case.category.name},
        "description": case.description,
        "community": {"id": case.community_id, "name": case.community.name},
        # Where the street desk finds the offices and departments to send it to.
        "street_id": case.street_id,
        "district_id": case.district_id,
        "estate": {"id": estate.pk, "name": estate.name} if estate is not None else None,
        "building": case.building,
        "location": case.location,
        "reporter": reporter,
        "unit": unit_ref(case.unit),
        "grid_reference": case.grid_reference,
        "merged_into": case.merged_into_id,
        "created_at": _at(case.created_at),
        "updated_at": _at(case.updated_at),
        "respond_by": _at(case.respond_by),
        "resolve_by": _at(case.resolve_by),
        "first_response_at": _at(case.first_response_at),
        "resolved_at": _at(case.resolved_at),
        "closed_at": _at(case.closed_at),
        "rating": case.rating,
        "reopened": case.reopened,
        "open_urges": case.open_urges,
        "photos": [photo_out(photo) for photo in case_photos(case)],
        "may": may if may is not None else dict(NO_MAY),
    }


def entry_out(entry: Entry, *, case: Case, level: str) -> dict[str, Any]:
    """Below ``UNIT`` the reporter's own entries do not name them unless they agreed."""
    actor = entry.actor
    hidden = (
        level == PUBLIC
        and actor is not None
        and actor.pk == case.reporter_id
        and not case.show_reporter
    )
    cached = getattr(entry, "_prefetched_objects_cache", {}).get("photos")
    photos: Iterable[Photo] = cached if cached is not None else entry.photos.all()
    return {
        "id": entry.pk,
        "case_id": entry.case_id,
        "kind": entry.kind,
        "actor": person_out(actor) if actor is not None and not hidden else None,
        "from_unit": entry.from_unit,
        "to_unit": entry.to_unit,
        "public": entry.public,
        "body": entry.body,
        "rating": entry.rating,
        "answers": entry.answers_id,
        "photos": [photo_out(photo) for photo in photos],
        "created_at": _at(entry.created_at),
    }


def urge_out(urge: Any) -> dict[str, Any]:
    return {
        "id": urge.pk,
        "case_id": urge.case_id,
        "supervisor": person_out(urge.supervisor),
        "note": urge.note,
        "created_at": _at(urge.created_at),
        "answered_at": _at(urge.answered_at),
    }
