"""Demo moderation work for the demo district, so the committee console is not empty.

美罗家园第一居委会 has a word filter, a chat message two neighbours reported as spam, and
a resident's proposed topic group referred to the party secretary. Safe to run again: the
filter is set only when the community has none, the message has a fixed client id, a
second report by the same person counts once, and the proposal and its gate are made once.
"""

from __future__ import annotations

from django.test.utils import override_settings

from chat.models import Conversation
from chat.services import message_post, topic_group_create
from communities.models import Membership, Place, User

from . import gatekeeping
from .models import Gate, TargetKind, WordFilter
from .services import report_create, word_filter_update

COMMUNITY = "美罗家园第一居委会"
ESTATE = "美罗家园一期"
WORDS = ["代开发票", "刷单", "高利贷", "办证"]
SPAM = "低价代开发票，需要的私聊我"
REPORTERS = ["wang_fang", "sun_li"]
PROPOSAL = ("业委会换届交流群", "讨论业主委员会换届选举的筹备。")


@override_settings(CHAT_SEND_RATE="100000/1")
def seed() -> int:
    """Create the demo moderation items that are missing; returns open demo reports."""
    community = Place.objects.filter(name=COMMUNITY).first()
    estate = Place.objects.filter(name=ESTATE, parent=community).first()
    committee = User.objects.filter(username="li_wei").first()
    if community is None or estate is None or committee is None:
        return 0
    if not WordFilter.objects.filter(community=community).exists():
        word_filter_update(actor=committee, community_id=community.pk, enabled=True, words=WORDS)

    group = Conversation.objects.filter(kind=Conversation.Kind.ESTATE, place=estate).first()
    spammer = (
        User.objects.filter(
            memberships__estate=estate, memberships__status=Membership.Status.ACTIVE
        )
        .exclude(username__in=REPORTERS)
        .filter(username__startswith="r")
        .order_by("username")
        .first()
    )
    reports = 0
    if group is not None and spammer is not None:
        message, _created = message_post(
            author=spammer, conversation_id=group.pk, body=SPAM, client_id="demo-spam-1"
        )
        if not message.moderated:
            for username in REPORTERS:
                reporter = User.objects.filter(username=username).first()
                if reporter is not None:
                    report_create(
                        reporter=reporter,
                        target_kind=TargetKind.MESSAGE,
                        target_id=message.pk,
                        reason="spam",
                        note="广告",
                    )
            reports = 1

    proposal = Conversation.objects.filter(
        kind=Conversation.Kind.TOPIC, place=community, title=PROPOSAL[0]
    ).first()
    proposer = User.objects.filter(username="wang_fang").first()
    if proposal is None and proposer is not None:
        proposal = topic_group_create(
            actor=proposer, community_id=community.pk, title=PROPOSAL[0], description=PROPOSAL[1]
        )
    if (
        proposal is not None
        and not proposal.approved
        and not Gate.objects.filter(
            target_kind=TargetKind.TOPIC_PROPOSAL, target_id=proposal.pk
        ).exists()
    ):
        gatekeeping.gate_refer(
            actor=committee,
            community=community,
            target_kind=TargetKind.TOPIC_PROPOSAL,
            target_id=proposal.pk,
            note="涉及业委会换届，请书记把关",
        )
    return reports
