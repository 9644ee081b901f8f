"""HTTP API for chat management: topic groups, letters, settings, blocks, neighbours.

Thin: each endpoint calls one service or selector and shapes the answer. Live chat
itself (messages, presence) goes over the WebSocket; the photos and files sent with
messages are uploaded and fetched through ``files_api``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from communities.api import LOGGED_IN, current_user
from communities.shapes import PersonOut

from . import files_api, services
from .models import Conversation, Participant
from .selectors import letters, people, topics
from .shapes import chat_settings_out, letter_out, person_out

router = Router(auth=LOGGED_IN, tags=["chat"])
router.add_router("", files_api.router)  # photos and files: upload, fetch


# --- Shapes -------------------------------------------------------------------------------


class TopicIn(Schema):
    title: str
    description: str = ""


class TopicOut(Schema):
    id: int
    title: str
    description: str
    approved: bool
    locked: bool
    member_count: int
    my_status: str | None
    my_role: str | None
    created_at: datetime


class TopicReasonIn(Schema):
    reason: str


class ApplyIn(Schema):
    note: str = ""


class TopicApplicationOut(Schema):
    id: int
    conversation: int
    user: PersonOut
    status: str
    note: str
    applied_at: datetime


class MemberOut(Schema):
    user: PersonOut
    role: str
    joined_at: datetime


class CommitteeOut(Schema):
    id: int
    name: str


class LetterIn(Schema):
    recipient_id: int | None = None
    committee_id: int | None = None
    subject: str
    body: str


class LetterOut(Schema):
    id: int
    sender: PersonOut
    recipient: PersonOut | None
    committee: CommitteeOut | None
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
    read_by: PersonOut | None


class SettingsIn(Schema):
    refuse_strangers: bool | None = None
    hide_presence: bool | None = None


class ChatSettingsOut(Schema):
    refuse_strangers: bool
    hide_presence: bool


class BlockIn(Schema):
    user_id: int


class NeighbourOut(Schema):
    id: int
    name: str
    estate: str | None
    building: str
    is_committee: bool


def topic_out(topic: Conversation) -> dict[str, Any]:
    """A row of ``selectors.topics.topic_list`` (annotated with counts and my status)."""
    return {
        "id": topic.pk,
        "title": topic.title,
        "description": topic.description,
        "approved": topic.approved,
        "locked": topic.locked,
        "member_count": topic.member_count,  # type: ignore[attr-defined]
        "my_status": topic.my_status,  # type: ignore[attr-defined]
        "my_role": topic.my_role,  # type: ignore[attr-defined]
        "created_at": topic.created_at,
    }


def application_out(row: Participant) -> dict[str, Any]:
    return {
        "id": row.pk,
        "conversation": row.conversation_id,
        "user": person_out(row.user),
        "status": row.status,
        "note": row.note,
        "applied_at": row.joined_at,
    }


def _topic(request: HttpRequest, conversation: Conversation) -> dict[str, Any]:
    rows = topics.topic_list(current_user(request), conversation.place_id)
    return topic_out(rows.get(pk=conversation.pk))


# --- Topic groups -------------------------------------------------------------------------
@router.get("/chat/communities/{community_id}/topics", response=list[TopicOut])
def topic_list(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    """Open topic groups (the committee also sees proposals), with my own status."""
    return [topic_out(t) for t in topics.topic_list(current_user(request), community_id)]


@router.post("/chat/communities/{community_id}/topics", response={201: TopicOut})
def topic_create(request: HttpRequest, community_id: int, payload: TopicIn) -> Status[Any]:
    """Staff open a group; a resident proposes one for the committee to approve."""
    conversation = services.topic_group_create(
        actor=current_user(request),
        community_id=community_id,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, _topic(request, conversation))


@router.post("/chat/topics/{topic_id}/approve", response=TopicOut)
def topic_approve(request: HttpRequest, topic_id: int) -> dict[str, Any]:
    conversation = services.topic_group_approve(
        actor=current_user(request), conversation_id=topic_id
    )
    return _topic(request, conversation)


@router.post("/chat/topics/{topic_id}/reject", response={204: None})
def topic_reject(request: HttpRequest, topic_id: int, payload: TopicReasonIn) -> Status[None]:
    services.topic_group_reject(
        actor=current_user(request), conversation_id=topic_id, reason=payload.reason
    )
    return Status(204, None)


@router.post("/chat/topics/{topic_id}/apply", response={201: TopicApplicationOut})
def topic_apply(request: HttpRequest, topic_id: int, payload: ApplyIn) -> Status[Any]:
    row = services.topic_group_apply(
        user=current_user(request), conversation_id=topic_id, note=payload.note
    )
    return Status(201, application_out(row))


@router.get("/chat/topics/{topic_id}/applications", response=list[TopicApplicationOut])
def topic_applications(request: HttpRequest, topic_id: int) -> list[dict[str, Any]]:
    """Waiting applications: for the group's admins and the committee."""
    rows = topics.topic_applications(current_user(request), topic_id)
    return [application_out(row) for row in rows]


@router.post("/chat/topic-applications/{participant_id}/approve", response=TopicApplicationOut)
def topic_application_approve(request: HttpRequest, participant_id: int) -> dict[str, Any]:
    row = services.topic_group_decide(
        actor=current_user(request), participant_id=participant_id, approve=True
    )
    return application_out(row)


@router.post("/chat/topic-applications/{participant_id}/reject", response=TopicApplicationOut)
def topic_application_reject(request: HttpRequest, participant_id: int) -> dict[str, Any]:
    row = services.topic_group_decide(
        actor=current_user(request), participant_id=participant_id, approve=False
    )
    return application_out(row)


@router.post("/chat/topics/{topic_id}/leave", response={204: None})
def topic_leave(request: HttpRequest, topic_id: int) -> Status[None]:
    """Leave the group, or withdraw a waiting application."""
    services.topic_group_leave(user=current_user(request), conversation_id=topic_id)
    return Status(204, None)


@router.post("/chat/topics/{topic_id}/members/{user_id}/remove", response={204: None})
def topic_remove(request: HttpRequest, topic_id: int, user_id: int) -> Status[None]:
    services.topic_group_remove(
        actor=current_user(request), conversation_id=topic_id, user_id=user_id
    )
    return Status(204, None)


@router.get("/chat/topics/{topic_id}/members", response=list[MemberOut])
def topic_members(request: HttpRequest, topic_id: int) -> list[dict[str, Any]]:
    rows = topics.topic_members(current_user(request), topic_id)
    return [{"user": person_out(r.user), "role": r.role, "joined_at": r.joined_at} for r in rows]


# --- Letters ---------------------------------------------------------------------------------
@router.get("/chat/letters", response=list[LetterOut])
def letter_list(
    request: HttpRequest, box: Literal["inbox", "sent", "committee"] = "inbox"
) -> list[dict[str, Any]]:
    """My letters, newest first; ``committee`` is the committee's mailbox, for its staff."""
    user = current_user(request)
    boxes = {
        "inbox": letters.letters_inbox,
        "sent": letters.letters_sent,
        "committee": letters.letters_to_committee,
    }
    return [letter_out(letter) for letter in boxes[box](user)]


@router.post("/chat/letters", response={201: LetterOut})
def letter_send(request: HttpRequest, payload: LetterIn) -> Status[Any]:
    """Write to a neighbour (``recipient_id``) or to a committee (``committee_id``)."""
    letter = services.letter_send(
        sender=current_user(request),
        recipient_id=payload.recipient_id,
        committee_id=payload.committee_id,
        subject=payload.subject,
        body=payload.body,
    )
    return Status(201, letter_out(letter))


@router.get("/chat/letters/{letter_id}", response=LetterOut)
def letter_detail(request: HttpRequest, letter_id: int) -> dict[str, Any]:
    return letter_out(letters.letter_for(current_user(request), letter_id))


@router.post("/chat/letters/{letter_id}/read", response=LetterOut)
def letter_read(request: HttpRequest, letter_id: int) -> dict[str, Any]:
    """Mark read; the first time, the sender gets the read receipt."""
    letter = services.letter_mark_read(user=current_user(request), letter_id=letter_id)
    return letter_out(letter)


# --- Settings, blocks, neighbours ---------------------------------------------------------
@router.get("/chat/settings", response=ChatSettingsOut)
def settings_show(request: HttpRequest) -> dict[str, Any]:
    return chat_settings_out(people.chat_settings_of(current_user(request)))


@router.post("/chat/settings", response=ChatSettingsOut)
def settings_update(request: HttpRequest, payload: SettingsIn) -> dict[str, Any]:
    """Change the settings sent; the ones left out stay as they are."""
    settings = services.chat_settings_update(
        user=current_user(request),
        refuse_strangers=payload.refuse_strangers,
        hide_presence=payload.hide_presence,
    )
    return chat_settings_out(settings)


@router.get("/chat/blocks", response=list[PersonOut])
def block_list(request: HttpRequest) -> list[dict[str, Any]]:
    return people.blocked_people(current_user(request))


@router.post("/chat/blocks", response={204: None})
def block_add(request: HttpRequest, payload: BlockIn) -> Status[None]:
    services.block(user=current_user(request), target_id=payload.user_id)
    return Status(204, None)


@router.delete("/chat/blocks/{user_id}", response={204: None})
def block_remove(request: HttpRequest, user_id: int) -> Status[None]:
    services.unblock(user=current_user(request), target_id=user_id)
    return Status(204, None)


@router.get("/chat/communities/{community_id}/neighbours", response=list[NeighbourOut])
def neighbour_list(request: HttpRequest, community_id: int, q: str = "") -> list[dict[str, Any]]:
    """Neighbours I may knock on or write to: name, estate and building only."""
    return people.neighbours(current_user(request), community_id, q)
