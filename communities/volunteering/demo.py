"""Demo party building and volunteering for 美罗家园第一居委会, so the pages are not empty:
a confirmed and a pending report-in, two service projects (one taken on, with notes), an
upcoming call-out for party members and one for all residents (with sign-ups and a waiting
list), and a past call-out with check-ins, hours and a thank-you post.

Safe to run again: every row is looked up before it is made. Written directly, like the
boards' demo (no live events: nobody is connected while seeding), by people the rules let
do each thing. A call-out named for a weekday falls on that weekday (communities.demo.dates):
the coming Saturday, the Sunday after it, and the past one a Saturday at least a week ago.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from communities.boards import richtext
from communities.boards.models import BoardKind, Post
from communities.boards.services import boards_ensure
from communities.demo.dates import at, last_weekday, next_weekday, today
from communities.models import Place, User

from .models import Callout, Project, ProjectClaim, ProjectNote, ReportIn, SignUp

MEILUO = "美罗家园第一居委会"


def _party_post(community: Place, author: User, title: str, body: str, callout: Callout) -> Post:
    board = next(b for b in boards_ensure([community]) if b.kind == BoardKind.PARTY)
    cleaned = richtext.clean(body)
    post, _ = Post.objects.get_or_create(
        board=board,
        title=title,
        defaults={
            "author": author,
            "body": cleaned,
            "body_text": richtext.plain_text(cleaned),
            "extra": {"callout": callout.pk},
        },
    )
    return post


def _callout(
    community: Place,
    organiser: User,
    title: str,
    *,
    starts_at: datetime,
    hours: int,
    capacity: int,
    audience: str,
    description: str,
    location: str,
    skills: str = "",
) -> Callout:
    callout, created = Callout.objects.get_or_create(
        community=community,
        title=title,
        defaults={
            "organiser": organiser,
            "description": description,
            "location": location,
            "skills": skills,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours),
            "capacity": capacity,
            "audience": audience,
        },
    )
    if created:
        callout.post = _party_post(
            community, organiser, title, f"<p>{description}</p><p>地点：{location}</p>", callout
        )
        callout.save(update_fields=["post"])
    return callout


def _sign_up(callout: Callout, people: list[User], *, checked_in: bool = False) -> None:
    """Sign ``people`` up in order: confirmed up to the capacity, then waiting."""
    if SignUp.objects.filter(callout=callout).exists():
        return
    minutes = int((callout.ends_at - callout.starts_at).total_seconds() // 60)
    for seq, person in enumerate(people, start=1):
        confirmed = seq <= callout.capacity
        SignUp.objects.create(
            callout=callout,
            user=person,
            seq=seq,
            status=SignUp.Status.CONFIRMED if confirmed else SignUp.Status.WAITING,
            signed_up_at=min(callout.created_at, callout.starts_at - timedelta(days=1)),
            checked_in_at=callout.starts_at if checked_in and confirmed else None,
            checked_in_by=SignUp.CheckedInBy.SELF if checked_in and confirmed else "",
            minutes=minutes if checked_in and confirmed else None,
        )
    callout.last_seq = len(people)
    callout.save(update_fields=["last_seq"])


@transaction.atomic
def seed() -> int:
    """Create what is missing; returns how many call-outs the demo community has."""
    community = Place.objects.filter(name=MEILUO).first()
    if community is None:
        return 0
    need = ("zhang_min", "li_wei", "zhao_lei", "sun_li", "wang_fang", "r0001", "r0002", "r0003")
    people = {user.username: user for user in User.objects.filter(username__in=need)}
    if any(name not in people for name in need):
        return 0
    secretary, committee = people["zhang_min"], people["li_wei"]
    saturday = next_weekday(5)

    ReportIn.objects.get_or_create(
        user=people["sun_li"],
        community=community,
        status=ReportIn.Status.CONFIRMED,
        defaults={
            "home_branch": "宝山区卫生健康委员会机关党支部",
            "note": "在职党员，到居住地社区报到",
            "decided_by": secretary,
            "decided_at": timezone.now() - timedelta(days=30),
        },
    )
    ReportIn.objects.get_or_create(
        user=people["r0002"],
        community=community,
        status=ReportIn.Status.PENDING,
        defaults={
            "home_branch": "上海某科技有限公司党支部",
            "note": "刚搬来美罗家园一期，希望参加社区活动",
            "show_identity": True,
        },
    )

    cleaning, _ = Project.objects.get_or_create(
        community=community,
        title="楼道清洁月",
        defaults={
            "description": "每个楼栋认领一名党员，带动邻居清理楼道堆物，消除消防隐患。",
            "status": Project.Status.IN_PROGRESS,
            "created_by": secretary,
        },
    )
    ProjectClaim.objects.get_or_create(project=cleaning, user=people["zhao_lei"])
    for text in ("已联系物业，周末借用两辆推车。", "3号楼、5号楼已清理完毕。"):
        ProjectNote.objects.get_or_create(project=cleaning, author=people["zhao_lei"], text=text)
    Project.objects.get_or_create(
        community=community,
        title="独居老人结对探访",
        defaults={
            "description": "为小区独居老人结对，每周上门或电话问候一次。",
            "created_by": secretary,
        },
    )

    party = _callout(
        community,
        secretary,
        "党员先锋岗：周六文明劝导",
        starts_at=at(saturday, 9),
        hours=3,
        capacity=6,
        audience="party",
        description="在小区出入口开展垃圾分类和文明养犬劝导。",
        location="美罗家园一期南门",
        skills="红马甲（居委会发放）",
    )
    _sign_up(party, [people["zhao_lei"], people["sun_li"]])
    residents = _callout(
        community,
        committee,
        "周日敬老活动志愿者招募",
        starts_at=at(next_weekday(6, after=saturday), 14),
        hours=2,
        capacity=2,
        audience="residents",
        description="陪社区老人包饺子、量血压、拍全家福。",
        location="居委会活动室",
        skills="会拍照的邻居请带上相机",
    )
    _sign_up(residents, [people["wang_fang"], people["r0001"], people["r0003"]])
    past = _callout(
        community,
        secretary,
        "绿化带补种志愿活动",
        starts_at=at(last_weekday(5, before=today() - timedelta(days=6)), 8),
        hours=3,
        capacity=5,
        audience="residents",
        description="补种小区中心绿化带的冬青和月季。",
        location="美罗家园二期中心绿地",
        skills="手套、小铲子",
    )
    _sign_up(past, [people["zhao_lei"], people["wang_fang"], people["r0001"]], checked_in=True)
    if past.thanks_post_id is None:
        past.thanks_post = _party_post(
            community,
            secretary,
            "感谢绿化带补种的志愿者们",
            "<p>感谢赵磊、王芳等邻居周六一早来补种绿化，中心绿地又绿起来了！</p>",
            past,
        )
        past.save(update_fields=["thanks_post"])
    return Callout.objects.filter(community=community).count()
