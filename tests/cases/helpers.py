"""What the service-level tests of cases share: raising a case, a second resident, the
rows a refusal must leave alone, a moment on a working day."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communities.cases import services
from communities.cases.models import Case, DayFigures, Entry, Follower, Photo, Urge
from communities.models import AccessLog, User
from communities.moderation.models import AuditEntry
from realtime.models import Event
from tests.cases.conftest import Units
from tests.conftest import make_member, make_user

# Monday 7 December 2026, 09:00 in Shanghai: a working day.
MONDAY = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def raise_case(units: Units, reporter: User | None = None, **fields: Any) -> Case:
    world = units.world
    values: dict[str, Any] = {
        "community_id": world.meiluo.pk,
        "category_id": units.category.pk,
        "description": "小广场被人种上了菜",
        "estate_id": world.meiluo_1.pk,
        "building": "3",
        "location": "3号楼南面的小广场",
        "public": True,
        **fields,
    }
    return services.case_raise(reporter=reporter or world.wang_fang, **values)


def neighbour(units: Units, username: str = "qian_li") -> User:
    """Another resident of 美罗家园 (美罗二期)."""
    user = make_user(username)
    make_member(user, units.world.meiluo_2)
    return user


def rows() -> dict[str, int]:
    """Every row a case service writes; a refusal leaves each count as it was."""
    return {
        "cases": Case.objects.count(),
        "entries": Entry.objects.count(),
        "followers": Follower.objects.count(),
        "urges": Urge.objects.count(),
        "audit": AuditEntry.objects.count(),
        "photos": Photo.objects.count(),
        "used_photos": Photo.objects.filter(case__isnull=False).count(),
        "events": Event.objects.count(),
        "figures": DayFigures.objects.count(),
        "access_log": AccessLog.objects.count(),
    }


def state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.status,
        case.tier,
        case.unit_id,
        case.rating,
        case.reopened,
        case.grid_reference,
        case.open_urges,
        case.merged_into_id,
        case.deadline_version,
    )


def jpeg_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 160, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def events(stream: str, kind: str | None = None) -> list[dict[str, Any]]:
    """The frames recorded on ``stream`` (of one type), oldest first."""
    found = Event.objects.filter(stream=stream).order_by("id")
    if kind is not None:
        found = found.filter(type=kind)
    return [{"type": row.type, **row.payload} for row in found]
