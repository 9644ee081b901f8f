"""What the HTTP tests of cases share: the ``world`` district with the units above its
communities (the streets' desks and offices, the district's departments) and their officers,
the district's categories, a JSON client per person, and a count of every row a refused
request must leave alone."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from communities.cases.models import Case, Category, Entry, Photo, Unit, UnitOfficer, Urge
from communities.models import User
from communities.moderation.models import AuditEntry
from realtime.models import Event
from tests.conftest import World, client_for, make_user

# Officers of the units above the communities, besides the ``world`` people.
OFFICERS = {
    "desk_officer": "desk",  # 罗店镇's case desk (美罗家园 is under 罗店镇)
    "office_officer": "office",  # 罗店镇 城管科
    "office2_officer": "office_2",  # 罗店镇 房管办
    "wusong_desk_officer": "wusong_desk",  # 吴淞街道's desk
    "wusong_office_officer": "wusong_office",  # 吴淞街道 城管科
    "dept_officer": "department",  # 区绿化市容局
    "dept2_officer": "department_2",  # 区住建委
}


@dataclass
class Cases:
    """The ``world`` plus its case units, officers and categories."""

    world: World
    units: dict[str, Unit]
    categories: dict[str, Category]
    officers: dict[str, User]

    def __getattr__(self, name: str) -> Any:
        officers = self.__dict__["officers"]
        if name in officers:
            return officers[name]
        return getattr(self.__dict__["world"], name)


def cases_world(world: World) -> Cases:
    # Every street has its desk from the moment it exists, every district the default
    # list of categories (communities.cases.defaults); the offices and departments are
    # each street's and district's own.
    desks = {
        "desk": Unit.objects.get(place=world.luodian, kind=Unit.Kind.STREET),
        "wusong_desk": Unit.objects.get(place=world.wusong, kind=Unit.Kind.STREET),
    }
    office, department = Unit.Kind.OFFICE, Unit.Kind.DEPARTMENT
    made = {
        "office": (office, world.luodian, "城管科"),
        "office_2": (office, world.luodian, "房管办"),
        "wusong_office": (office, world.wusong, "城管科"),
        "department": (department, world.district, "区绿化市容局"),
        "department_2": (department, world.district, "区住建委"),
    }
    units = desks | {
        key: Unit.objects.create(kind=kind, place=place, name=name)
        for key, (kind, place, name) in made.items()
    }
    officers = {}
    for username, unit in OFFICERS.items():
        officers[username] = make_user(username)
        UnitOfficer.objects.create(unit=units[unit], user=officers[username])
    categories = {row.name: row for row in Category.objects.filter(district=world.district)}
    return Cases(world=world, units=units, categories=categories, officers=officers)


def rows() -> dict[str, int]:
    """Every row a case action writes; a refusal leaves each count as it was."""
    return {
        "cases": Case.objects.count(),
        "entries": Entry.objects.count(),
        "urges": Urge.objects.count(),
        "audit": AuditEntry.objects.count(),
        "photos": Photo.objects.count(),
        "used_photos": Photo.objects.filter(case__isnull=False).count(),
        "events": Event.objects.count(),
    }


def case_state(case_id: int) -> tuple[Any, ...]:
    case = Case.objects.get(pk=case_id)
    return (case.status, case.tier, case.unit_id, case.rating, case.reopened, case.grid_reference)


def jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 160, 60)).save(out, "JPEG")
    return out.getvalue()


class Api:
    """A person's JSON client for /api/cases/… (a logged-out browser for ``None``)."""

    def __init__(self, user: User | None) -> None:
        self.client: Client = client_for(user)

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"/api/cases{path}", query)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/cases{path}", json.dumps(body or {}), content_type="application/json"
        )

    def upload(self, data: bytes, name: str = "photo.jpg") -> Any:
        return self.client.post("/api/cases/photos", {"file": SimpleUploadedFile(name, data)})

    def photo_id(self) -> int:
        response = self.upload(jpeg())
        assert response.status_code == 201, response.content
        return int(response.json()["id"])

    def raise_case_response(self, cases: Cases, **fields: Any) -> Any:
        body = {
            "community_id": cases.world.meiluo.pk,
            "category_id": cases.categories["环境卫生"].pk,
            "description": "小广场被人种上了菜",
            "estate_id": cases.world.meiluo_1.pk,
            "building": "3",
            "location": "3号楼南面的小广场",
            "public": True,
            "show_reporter": False,
            "photo_ids": [],
            **fields,
        }
        return self.post("", body)

    def raise_case(self, cases: Cases, **fields: Any) -> dict[str, Any]:
        response = self.raise_case_response(cases, **fields)
        assert response.status_code == 201, response.content
        return dict(response.json())

    def act(self, case_id: int, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Do ``action`` to the case and expect it done."""
        response = self.post(f"/{case_id}/{action}", body)
        assert response.status_code == 200, (action, response.status_code, response.content)
        return dict(response.json())


def api(user: User | None) -> Api:
    return Api(user)
