"""Messages: posting (idempotent by client id, with photos and files uploaded for it),
editing and deleting one's own within the edit window, likes, read marks. Validate →
authorise → write in a transaction → publish on commit."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import throttle
from communities.errors import Forbidden, Invalid, NotFound
from communities.models import Membership, User
from realtime.feeds import publish
from realtime.groups import conversation_group, user_group

from .. import events
from ..models import Conversation, Message, MessageLike, Participant, ReadMark
from ..selectors import conversation_for, message_for
from ..shapes import message_out
from .attachments import attachment_ids, attachments_attach
from .posting import postable, refuse_if_restricted


def _clean_body(body: object, *, may_be_empty: bool = False) -> str:
    """The trimmed text; empty only for a message that carries photos or files."""
    if body is None and may_be_empty:
        body = ""
    if isinstance(body, str):
        # NUL means nothing in a message, and PostgreSQL cannot store it in text.
        body = body.replace("\x00", "")
    if not isinstance(body, str) or not (body.strip() or may_be_empty):
        raise Invalid(_("A message cannot be empty."), code="empty")
    body = body.strip()
    if len(body) > settings.CHAT_MESSAGE_MAX_LENGTH:
        raise Invalid(
            _("A message may have at most %(n)d characters.")
            % {"n": settings.CHAT_MESSAGE_MAX_LENGTH},
            code="too_long",
        )
    return body


def message_post(
    *,
    author: User,
    conversation_id: int,
    body: str | None,
    client_id: str,
    reply_to: int | None = None,
    mentions: list[int] | None = None,
    attachments: list[int] | None = None,
) -> tuple[Message, bool]:
    """Post a message; the same ``client_id`` again returns the first (created=False).

    ``attachments``: ids of photos and files the author uploaded into this conversation
    and has not sent yet; with them, the text may be empty."""
    if not isinstance(client_id, str) or not 0 < len(client_id) <= 64 or "\x00" in client_id:
        raise Invalid(
            _("Each message needs a client id of 1 to 64 characters."), code="bad_client_id"
        )
    existing = Message.objects.filter(author=author, client_id=client_id).first()
    if existing is not None:
        return existing, False
    files = attachment_ids(attachments)
    body = _clean_body(body, may_be_empty=bool(files))
    conversation = postable(author, conversation_id)
    throttle.hit("chat-send", str(author.pk), settings.CHAT_SEND_RATE)
    replied = None
    if reply_to is not None:
        replied = Message.objects.filter(pk=reply_to, conversation=conversation).first()
        if replied is None:
            raise Invalid(
                _("The message you reply to is not in this conversation."), code="bad_reply"
            )
    mentioned = _members_among(conversation, mentions or [], exclude=author.pk)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                conversation=conversation,
                author=author,
                client_id=client_id,
                body=body,
                reply_to=replied,
                mentions=mentioned,
            )
            attachments_attach(message, files)
            shape = message_out(message, likes=0)
            publish(conversation_group(conversation.pk), events.message_new(shape))
            for user_id in mentioned:
                publish(user_group(user_id), events.mention(shape))
    except IntegrityError:
        # The same client id raced in from a second connection: that one won.
        return Message.objects.get(author=author, client_id=client_id), False
    return message, True


def _members_among(conversation: Conversation, user_ids: list[int], *, exclude: int) -> list[int]:
    wanted = {pk for pk in user_ids if isinstance(pk, int) and pk != exclude}
    if not wanted:
        return []
    members: set[int]
    if conversation.kind == Conversation.Kind.ESTATE:
        members = set(
            Membership.objects.filter(
                estate_id=conversation.place_id,
                status=Membership.Status.ACTIVE,
                user_id__in=wanted,
            ).values_list("user_id", flat=True)
        )
    else:
        members = set(
            Participant.objects.filter(
                conversation=conversation, status=Participant.Status.ACTIVE, user_id__in=wanted
            ).values_list("user_id", flat=True)
        )
    return sorted(members)


def _own_recent(user: User, message_id: int) -> Message:
    message = message_for(user, message_id)
    if message.author_id != user.pk or message.deleted_at is not None:
        raise NotFound()
    if timezone.now() - message.created_at > settings.CHAT_EDIT_WINDOW:
        minutes = int(settings.CHAT_EDIT_WINDOW / timedelta(minutes=1))
        raise Forbidden(
            _("Messages can only be changed within %(n)d minutes.") % {"n": minutes},
            code="too_late",
        )
    return message


def message_edit(*, editor: User, message_id: int, body: str) -> Message:
    message = _own_recent(editor, message_id)
    body = _clean_body(body, may_be_empty=message.attachments.exists())
    if message.moderated:
        raise Forbidden(_("A moderator has taken this message down."), code="moderated")
    if message.conversation.locked:
        raise Forbidden(_("This conversation is read-only."), code="locked")
    refuse_if_restricted(editor, message.conversation)
    with transaction.atomic():
        message.body = body
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "edited_at"])
        shape = message_out(message, likes=message.likes.count())
        publish(conversation_group(message.conversation_id), events.message_edited(shape))
    return message


def message_delete(*, actor: User, message_id: int) -> Message:
    message = _own_recent(actor, message_id)
    with transaction.atomic():
        message.deleted_at = timezone.now()
        message.save(update_fields=["deleted_at"])
        publish(conversation_group(message.conversation_id), events.message_deleted(message))
    return message


def message_like(*, user: User, message_id: int, liked: bool) -> int:
    """Like or unlike; returns the new like count."""
    message = message_for(user, message_id)
    if message.deleted_at is not None or message.moderated:
        raise NotFound()
    with transaction.atomic():
        if liked:
            _, changed = MessageLike.objects.get_or_create(message=message, user=user)
        else:
            changed = MessageLike.objects.filter(message=message, user=user).delete()[0] > 0
        count = MessageLike.objects.filter(message=message).count()
        if changed:
            publish(
                conversation_group(message.conversation_id),
                events.message_liked(message, likes=count, user_id=user.pk, liked=liked),
            )
    return count


def read_mark(*, user: User, conversation_id: int, up_to: int) -> int:
    """Mark a conversation read up to a message; marks only move forward."""
    conversation = conversation_for(user, conversation_id)
    if not isinstance(up_to, int) or up_to < 0:
        raise Invalid(_("Give the id of the last message read."), code="bad_up_to")
    newest = Message.objects.filter(conversation=conversation).aggregate(m=Max("id"))["m"] or 0
    up_to = min(up_to, newest)
    with transaction.atomic():
        mark, _created = ReadMark.objects.select_for_update().get_or_create(
            user=user, conversation=conversation
        )
        if up_to > mark.last_read_id:
            mark.last_read_id = up_to
            mark.save(update_fields=["last_read_id"])
            publish(user_group(user.pk), events.read_updated(conversation.pk, up_to))
    return mark.last_read_id
