"""Demo cases (身边事) for the demo district, so every queue, board and the supervisors' page
has something to show: cases in every state and at every tier, some overdue, one urged and
never answered, with the street offices and district departments that handle them and
officers who can log in.

Each case's story is told through the services by the people the rules let do each step,
at the moment it happened (working hours before now, so a case meant to be overdue is
overdue whatever weekday the demo is seeded on): while seeding, the clock the services read
(``django.utils.timezone.now``) is set to each step's moment, and the deadline checks that
fell due along the way are run at their own moments, as the task worker would have run them.
The figures, the timeline and the flags are therefore what a real history leaves behind;
checks still to come stay queued for the worker.

Safe to run again: a case whose description its community already has is not told again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from communities.demo import Person
from communities.models import Membership, Place, PlaceKind, RoleKind, User
from communities.services import role_grant

from . import services, tasks
from .deadlines import Calendar, add_working, amber_moment, current_deadline, working_minutes
from .models import Case, Category, Entry, Unit, UnitOfficer, Urge

DISTRICT = "宝山区"
STREETS = ("罗店镇", "吴淞街道")
OFFICES = ("城管科", "房管科", "平安办")
DEPARTMENTS = ("区绿化市容局", "区房管局", "区公安分局")

# The officers, and the units they work in (a street's desk is named after its street).
OFFICERS = (
    (Person("qian_jing", "钱静", "13900000020", None, what="罗店镇 case desk: escalated cases, assigns and refers them"), ("罗店镇", "罗店镇")),  # noqa: E501
    (Person("feng_tao", "冯涛", "13900000021", None, what="罗店镇 城管科 officer"), ("罗店镇", "城管科")),  # noqa: E501
    (Person("cao_yan", "曹燕", "13900000022", None, what="罗店镇 房管科 officer"), ("罗店镇", "房管科")),  # noqa: E501
    (Person("peng_bo", "彭波", "13900000023", None, what="罗店镇 平安办 officer"), ("罗店镇", "平安办")),  # noqa: E501
    (Person("xie_lan", "谢岚", "13900000024", None, what="吴淞街道 case desk, also enters the city grid platform's updates"), ("吴淞街道", "吴淞街道")),  # noqa: E501
    (Person("deng_hui", "邓辉", "13900000025", None, what="吴淞街道 城管科, 房管科 and 平安办 officer"), ("吴淞街道", "城管科")),  # noqa: E501
    (Person("jiang_wen", "蒋文", "13900000026", None, what="区房管局 officer (district department)"), (DISTRICT, "区房管局")),  # noqa: E501
    (Person("gu_qiang", "顾强", "13900000027", None, what="区公安分局 officer (district department)"), (DISTRICT, "区公安分局")),  # noqa: E501
    (Person("lu_fei", "陆飞", "13900000028", None, ((RoleKind.STREET_SUPERVISOR, "吴淞街道"),), "street supervisor of 吴淞街道: its patrol page, urges"), None),  # noqa: E501
)  # fmt: skip
# Officers of more than one unit, and demo people of the main demo who also handle cases.
ALSO = (
    ("deng_hui", "吴淞街道", "房管科"),
    ("deng_hui", "吴淞街道", "平安办"),
    ("guo_qing", DISTRICT, "区绿化市容局"),
)

Step = tuple[float, str, str, dict[str, Any]]  # (working hours after raising, who, what, args)


@dataclass(frozen=True)
class Story:
    community: str
    estate: str
    reporter: str  # a username, or "#n": the estate's n-th further resident (r0001 …)
    category: str
    description: str
    ago: float  # raised this many working hours before now
    steps: tuple[Step, ...] = ()
    public: bool = False
    show_reporter: bool = False


MEILUO, TIANPING = "美罗家园第一居委会", "天平村"
XINCHENG, GONGKANG = "吴淞新城居委会", "共康雅苑居委会"

STORIES = (
    Story(MEILUO, "美罗家园一期", "wang_fang", "环境绿化", "中心绿地被人种了菜，老人们没地方跳舞了", 150, (  # noqa: E501
        (2, "li_wei", "accept", {"body": "收到，明天上午去现场看看"}),
        (20, "li_wei", "escalate", {"reason": "涉及毁绿种菜，需要城管执法"}),
        (24, "qian_jing", "assign", {"unit": "城管科", "reason": "毁绿归城管科处理"}),
        (30, "feng_tao", "start", {"body": "已约物业明天一起清理"}),
        (70, "feng_tao", "resolve", {"body": "已联合物业清除菜地，补种了草坪"}),
        (90, "wang_fang", "rate", {"rating": 5, "body": "处理得很及时，谢谢！"}),
    ), public=True, show_reporter=True),
    Story(MEILUO, "美罗家园二期", "#1", "物业维修", "3号楼电梯经常停在半层，老人不敢坐", 140, (
        (1, "li_wei", "accept", {}),
        (3, "li_wei", "reply", {"body": "已联系物业和电梯维保公司，周三来检修", "public": True}),
        (4, "li_wei", "reply", {"body": "维保合同在物业处，电话已问过", "public": False}),
        (50, "li_wei", "resolve", {"body": "维保公司更换了门机控制板，已恢复正常"}),
    ), public=True),
    Story(MEILUO, "美罗家园一期", "#2", "噪音", "晚上十点以后广场舞音响还开得很响，孩子没法睡觉", 60, (  # noqa: E501
        (40, "liu_yang", "urge", {"note": "居民多次反映，请居委会尽快答复"}),
    ), public=True),
    Story(MEILUO, "美罗家园一期", "#3", "停车", "消防通道被电动车和汽车堵住了", 20.5),
    Story(MEILUO, "美罗家园二期", "#4", "公共设施", "小区健身器材螺丝松动，有孩子被划伤", 3, public=True),  # noqa: E501
    Story(MEILUO, "美罗家园二期", "#5", "环境卫生", "小区东门外人行道上堆满了建筑垃圾", 40, (
        (2, "li_wei", "escalate", {"reason": "垃圾在小区外的市政道路上，居委会无权处理"}),
    )),
    Story(MEILUO, "美罗家园一期", "#6", "环境卫生", "小区外河道漂浮垃圾，夏天发臭", 200, (
        (3, "li_wei", "escalate", {"reason": "河道不归物业管"}),
        (8, "qian_jing", "refer", {"unit": "区绿化市容局", "reason": "河道保洁属区绿化市容局"}),
        (20, "guo_qing", "accept", {"body": "已安排河道保洁队"}),
        (120, "huang_jun", "urge", {"note": "请说明河道保洁的时间安排"}),
        (124, "guo_qing", "answer_urge", {"body": "保洁船每周二、五作业，本周加派一次"}),
        (130, "guo_qing", "reply", {"body": "本周五加派保洁船清理", "public": True}),
    )),
    Story(MEILUO, "美罗家园二期", "#7", "其他", "希望小区增设快递柜", 230, (
        (5, "li_wei", "accept", {}),
        (60, "li_wei", "resolve", {"body": "已与快递公司谈妥，北门装了两组快递柜"}),
        (80, "#7", "rate", {"rating": 4, "body": "好用，就是位置远了点"}),
    ), public=True),
    Story(TIANPING, "天平村一组", "#1", "环境卫生", "村口垃圾箱房满溢，好几天没人清运", 110, (
        (4, "xu_ming", "accept", {}),
        (6, "xu_ming", "start", {"body": "已联系镇环卫所"}),
    )),
    Story(TIANPING, "天平村二组", "#1", "邻里纠纷", "邻居在公共晒场上堆放建材", 30, (
        (5, "xu_ming", "decline", {"reason": "晒场已承包给该户，属私人使用，建议双方协商或申请人民调解"}),  # noqa: E501
    )),
    Story(XINCHENG, "吴淞新城南块", "#1", "治安", "地下车库连续有人撬电动车锁", 45, (
        (2, "he_ping", "escalate", {"reason": "需要派出所和平安办介入"}),
        (6, "xie_lan", "assign", {"unit": "平安办", "reason": "治安问题"}),
        (9, "deng_hui", "accept", {"body": "已调取车库监控，加强夜间巡逻"}),
    )),
    Story(XINCHENG, "吴淞新城北块", "#1", "物业维修", "楼顶漏水，顶楼住户家里墙面发霉", 100, (
        (5, "he_ping", "escalate", {"reason": "物业说要动用维修基金，居委会协调不了"}),
        (10, "xie_lan", "refer", {"unit": "区房管局", "reason": "涉及维修基金使用，需要区房管局协调"}),  # noqa: E501
    ), public=True),
    Story(XINCHENG, "吴淞新城南块", "#2", "公共设施", "小区主路的路灯坏了好几盏，晚上很黑", 26, (
        (1, "he_ping", "accept", {}),
        (3, "he_ping", "start", {"body": "物业已报修，灯泡本周到货"}),
    )),
    Story(XINCHENG, "吴淞新城北块", "#2", "公共设施", "北块路灯不亮，走路看不见", 20, (
        (1, "he_ping", "merge", {"into": "小区主路的路灯坏了好几盏，晚上很黑"}),
    )),
    Story(XINCHENG, "吴淞新城北块", "#3", "邻里纠纷", "楼下住户在楼道里养鸽子，气味很大", 35, (
        (2, "he_ping", "escalate", {"reason": "劝说多次无果"}),
        (8, "xie_lan", "send_back", {"reason": "属于居委会调解范围，请先组织调解，调解不成再上报"}),
        (12, "he_ping", "accept", {"body": "本周六组织双方调解"}),
    )),
    Story(GONGKANG, "共康雅苑一区", "chen_jie", "停车", "小区门口共享单车乱停，堵住了盲道", 90, (
        (2, "lin_na", "escalate", {"reason": "小区外道路，需要街道协调"}),
        (6, "xie_lan", "hand_off", {"reference": "BS-2026-118347", "reason": "共享单车属网格化“9+X”事项"}),  # noqa: E501
        (30, "xie_lan", "grid_update", {"body": "网格平台已派单给三家单车企业清运"}),
    ), public=True),
    Story(GONGKANG, "共康雅苑二区", "#1", "环境卫生", "垃圾箱房周边有老鼠出没", 120, (
        (2, "lin_na", "accept", {}),
        (30, "lin_na", "resolve", {"body": "已请消杀公司投放鼠药"}),
        (60, "#1", "reopen", {"reason": "过了两天老鼠又出现了"}),
        (62, "lin_na", "reply", {"body": "消杀公司下周二再来一次，并封堵洞口", "public": True}),
    )),
    Story(GONGKANG, "共康雅苑一区", "#2", "噪音", "楼上装修，周末一大早就开始敲", 1.5, public=True),
)  # fmt: skip


@dataclass
class CasesSeed:
    cases: int = 0  # cases of the demo district
    told: int = 0  # stories told this run
    logins: list[Person] = field(default_factory=list)


@contextlib.contextmanager
def _clock() -> Iterator[Callable[[datetime], None]]:
    """Set the time the services read while a story is told; the real clock afterwards."""
    real = timezone.now
    moment = [real()]
    setattr(timezone, "now", lambda: moment[0])  # noqa: B010 (a module function, on purpose)
    try:
        yield lambda at: moment.__setitem__(0, at)
    finally:
        setattr(timezone, "now", real)  # noqa: B010


def _working_ago(hours: float, now: datetime, calendar: Calendar) -> datetime:
    """The moment ``hours`` working hours before ``now`` (to the minute)."""
    wanted = int(hours * 60)
    at = now.replace(second=0, microsecond=0)
    step = timedelta(hours=1)
    while working_minutes(at, now, calendar=calendar) < wanted:
        at -= step
    while working_minutes(at + timedelta(minutes=1), now, calendar=calendar) >= wanted:
        at += timedelta(minutes=1)
    return at


def _window(case: Case) -> tuple[datetime, datetime] | None:
    """The current deadline's window (from, due), as ``deadlines`` set it."""
    due = current_deadline(case)
    if case.status not in tasks.WATCHED or due is None:
        return None
    start = case.tier_since
    if case.tier_responded_at is not None and case.reopened:
        reopened = case.entries.filter(kind=Entry.Kind.REOPENED, created_at__gte=start).last()
        start = reopened.created_at if reopened is not None else start
    return start, due


def _run_checks(case: Case, until: datetime, clock: Callable[[datetime], None]) -> None:
    """The deadline checks of ``case`` that fell due by ``until``, each run at its own
    moment as the worker would have run it then (the worker's own runs of them, later,
    find the flag set and do nothing)."""
    for _check in range(2):
        case.refresh_from_db()
        window = _window(case)
        if window is None or case.flag == Case.Flag.RED:
            return
        start, due = window
        moment = due if case.flag == Case.Flag.AMBER else amber_moment(start, due)
        if moment > until:
            return
        clock(moment)
        tasks.check_deadline.call(case.pk, case.deadline_version)


def _units(by_name: dict[str, Place]) -> dict[tuple[str, str], Unit]:
    units: dict[tuple[str, str], Unit] = {}
    for street in STREETS:
        place = by_name[street]
        desk = Unit.objects.filter(place=place, kind=Unit.Kind.STREET).first()
        if desk is None:
            desk = Unit.objects.create(place=place, kind=Unit.Kind.STREET, name=street)
        units[(street, street)] = desk
        for name in OFFICES:
            units[(street, name)], _ = Unit.objects.get_or_create(
                place=place, name=name, defaults={"kind": Unit.Kind.OFFICE}
            )
    for name in DEPARTMENTS:
        units[(DISTRICT, name)], _ = Unit.objects.get_or_create(
            place=by_name[DISTRICT], name=name, defaults={"kind": Unit.Kind.DEPARTMENT}
        )
    return units


def _officers(
    by_name: dict[str, Place], units: dict[tuple[str, str], Unit], result: CasesSeed
) -> None:
    # Every demo person has the demo password: reuse its hash (hashing is slow on purpose).
    password = User.objects.filter(username="wang_fang").values_list("password", flat=True)[0]
    for person, unit in OFFICERS:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "display_name": person.name,
                "phone": f"+86{person.phone}",
                "password": password,
                "phone_verified_at": timezone.now(),
            },
        )
        for kind, place in person.roles:
            role_grant(user=user, kind=kind, place=by_name[place])
        if unit is not None:
            UnitOfficer.objects.get_or_create(unit=units[unit], user=user)
        result.logins.append(person)
    for username, place, name in ALSO:
        user = User.objects.get(username=username)
        UnitOfficer.objects.get_or_create(unit=units[(place, name)], user=user)


def _person(who: str, estate: Place) -> User:
    if not who.startswith("#"):
        return User.objects.get(username=who)
    residents = Membership.objects.filter(
        estate=estate, status=Membership.Status.ACTIVE, user__username__startswith="r0"
    ).order_by("user__username")
    return residents[int(who[1:]) - 1].user


def _step(case: Case, who: User, what: str, args: dict[str, Any], units: dict[Any, Unit]) -> None:
    pk = case.pk
    if what in ("assign", "refer"):
        unit = next(u for (_, name), u in units.items() if name == args["unit"] and (
            u.place_id in (case.street_id, case.district_id)))  # fmt: skip
        call = services.case_assign if what == "assign" else services.case_refer
        call(actor=who, case_id=pk, unit_id=unit.pk, reason=args["reason"])
    elif what == "merge":
        kept = Case.objects.get(community_id=case.community_id, description=args["into"])
        services.case_merge(actor=who, case_id=pk, into_id=kept.pk)
    elif what == "answer_urge":
        urge = Urge.objects.filter(case_id=pk, answered_at__isnull=True).order_by("id").first()
        assert urge is not None
        services.urge_answer(actor=who, case_id=pk, urge_id=urge.pk, **args)
    else:
        getattr(services, f"case_{what}")(actor=who, case_id=pk, **args)


def _tell(
    story: Story,
    by_name: dict[str, Place],
    units: dict[tuple[str, str], Unit],
    now: datetime,
    clock: Callable[[datetime], None],
    calendar: Calendar,
) -> None:
    community, estate = by_name[story.community], by_name[story.estate]
    district = by_name[DISTRICT]
    category = Category.objects.get(district=district, name=story.category)
    raised = _working_ago(story.ago, now, calendar)
    clock(raised)
    case = services.case_raise(
        reporter=_person(story.reporter, estate),
        community_id=community.pk,
        category_id=category.pk,
        description=story.description,
        estate_id=estate.pk,
        public=story.public,
        show_reporter=story.show_reporter,
    )
    for hours, who, what, args in story.steps:
        at = add_working(raised, hours * 60, calendar=calendar)
        _run_checks(case, at, clock)
        clock(at)
        case.refresh_from_db()
        _step(case, _person(who, estate), what, args, units)
    _run_checks(case, now, clock)


@transaction.atomic
def seed() -> CasesSeed:
    """Units, officers and the demo's cases; what is there already is left as it is."""
    result = CasesSeed()
    names = (DISTRICT, *STREETS, MEILUO, TIANPING, XINCHENG, GONGKANG)
    by_name = {p.name: p for p in Place.objects.filter(name__in=names)}
    by_name.update(
        {p.name: p for p in Place.objects.filter(kind=PlaceKind.ESTATE, parent__name__in=names)}
    )
    if (
        any(name not in by_name for name in names)
        or not User.objects.filter(username="wang_fang").exists()
    ):
        return result
    units = _units(by_name)
    _officers(by_name, units, result)
    now = timezone.now()
    calendar = Calendar()
    with _clock() as clock:
        for story in STORIES:
            community = by_name[story.community]
            if Case.objects.filter(community=community, description=story.description).exists():
                continue
            _tell(story, by_name, units, now, clock, calendar)
            result.told += 1
    result.cases = Case.objects.filter(district=by_name[DISTRICT]).count()
    return result
