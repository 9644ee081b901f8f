"""Demo conversations for the demo district, so the chat pages are not empty.

Safe to run again: messages are posted with fixed client ids (a second post of the same
id is the same message) and groups, knocks and letters are looked up before they are made.
"""

from __future__ import annotations

from django.test.utils import override_settings

from communities.models import Place, User

from .models import Conversation, Letter, Participant
from .services import (
    estate_conversations_ensure,
    knock,
    letter_send,
    message_post,
    topic_group_apply,
    topic_group_create,
    topic_group_decide,
)

ESTATE_TALK = {
    "美罗家园一期": [
        ("wang_fang", "大家好，3号楼门口的快递柜今天好像坏了，有人知道怎么回事吗？"),
        ("sun_li", "我早上也没打开，已经在物业之窗报修了。"),
        ("zhang_min", "已联系物业，下午会派人来修，谢谢大家反映。"),
        ("wang_fang", "太好了，谢谢书记！"),
    ],
    "美罗家园二期": [
        ("zhao_lei", "周六上午九点地下车库清理，党员志愿者先到，欢迎邻居们一起来。"),
        ("li_wei", "居委会准备了手套和扫帚，大家带上口罩就行。"),
    ],
    "共康雅苑一区": [("chen_jie", "小区东门的路灯不亮了，晚上走路要小心。")],
}
TOPICS = [
    ("li_wei", "广场舞队", "每晚七点在中心广场，欢迎邻居加入。", ["wang_fang", "sun_li"]),
    ("li_wei", "宠物友好群", "文明养宠，分享经验，遛狗请牵绳。", ["zhao_lei"]),
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


@override_settings(CHAT_SEND_RATE="100000/1", CHAT_LETTER_RATE="100000/1")
def seed() -> int:
    """Create the demo conversations; returns how many conversations have messages."""
    estates = {p.name: p for p in Place.objects.filter(name__in=ESTATE_TALK)}
    conversations = estate_conversations_ensure(estate_ids=[p.pk for p in estates.values()])
    for name, lines in ESTATE_TALK.items():
        for n, (username, body) in enumerate(lines):
            message_post(
                author=_user(username),
                conversation_id=conversations[estates[name].pk],
                body=body,
                client_id=f"demo-{name}-{n}",
            )

    community = Place.objects.get(name="美罗家园第一居委会")
    for admin, title, description, members in TOPICS:
        topic = Conversation.objects.filter(kind="topic", place=community, title=title).first()
        if topic is None:
            topic = topic_group_create(
                actor=_user(admin), community_id=community.pk, title=title, description=description
            )
        for member in members:
            user = _user(member)
            if not Participant.objects.filter(conversation=topic, user=user).exists():
                applied = topic_group_apply(user=user, conversation_id=topic.pk, note="想加入")
                topic_group_decide(actor=_user(admin), participant_id=applied.pk, approve=True)
        message_post(
            author=_user(members[0]),
            conversation_id=topic.pk,
            body=f"大家好，很高兴加入{title}！",
            client_id=f"demo-topic-{title}",
        )

    direct = knock(user=_user("wang_fang"), target_id=_user("li_wei").pk)
    message_post(
        author=_user("wang_fang"),
        conversation_id=direct.pk,
        body="李老师您好，我家楼道的灯坏了，能帮忙联系一下吗？",
        client_id="demo-knock-1",
    )
    message_post(
        author=_user("li_wei"),
        conversation_id=direct.pk,
        body="好的，我马上转给物业。",
        client_id="demo-knock-2",
    )

    chen_jie = _user("chen_jie")
    if not Letter.objects.filter(sender=chen_jie).exists():
        letter_send(
            sender=chen_jie,
            committee_id=Place.objects.get(name="共康雅苑居委会").pk,
            subject="关于东门路灯",
            body="东门的路灯坏了一周了，晚上老人出行不便，请帮忙协调维修。",
        )
    return Conversation.objects.filter(messages__isnull=False).distinct().count()
