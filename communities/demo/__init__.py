"""The demo district: two streets, three residents' committees and a village.

Named people make the permission rules read as sentences: wang_fang is a resident,
li_wei sits on her committee, zhang_min is the party secretary, chen_jie lives in
another community.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from communities.models import (
    AwayMembership,
    JoinApplication,
    Membership,
    Place,
    PlaceKind,
    RoleKind,
    User,
)
from communities.services import place_ensure, role_grant

DEMO_PASSWORD = "shequtong"
RESIDENTS_PER_ESTATE = 25

TREE = {
    "name": "宝山区",
    "kind": PlaceKind.DISTRICT,
    "children": [
        {
            "name": "罗店镇",
            "kind": PlaceKind.TOWN,
            "children": [
                {
                    "name": "美罗家园第一居委会",
                    "kind": PlaceKind.RESIDENTS_COMMITTEE,
                    "children": ["美罗家园一期", "美罗家园二期"],
                },
                {
                    "name": "天平村",
                    "kind": PlaceKind.VILLAGE,
                    "children": ["天平村一组", "天平村二组"],
                },
            ],
        },
        {
            "name": "吴淞街道",
            "kind": PlaceKind.STREET,
            "children": [
                {
                    "name": "吴淞新城居委会",
                    "kind": PlaceKind.RESIDENTS_COMMITTEE,
                    "children": ["吴淞新城南块", "吴淞新城北块"],
                },
                {
                    "name": "共康雅苑居委会",
                    "kind": PlaceKind.RESIDENTS_COMMITTEE,
                    "children": ["共康雅苑一区", "共康雅苑二区"],
                },
            ],
        },
    ],
}


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    phone: str
    estate: str | None  # lives here (an approved member), if anyone
    roles: tuple[tuple[str, str], ...] = ()  # (role kind, place name)
    what: str = ""
    show_identity: bool = False
    away: str | None = None  # a village they belong to while living elsewhere


PEOPLE = (
    Person("wang_fang", "王芳", "13900000001", "美罗家园一期", what="resident of 美罗家园一期"),
    Person(
        "li_wei",
        "李伟",
        "13900000002",
        "美罗家园二期",
        ((RoleKind.COMMITTEE_MEMBER, "美罗家园第一居委会"),),
        "committee member of 美罗家园第一居委会: review queue, join QR codes",
    ),
    Person(
        "zhang_min",
        "张敏",
        "13900000003",
        "美罗家园一期",
        (
            (RoleKind.PARTY_SECRETARY, "美罗家园第一居委会"),
            (RoleKind.PARTY_MEMBER, "美罗家园第一居委会"),
        ),
        "party secretary of 美罗家园第一居委会",
        show_identity=True,
    ),
    Person(
        "zhao_lei",
        "赵磊",
        "13900000004",
        "美罗家园二期",
        ((RoleKind.PARTY_MEMBER, "美罗家园第一居委会"),),
        "party member (shows identity), resident of 美罗家园二期",
        show_identity=True,
    ),
    Person(
        "sun_li",
        "孙丽",
        "13900000005",
        "美罗家园一期",
        ((RoleKind.PARTY_MEMBER, "美罗家园第一居委会"),),
        "party member (identity hidden), resident of 美罗家园一期",
    ),
    Person(
        "zheng_hua",
        "郑华",
        "13900000006",
        None,
        ((RoleKind.SOCIAL_WORKER, "美罗家园第一居委会"),),
        "social worker of 美罗家园第一居委会",
    ),
    Person(
        "zhou_qiang",
        "周强",
        "13900000007",
        None,
        ((RoleKind.POLICE, "美罗家园第一居委会"),),
        "community police officer of 美罗家园第一居委会",
    ),
    Person(
        "wu_hao",
        "吴浩",
        "13900000008",
        None,
        ((RoleKind.PROPERTY_MANAGER, "美罗家园一期"),),
        "property manager of 美罗家园一期",
    ),
    Person(
        "xu_ming",
        "徐明",
        "13900000009",
        "天平村一组",
        ((RoleKind.COMMITTEE_MEMBER, "天平村"),),
        "village committee member of 天平村",
    ),
    Person(
        "he_ping",
        "何平",
        "13900000010",
        None,
        ((RoleKind.COMMITTEE_MEMBER, "吴淞新城居委会"),),
        "committee member of 吴淞新城居委会",
    ),
    Person(
        "lin_na",
        "林娜",
        "13900000011",
        None,
        ((RoleKind.COMMITTEE_MEMBER, "共康雅苑居委会"),),
        "committee member of 共康雅苑居委会",
    ),
    Person(
        "chen_jie",
        "陈杰",
        "13900000012",
        "共康雅苑一区",
        what="resident of 共康雅苑一区 (an outsider to 美罗家园)",
    ),
    Person(
        "liu_yang",
        "刘洋",
        "13900000013",
        None,
        ((RoleKind.STREET_SUPERVISOR, "罗店镇"),),
        "street supervisor of 罗店镇: observes its communities",
    ),
    Person(
        "huang_jun",
        "黄军",
        "13900000014",
        None,
        ((RoleKind.DISTRICT_SUPERVISOR, "宝山区"),),
        "district supervisor of 宝山区: observes everything",
    ),
    Person(
        "ma_lin",
        "马琳",
        "13900000015",
        None,
        ((RoleKind.DISTRICT_EDITOR, "宝山区"),),
        "district editor: publishes i-District",
    ),
    Person(
        "guo_qing",
        "郭庆",
        "13900000016",
        None,
        ((RoleKind.DEPARTMENT_OFFICER, "宝山区"),),
        "department officer of the district",
    ),
    Person(
        "song_yu",
        "宋雨",
        "13900000017",
        None,
        ((RoleKind.SERVICE_PROVIDER, "美罗家园第一居委会"),),
        "service provider (family doctor) in 美罗家园第一居委会",
    ),
    Person(
        "zhu_xia",
        "朱霞",
        "13900000018",
        None,
        what="has applied to join 美罗家园二期, waiting in li_wei's review queue",
    ),
    Person(
        "tang_lan",
        "唐兰",
        "13900000019",
        None,
        what="from 天平村, living in another city: its notices and hometown board (乡愁乡音)",
        away="天平村",
    ),
)
PENDING = {"zhu_xia": ("美罗家园二期", "5", "2", "302")}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣晨辰雪琳晶颖倩婷慧莉佳怡楠"  # noqa: E501


@dataclass
class SeedResult:
    places: int = 0
    residents: int = 0
    created: int = 0
    logins: list[Person] = field(default_factory=list)


def _load(node: dict | str, parent: Place | None, by_name: dict[str, Place]) -> None:
    if isinstance(node, str):
        node = {"name": node, "kind": PlaceKind.ESTATE}
    place, _ = place_ensure(name=node["name"], kind=node["kind"], parent=parent)
    by_name[place.name] = place
    for child in node.get("children", []):
        _load(child, place, by_name)


def _person(username: str, name: str, phone: str, password_hash: str, result: SeedResult) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": name, "phone": f"+86{phone}", "password": password_hash},
    )
    if created:
        user.phone_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at"])
        result.created += 1
    return user


def _live_in(user: User, estate: Place, rng: random.Random) -> None:
    if Membership.objects.filter(user=user, estate=estate, status="active").exists():
        return
    Membership.objects.create(
        user=user,
        estate=estate,
        building=str(rng.randint(1, 30)),
        unit=str(rng.randint(1, 4)),
        room=f"{rng.randint(1, 18)}0{rng.randint(1, 4)}",
    )


@transaction.atomic
def seed() -> SeedResult:
    result = SeedResult()
    rng = random.Random(2017)
    by_name: dict[str, Place] = {}
    _load(TREE, None, by_name)
    password_hash = make_password(DEMO_PASSWORD)

    for person in PEOPLE:
        user = _person(person.username, person.name, person.phone, password_hash, result)
        if person.estate:
            _live_in(user, by_name[person.estate], rng)
        for kind, place_name in person.roles:
            role_grant(
                user=user,
                kind=kind,
                place=by_name[place_name],
                show_identity=person.show_identity and kind == RoleKind.PARTY_MEMBER,
            )
        if (
            person.away
            and not AwayMembership.objects.filter(
                user=user, village=by_name[person.away], status=AwayMembership.Status.ACTIVE
            ).exists()
        ):
            AwayMembership.objects.create(user=user, village=by_name[person.away])
        result.logins.append(person)

    for username, (estate_name, building, unit, room) in PENDING.items():
        user = User.objects.get(username=username)
        JoinApplication.objects.get_or_create(
            applicant=user,
            estate=by_name[estate_name],
            defaults={
                "real_name": user.display_name,
                "phone": user.phone,
                "building": building,
                "unit": unit,
                "room": room,
                "note": "新搬来的住户",
            },
        )

    if not User.objects.filter(username="admin").exists():
        User.objects.create(
            username="admin",
            display_name="管理员",
            password=password_hash,
            is_staff=True,
            is_superuser=True,
        )
        result.created += 1

    estates = [p for p in by_name.values() if p.kind == PlaceKind.ESTATE]
    number = 0
    for estate in estates:
        for _ in range(RESIDENTS_PER_ESTATE):
            number += 1
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            user = _person(f"r{number:04d}", name, f"137{number:08d}", password_hash, result)
            _live_in(user, estate, rng)

    result.places = Place.objects.count()
    result.residents = Membership.objects.filter(status="active").count()
    return result
