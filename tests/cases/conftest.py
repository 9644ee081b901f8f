"""Fixtures of the cases tests: the ``world`` district with its case units and officers.

Every street of ``world`` got its case desk when it was created (``cases.receivers``) and
the district its default categories; here the desk of 罗店镇 (above 美罗家园居委) gets an
officer, the street an office (城管科) and the district a department (绿化市容局), each
with an officer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from communities.cases.models import Category, Unit, UnitOfficer
from communities.models import User
from tests.conftest import World, make_user


@dataclass
class Units:
    world: World
    desk: Unit  # 罗店镇's case desk
    office: Unit  # 罗店镇 城管科
    department: Unit  # 宝山区 绿化市容局
    wusong_desk: Unit
    desk_officer: User
    office_officer: User
    department_officer: User
    wusong_officer: User
    category: Category  # 环境卫生


@pytest.fixture
def units(world: World) -> Units:
    desk = Unit.objects.get(place=world.luodian, kind=Unit.Kind.STREET)
    wusong_desk = Unit.objects.get(place=world.wusong, kind=Unit.Kind.STREET)
    office = Unit.objects.create(kind=Unit.Kind.OFFICE, place=world.luodian, name="城管科")
    department = Unit.objects.create(
        kind=Unit.Kind.DEPARTMENT, place=world.district, name="绿化市容局"
    )
    people = {}
    for username, unit in (
        ("desk_officer", desk),
        ("office_officer", office),
        ("department_officer", department),
        ("wusong_officer", wusong_desk),
    ):
        people[username] = make_user(username)
        UnitOfficer.objects.create(unit=unit, user=people[username])
    return Units(
        world=world,
        desk=desk,
        office=office,
        department=department,
        wusong_desk=wusong_desk,
        category=Category.objects.get(district=world.district, name="环境卫生"),
        **people,
    )
