"""Demo posts on every board of the demo district, so the boards are not empty.

Safe to run again: a post is looked up by its board and title, a comment by its post,
author and text, a like by its post and person, before anything is made. Posts are
written directly (no throttle, no live events: nobody is connected while seeding), by
people the board's rules let post there.

Days in the texts are counted from the day of seeding ({sat} and the like, filled by
``demo_days``), so a notice that says "12月5日（周六）" means a coming day that is a
Saturday; titles name no date, so that seeding again on another day finds its posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from communities.demo.dates import day_text, next_weekday, today
from communities.models import Place, PlaceKind, User

from . import richtext
from .models import Board, BoardKind, Comment, Post, PostLike
from .services import boards_ensure


@dataclass(frozen=True)
class Demo:
    place: str
    kind: str
    author: str
    title: str
    body: str
    extra: dict[str, Any] = field(default_factory=dict)
    pinned: bool = False
    urgent: bool = False
    expires_in_days: int | None = None
    comments: tuple[tuple[str, str], ...] = ()  # (author, text); a "↳" text replies
    likes: tuple[str, ...] = ()


MEILUO = "美罗家园第一居委会"
VILLAGE = "天平村"

POSTS = (
    Demo(
        "宝山区",
        BoardKind.DISTRICT,
        "ma_lin",
        "罗店镇第十届民俗文化节周六开幕",
        "<p>{sat}上午九点，罗店镇民俗文化节在美兰湖广场开幕，有龙船表演、非遗手工体验和"
        "本地小吃集市。</p><p>请市民绿色出行，活动现场周边道路临时交通管制。</p>",
        likes=("wang_fang", "chen_jie", "li_wei"),
    ),
    Demo(
        "宝山区",
        BoardKind.DISTRICT,
        "ma_lin",
        "宝山区老年助餐点新增12处",
        "<p>为方便老年人就近用餐，全区新增12处社区助餐点，65周岁以上老人凭敬老卡可享受"
        "用餐补贴。</p><ul><li>营业时间：11:00–13:00</li><li>可提前一天电话预订</li></ul>",
        comments=(("wang_fang", "太好了，我们小区附近有吗？"),),
    ),
    Demo(
        MEILUO,
        BoardKind.NOTICES,
        "li_wei",
        "小区电梯年度检验安排",
        "<p>各位居民：</p><p>{lift_from}至{lift_to}对美罗家园一期、二期电梯进行年度检验，"
        "每部电梯停用约两小时，具体时间见各楼栋门厅公告。给您带来不便，敬请谅解。</p>",
        pinned=True,
        comments=(("wang_fang", "收到，谢谢提醒！"), ("sun_li", "↳ 3号楼是哪天？")),
        likes=("wang_fang", "zhang_min"),
    ),
    Demo(
        MEILUO,
        BoardKind.NOTICES,
        "li_wei",
        "垃圾分类定时定点投放时间调整",
        "<p>自{next_month}1日起，湿垃圾投放时间调整为每天 7:00–9:00、18:00–20:00。"
        "其他时间请投放至小区东门的误时投放点。</p>",
    ),
    Demo(
        MEILUO,
        BoardKind.NOTICES,
        "zhang_min",
        "台风“海葵”防御紧急通知",
        "<p><strong>受台风影响，今明两天有大风暴雨。</strong></p><ul><li>请收好阳台花盆和"
        "晾晒衣物</li><li>地下车库低洼处车辆请及时移至地面</li><li>如遇险情请拨打居委会"
        "值班电话 021-56781234</li></ul>",
        urgent=True,
        expires_in_days=3,
    ),
    Demo(
        MEILUO,
        BoardKind.PARTY,
        "zhang_min",
        "主题党日：走进社区养老服务中心",
        "<p>这次主题党日活动安排在{fri}下午两点，党员同志到社区养老服务中心陪老人聊天、"
        "理发、测血压。欢迎居民群众一起参加。</p>",
        likes=("zhao_lei", "sun_li"),
    ),
    Demo(
        MEILUO,
        BoardKind.PARTY,
        "zhao_lei",
        "学习心得：做群众身边的贴心人",
        "<p>这个月参加了三次楼组走访，最大的体会是：很多小事对老人来说就是大事。"
        "帮忙换个灯泡、读一读通知，都能让邻里更近一步。</p>",
        comments=(("zhang_min", "写得很好，继续保持！"),),
    ),
    Demo(
        MEILUO,
        BoardKind.GUIDE,
        "li_wei",
        "如何办理上海市居住证",
        "<p>来沪人员在本市合法稳定居住满半年，可申领居住证。以下是办理流程。</p>",
        extra={
            "matter": "上海市居住证申领",
            "steps": [
                "在“随申办”App 上预约并填写居住登记信息",
                "携带材料到社区事务受理服务中心窗口办理",
                "审核通过后约15个工作日领取证件，可选择邮寄",
            ],
            "documents": [
                "本人身份证原件",
                "租赁合同或房产证明",
                "近期一寸白底证件照",
                "劳动合同或社保缴纳证明",
            ],
            "where": "罗店镇社区事务受理服务中心（罗溪路88号）",
            "office_hours": "周一至周五 9:00–17:00，周六上午 9:00–12:00",
            "contact": "021-56785678",
        },
        pinned=True,
    ),
    Demo(
        MEILUO,
        BoardKind.GUIDE,
        "zheng_hua",
        "老年人免费乘车卡申请",
        "<p>本市户籍年满70周岁的老人可申请敬老卡，享受公交免费乘车。</p>",
        extra={
            "matter": "敬老卡（免费乘车）",
            "steps": ["到居委会领取申请表", "填写后连同材料交回居委会", "约一个月后到居委会领卡"],
            "documents": ["户口簿", "身份证", "一寸照片一张"],
            "where": "美罗家园第一居委会一楼服务窗口",
            "office_hours": "周一至周五 8:30–16:30",
            "contact": "郑华 021-56781234",
        },
    ),
    Demo(
        MEILUO,
        BoardKind.MUTUAL_AID,
        "wang_fang",
        "求助：周六上午谁能帮忙照看孩子两小时",
        "<p>周六上午要去医院复查，孩子6岁，想请邻居帮忙照看两小时，可以来我家或者去您家，"
        "孩子很乖。</p>",
        extra={"need": "request", "resolved": False},
        comments=(("sun_li", "我周六在家，可以帮忙，私信我。"), ("wang_fang", "↳ 太感谢了！")),
    ),
    Demo(
        MEILUO,
        BoardKind.MUTUAL_AID,
        "sun_li",
        "免费教老人用智能手机",
        "<p>每周三晚上七点在居委会活动室，教大家用微信视频、扫码乘车、网上挂号，"
        "欢迎叔叔阿姨们来。</p>",
        extra={"need": "offer", "resolved": False},
        likes=("wang_fang", "li_wei", "zhang_min"),
    ),
    Demo(
        MEILUO,
        BoardKind.IDLE,
        "wang_fang",
        "儿童自行车一辆，九成新，免费送",
        "<p>孩子长高了骑不了，16寸，带辅助轮，有需要的邻居拿走就好。</p>",
        extra={
            "item": "16寸儿童自行车",
            "condition": "like_new",
            "deal": "free",
            "state": "available",
        },
    ),
    Demo(
        MEILUO,
        BoardKind.IDLE,
        "zhao_lei",
        "闲置书架换几盆绿植",
        "<p>五层实木书架，有点使用痕迹，想换几盆好养的绿植。</p>",
        extra={
            "item": "五层实木书架",
            "condition": "used",
            "deal": "exchange",
            "state": "reserved",
        },
    ),
    Demo(
        "美罗家园一期",
        BoardKind.PROPERTY,
        "wu_hao",
        "二次供水水箱清洗通知",
        "<p>{tue}9:00–15:00 清洗一期二次供水水箱，届时1–8号楼停水，请提前储水。</p>",
        pinned=True,
    ),
    Demo(
        "美罗家园一期",
        BoardKind.PROPERTY,
        "wu_hao",
        "东门快递柜已修复",
        "<p>东门快递柜故障已排除，感谢业主反映。</p>",
        likes=("wang_fang",),
    ),
    Demo(
        VILLAGE,
        BoardKind.NOTICES,
        "xu_ming",
        "关于秋收期间秸秆禁烧的通知",
        "<p>秋收期间严禁焚烧秸秆，村里统一安排秸秆粉碎还田，需要的农户请到村委会登记。</p>",
        pinned=True,
    ),
    Demo(
        VILLAGE,
        BoardKind.HOMETOWN,
        "xu_ming",
        "老照片：六十年代的天平村小学",
        "<p>整理村史时找到的老照片，那时候的教室是土坯房，操场边有两棵大樟树，"
        "有没有在这里读过书的乡亲？</p>",
        comments=(("xu_ming", "欢迎在外的乡亲们留言，说说你们记忆里的小学。"),),
    ),
    Demo(
        VILLAGE,
        BoardKind.HOMETOWN,
        "xu_ming",
        "今年的稻谷又是好收成",
        "<p>今年风调雨顺，村里水稻亩产比去年多了五十斤。新米已经上市，"
        "在外的乡亲想尝尝家乡味道，可以联系村委会代寄。</p>",
    ),
    Demo(
        "吴淞新城居委会",
        BoardKind.NOTICES,
        "he_ping",
        "冬季消防安全提示",
        "<p>天气转冷，使用取暖器请远离易燃物，电动自行车请勿在楼道内充电。</p>",
    ),
    Demo(
        "共康雅苑居委会",
        BoardKind.NOTICES,
        "lin_na",
        "共康雅苑停车位重新划线",
        "<p>{thu}、{fri_after_thu}晚间对小区停车位重新划线，请车主配合临时挪车。</p>",
    ),
    Demo(
        "共康雅苑居委会",
        BoardKind.IDLE,
        "chen_jie",
        "八成新电饭煲，换一个小台灯",
        "<p>搬家多出来的电饭煲，4升，功能都好。</p>",
        extra={"item": "4升电饭煲", "condition": "used", "deal": "exchange", "state": "available"},
    ),
)


def demo_days() -> dict[str, str]:
    """The days the demo texts name, counted from today in the place's time zone."""
    now = today()
    thursday = next_weekday(3)
    following = (now.replace(day=1) + timedelta(days=32)).replace(day=1)
    return {
        "sat": day_text(next_weekday(5)),
        "tue": day_text(next_weekday(1)),
        "thu": day_text(thursday),
        "fri": day_text(next_weekday(4)),
        "fri_after_thu": day_text(next_weekday(4, after=thursday)),
        "lift_from": day_text(now + timedelta(days=2)),
        "lift_to": day_text(now + timedelta(days=7)),
        "next_month": f"{following.month}月",
    }


def _board(place: Place, kind: str) -> Board:
    return next(board for board in boards_ensure([place]) if board.kind == kind)


def _users(names: set[str]) -> dict[str, User]:
    return {user.username: user for user in User.objects.filter(username__in=names)}


@transaction.atomic
def seed() -> int:
    """Create the demo posts that are missing; returns how many demo posts exist."""
    places = {
        place.name: place
        for place in Place.objects.filter(name__in={demo.place for demo in POSTS}).exclude(
            kind=PlaceKind.STREET
        )
    }
    people = _users(
        {demo.author for demo in POSTS}
        | {name for demo in POSTS for name, _ in demo.comments}
        | {name for demo in POSTS for name in demo.likes}
    )
    now = timezone.now()
    days = demo_days()
    count = 0
    # Oldest first, so that ids and times agree: the first demo of a board is its newest.
    for index, demo in enumerate(reversed(POSTS)):
        place, author = places.get(demo.place), people.get(demo.author)
        if place is None or author is None:
            continue
        board = _board(place, demo.kind)
        body = richtext.clean(demo.body.format_map(days))
        created = now - timedelta(hours=5 * (len(POSTS) - index))
        post, _ = Post.objects.get_or_create(
            board=board,
            title=demo.title,
            defaults={
                "author": author,
                "body": body,
                "body_text": richtext.plain_text(body),
                "extra": demo.extra,
                "pinned": demo.pinned,
                "urgent": demo.urgent,
                "expires_at": (
                    now + timedelta(days=demo.expires_in_days) if demo.expires_in_days else None
                ),
                "created_at": created,
            },
        )
        count += 1
        top: Comment | None = None
        for offset, (name, text) in enumerate(demo.comments):
            reply = text.startswith("↳ ")
            text = text.removeprefix("↳ ")
            comment, _ = Comment.objects.get_or_create(
                post=post,
                author=people[name],
                body=text,
                defaults={
                    "parent": top if reply else None,
                    "created_at": created + timedelta(minutes=20 * (offset + 1)),
                },
            )
            top = top if reply else comment
        for name in demo.likes:
            PostLike.objects.get_or_create(post=post, user=people[name])
        Post.objects.filter(pk=post.pk).update(
            like_count=PostLike.objects.filter(post=post).count(),
            comment_count=Comment.objects.filter(post=post, status="visible").count(),
        )
    return count
