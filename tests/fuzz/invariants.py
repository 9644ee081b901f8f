"""What the chat domain says must hold in the database after any sequence of frames:
nothing half written. Each check returns what it found wrong (empty: all holds)."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Max

from chat.models import Attachment, Conversation, Message, Participant, ReadMark
from communities.rules.conversations import access_to
from realtime.models import Event


def chat_problems() -> list[str]:
    problems: list[str] = []
    events = Counter[tuple[str, int]]()
    for event in Event.objects.filter(type__startswith="message."):
        payload = event.payload
        message_id = payload["message"]["id"] if "message" in payload else payload["message_id"]
        events[(event.type, message_id)] += 1
    messages = list(Message.objects.select_related("conversation__place", "author"))
    known = {message.pk for message in messages}
    for (kind, message_id), count in events.items():
        if message_id not in known:
            problems.append(f"{kind} event for message {message_id}, which does not exist")
        if kind == "message.new" and count != 1:
            problems.append(f"message {message_id} was announced {count} times")
    attached = Counter(
        Attachment.objects.filter(message__isnull=False).values_list("message_id", flat=True)
    )
    for message in messages:
        where = f"message {message.pk} in conversation {message.conversation_id}"
        if events[("message.new", message.pk)] != 1:
            problems.append(f"{where} has no message.new event")
        if not access_to(message.author, message.conversation).post:
            problems.append(f"{where}: its author {message.author_id} may not post there")
        if not 0 < len(message.client_id) <= 64:
            problems.append(f"{where}: client_id of {len(message.client_id)} characters")
        if len(message.body) > settings.CHAT_MESSAGE_MAX_LENGTH:
            problems.append(f"{where}: a body of {len(message.body)} characters")
        if message.body != message.body.strip():
            problems.append(f"{where}: the body was stored untrimmed")
        if not message.body and not attached[message.pk]:
            problems.append(f"{where}: neither text nor attachments")
        if message.reply_to_id is not None and message.reply_to_id not in known:
            problems.append(f"{where}: replies to a missing message")
        if message.author_id in message.mentions:
            problems.append(f"{where}: mentions its own author")
        if message.edited_at and not events[("message.edited", message.pk)]:
            problems.append(f"{where}: edited without a message.edited event")
        if message.deleted_at and not events[("message.deleted", message.pk)]:
            problems.append(f"{where}: deleted without a message.deleted event")
    replies = {m.pk: m.reply_to for m in messages if m.reply_to is not None}
    for message_id, replied in replies.items():
        own = next(m for m in messages if m.pk == message_id)
        if replied.conversation_id != own.conversation_id:
            problems.append(f"message {message_id} replies across conversations")
    newest = dict(
        Message.objects.values("conversation")
        .annotate(m=Max("id"))
        .values_list("conversation", "m")
    )
    for mark in ReadMark.objects.all():
        if not 0 <= mark.last_read_id <= newest.get(mark.conversation_id, 0):
            problems.append(
                f"read mark of user {mark.user_id} in conversation {mark.conversation_id} "
                f"at {mark.last_read_id}, past its newest message"
            )
    for conversation in Conversation.objects.filter(kind=Conversation.Kind.DIRECT):
        people = Participant.objects.filter(conversation=conversation).count()
        if people != 2 or not conversation.direct_key:
            problems.append(f"knock conversation {conversation.pk} with {people} participants")
    return problems
