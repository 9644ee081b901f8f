"""Knock on the door (敲门): a one-to-one conversation with a neighbour or a member of
their committee. Who may knock on whose door is ``communities.rules.conversations``."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from communities.errors import NotFound
from communities.models import User
from communities.rules.conversations import communities_of, refuse_knock
from realtime.feeds import publish
from realtime.groups import user_group

from .. import events
from ..models import Conversation, Participant


def knock(*, user: User, target_id: int) -> Conversation:
    """Open (or reopen) a one-to-one conversation with a neighbour or a committee member."""
    target = (
        User.objects.filter(pk=target_id, is_active=True).first()
        if isinstance(target_id, int)
        else None
    )
    if target is None or target.pk == user.pk:
        raise NotFound()
    shared = communities_of(user) & communities_of(target)
    if not shared:
        raise NotFound()  # not a neighbour: nobody learns the person exists
    key = f"{min(user.pk, target.pk)}:{max(user.pk, target.pk)}"
    existing = Conversation.objects.filter(direct_key=key).first()
    if existing is not None:
        return existing
    refuse_knock(user, target, shared)
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                kind=Conversation.Kind.DIRECT,
                place_id=min(shared),
                direct_key=key,
                created_by=user,
            )
            Participant.objects.bulk_create(
                [Participant(conversation=conversation, user=person) for person in (user, target)]
            )
            for me, other in ((user, target), (target, user)):
                publish(user_group(me.pk), events.conversation_joined(conversation, peer=other))
    except IntegrityError:
        return Conversation.objects.get(direct_key=key)
    return conversation
