"""Reads of topic groups (专题公共群): the directory, one group, its members and applicants."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from communities.errors import Forbidden, NotFound
from communities.models import COMMUNITY_KINDS, Place, User
from communities.rules import RULES, Action, standing
from communities.rules.conversations import TopicAccess, topic_access

from ..models import Conversation, Participant

ACTIVE, PENDING = Participant.Status.ACTIVE, Participant.Status.PENDING


def community_for(user: User, community_id: int) -> tuple[Place, frozenset[str]]:
    """A community ``user`` may view, with their standing there; NotFound otherwise."""
    community = Place.objects.filter(pk=community_id, kind__in=COMMUNITY_KINDS).first()
    held = standing(user, community) if community is not None else frozenset()
    if community is None or not held & RULES[Action.VIEW_COMMUNITY]:
        raise NotFound()
    return community, held


def topic_for(user: User, conversation_id: int) -> TopicAccess:
    """A topic group ``user`` may see (``TopicAccess.sees``); NotFound whether missing or
    forbidden."""
    conversation = (
        Conversation.objects.select_related("place")
        .filter(pk=conversation_id, kind=Conversation.Kind.TOPIC)
        .first()
    )
    if conversation is None:
        raise NotFound()
    access = topic_access(user, conversation)
    if not access.sees:
        raise NotFound()
    return access


def topic_list(user: User, community_id: int) -> QuerySet[Conversation]:
    """The community's topic groups with member counts and my own status, in one query."""
    community, held = community_for(user, community_id)
    mine = Participant.objects.filter(conversation=OuterRef("pk"), user=user)
    topics = Conversation.objects.filter(place=community, kind=Conversation.Kind.TOPIC)
    if not held & RULES[Action.MODERATE_COMMUNITY]:
        my_groups = Participant.objects.filter(user=user, status=ACTIVE).values("conversation_id")
        topics = topics.filter(Q(approved=True) | Q(pk__in=my_groups))
    return topics.annotate(
        member_count=Count("participants", filter=Q(participants__status=ACTIVE)),
        my_status=Subquery(mine.values("status")[:1]),
        my_role=Subquery(mine.values("role")[:1]),
    ).order_by("approved", "title", "pk")


def topic_members(user: User, conversation_id: int) -> list[Participant]:
    """Who is in a group: shown to its members and the committee only."""
    access = topic_for(user, conversation_id)
    if not access.sees_members:
        raise Forbidden(_("Only members of the group see who is in it."), code="members_only")
    return list(
        Participant.objects.filter(conversation=access.conversation, status=ACTIVE)
        .select_related("user")
        .order_by("role", "joined_at", "pk")  # "admin" sorts before "member"
    )


def topic_applications(user: User, conversation_id: int) -> list[Participant]:
    access = topic_for(user, conversation_id)
    if not access.admin:
        raise Forbidden(_("Only the group's admins see its applications."), code="not_admin")
    return list(
        Participant.objects.filter(conversation=access.conversation, status=PENDING)
        .select_related("user")
        .order_by("joined_at", "pk")
    )
