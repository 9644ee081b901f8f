"""Who may do what in chat: read, post in and moderate a conversation (an estate group, a
topic group, a knock), see and run a topic group, knock on a neighbour's door, write and
read a letter.

| conversation | read | post | moderate |
|---|---|---|---|
| estate group | its residents, the community's staff, supervisors | residents, staff | staff |
| topic group | members (once approved), the staff, its admins | members | staff, admins |
| knock | the two people | the two, unless one blocked the other | nobody |

Neighbours are people who share a community, as residents or as its committee: only they
may knock on each other's door or write each other a letter (a letter to the committee
goes to a community one belongs to). Nobody learns that a non-neighbour exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from chat.models import Block, ChatSettings, Conversation, Letter, Participant
from communities.errors import Forbidden
from communities.models import Membership, Place, User

from .moderation import active_restrictions, community_of_conversation
from .places import RESIDENT, RULES, Action, Verb, can, standing

STAFF = RULES[Action.MODERATE_COMMUNITY]


# --- Conversations -----------------------------------------------------------------------
@dataclass(frozen=True)
class Access:
    """What one person may do in one conversation."""

    read: bool
    post: bool
    moderate: bool


NO_ACCESS = Access(read=False, post=False, moderate=False)


def access_to(user: User, conversation: Conversation) -> Access:
    """What ``user`` may do in ``conversation`` (its place selected): two queries at most."""
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    if conversation.kind == Conversation.Kind.ESTATE:
        held = standing(user, conversation.place)
        moderate = bool(held & RULES[Action.MODERATE_COMMUNITY])
        lives_here = Membership.objects.filter(
            user=user, estate_id=conversation.place_id, status=Membership.Status.ACTIVE
        ).exists()
        observes = bool(held & RULES[Action.SUPERVISE])
        return Access(
            read=lives_here or moderate or observes, post=lives_here or moderate, moderate=moderate
        )
    participant = Participant.objects.filter(
        conversation=conversation, user=user, status=Participant.Status.ACTIVE
    ).first()
    moderate = conversation.kind == Conversation.Kind.TOPIC and (
        bool(standing(user, conversation.place) & RULES[Action.MODERATE_COMMUNITY])
        or (participant is not None and participant.role == Participant.Role.ADMIN)
    )
    member = participant is not None and conversation.approved
    return Access(read=member or moderate, post=member, moderate=moderate)


def refuse_if_blocked(author: User, conversation: Conversation) -> None:
    """In a knock conversation, Forbidden ``blocked`` when the other person blocked me."""
    if conversation.kind != Conversation.Kind.DIRECT:
        return
    others = Participant.objects.filter(conversation=conversation).exclude(user=author)
    if Block.objects.filter(blocker__in=others.values("user"), blocked=author).exists():
        raise Forbidden(_("This person does not accept your messages."), code="blocked")


@dataclass(frozen=True)
class ModerationFlags:
    """What the conversation shape tells one person about moderation there."""

    moderate: bool
    muted_until: datetime | None


def moderation_flags(user: User, conversations: list[Conversation]) -> dict[int, ModerationFlags]:
    """Per conversation: may ``user`` moderate it, and until when they may not post in it
    (an active mute there, or a suspension in its community). Three queries, however many
    conversations (places selected)."""
    staff = set(
        user.roles.filter(kind__in=RULES[Action.MODERATE_COMMUNITY]).values_list(
            "place_id", flat=True
        )
    )
    admin_of = set(
        Participant.objects.filter(
            user=user,
            status=Participant.Status.ACTIVE,
            role=Participant.Role.ADMIN,
            conversation__in=[c.pk for c in conversations],
        ).values_list("conversation_id", flat=True)
    )
    mutes: dict[int, datetime] = {}
    suspensions: dict[int, datetime] = {}
    for restriction in active_restrictions().filter(user=user):
        if restriction.conversation_id is not None:
            mutes[restriction.conversation_id] = max(
                restriction.until, mutes.get(restriction.conversation_id, restriction.until)
            )
        else:
            suspensions[restriction.community_id] = max(
                restriction.until, suspensions.get(restriction.community_id, restriction.until)
            )
    flags: dict[int, ModerationFlags] = {}
    for conversation in conversations:
        community_id = community_of_conversation(conversation)
        moderate = conversation.kind != Conversation.Kind.DIRECT and (
            community_id in staff
            or (conversation.kind == Conversation.Kind.TOPIC and conversation.pk in admin_of)
        )
        ends = [
            when
            for when in (mutes.get(conversation.pk), suspensions.get(community_id))
            if when is not None
        ]
        flags[conversation.pk] = ModerationFlags(
            moderate=moderate, muted_until=max(ends) if ends else None
        )
    return flags


# --- Topic groups ------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicAccess:
    """One topic group as one person sees it."""

    conversation: Conversation
    staff: bool  # may moderate the community the group belongs to
    participant: Participant | None  # the person's own row, whatever its status
    viewer: bool = False  # may view the community the group belongs to

    @property
    def member(self) -> bool:
        return self.participant is not None and self.participant.status == ACTIVE

    @property
    def admin(self) -> bool:
        row = self.participant
        return self.staff or (
            row is not None and row.status == ACTIVE and row.role == Participant.Role.ADMIN
        )

    @property
    def sees(self) -> bool:
        """Approved groups are public to the community; a proposal only to the committee
        and its proposer; members keep seeing their group even after moving away."""
        return self.staff or self.member or (self.conversation.approved and self.viewer)

    @property
    def sees_members(self) -> bool:
        return self.member or self.staff


ACTIVE = Participant.Status.ACTIVE


def topic_access(user: User, conversation: Conversation) -> TopicAccess:
    """How ``user`` stands in a topic group (its place selected): two queries."""
    held = standing(user, conversation.place)
    participant = Participant.objects.filter(conversation=conversation, user=user).first()
    return TopicAccess(
        conversation,
        staff=bool(held & STAFF),
        participant=participant,
        viewer=bool(held & RULES[Action.VIEW_COMMUNITY]),
    )


def may_start_topic(held: frozenset[str]) -> bool:
    """Staff open a topic group at once; a resident proposes one (it waits for them)."""
    return bool(held & STAFF) or RESIDENT in held


# --- Neighbours: knocks and letters ------------------------------------------------------
def communities_of(user: User) -> set[int]:
    """The communities whose neighbours ``user`` may reach: where they live, and where
    they sit on the committee."""
    lived = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
        "estate__parent_id", flat=True
    )
    staff = user.roles.filter(kind__in=STAFF).values_list("place_id", flat=True)
    return {pk for pk in (*lived, *staff) if pk}


def are_neighbours(user_id: int, other_id: int) -> bool:
    """Whether two people share a community (as residents or its committee)."""
    users = {u.pk: u for u in User.objects.filter(pk__in=[user_id, other_id], is_active=True)}
    if len(users) != 2:
        return False
    return bool(communities_of(users[user_id]) & communities_of(users[other_id]))


def refuse_knock(user: User, target: User, shared: set[int]) -> None:
    """Forbidden when ``target`` blocked ``user``, or refuses knocks from strangers (the
    committee of a shared community always takes them)."""
    if Block.objects.filter(blocker=target, blocked=user).exists():
        raise Forbidden(_("This person does not accept knocks from you."), code="blocked")
    target_is_staff = bool(standing(target, Place.objects.get(pk=min(shared))) & STAFF)
    refuses = ChatSettings.objects.filter(user=target, refuse_strangers=True).exists()
    if refuses and not target_is_staff:
        raise Forbidden(
            _("This neighbour only accepts knocks from people they have talked to."),
            code="refuses_strangers",
        )


def refuse_letter(sender: User, recipient: User) -> None:
    if Block.objects.filter(blocker=recipient, blocked=sender).exists():
        raise Forbidden(_("This person does not accept letters from you."), code="blocked")


def addressed_to(user: User, letter: Letter) -> bool:
    """The recipient, or for a letter to the committee, any of its staff."""
    if letter.recipient_id is not None:
        return letter.recipient_id == user.pk
    assert letter.committee is not None
    return can(user, Action.MODERATE_COMMUNITY, letter.committee)


def may_read_letter(user: User, letter: Letter) -> bool:
    return letter.sender_id == user.pk or addressed_to(user, letter)


def _in(verb: str) -> Callable[[User, Conversation], bool]:
    return lambda user, conversation: bool(getattr(access_to(user, conversation), verb))


def _topic(verb: str) -> Callable[[User, Conversation], bool]:
    return lambda user, conversation: (
        conversation.kind == Conversation.Kind.TOPIC
        and bool(getattr(topic_access(user, conversation), verb))
    )


VERBS = (
    Verb(
        "read_conversation",
        "conversation",
        "read a conversation's messages",
        "estate group: its residents, the community's staff and supervisors; topic group: "
        "its members once approved, the staff, its admins; knock: the two people",
        _in("read"),
    ),
    Verb(
        "post_in_conversation",
        "conversation",
        "send messages (unless muted, suspended, blocked or the group is read-only)",
        "estate group: its residents and the staff; topic group and knock: its members",
        _in("post"),
    ),
    Verb(
        "moderate_conversation",
        "conversation",
        "hide, remove, restore and pin messages; lock the group; mute members",
        "estate and topic groups: the community's staff; topic groups: their admins too",
        _in("moderate"),
    ),
    Verb(
        "see_topic_group",
        "topic group",
        "see a topic group in the directory and apply to it",
        "approved: whoever may view the community; a proposal: the staff and its proposer; "
        "members always",
        _topic("sees"),
    ),
    Verb(
        "run_topic_group",
        "topic group",
        "decide applications and remove members",
        "its admins and the community's staff (only the staff remove an admin)",
        _topic("admin"),
    ),
    Verb(
        "reach_neighbour",
        "person",
        "knock on their door (a direct conversation) or write them a letter",
        "people who share a community with them, as residents or its committee (unless they "
        "blocked you, or refuse strangers and are not the committee)",
        lambda user, other: are_neighbours(user.pk, other.pk),
    ),
    Verb(
        "read_letter",
        "letter",
        "read a letter",
        "its sender and addressee; for a letter to the committee, the community's staff",
        may_read_letter,
    ),
)
