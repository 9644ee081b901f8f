"""Letters (信件): mail to a neighbour or to a community's committee, read when they come.

A letter reaches only a neighbour (someone who shares a community with the sender) or
the committee of a community the sender belongs to. The recipient's opening it is the
read receipt: ``letter.read`` goes back to the sender.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import throttle
from communities.errors import Forbidden, Invalid, NotFound
from communities.models import COMMUNITY_KINDS, Place, User
from communities.moderation import claims
from communities.moderation.models import TargetKind
from communities.rules import Action, can, places_where
from realtime.feeds import publish
from realtime.groups import community_staff_feed, user_group

from .models import Block, Letter
from .services import _communities_of
from .shapes import person_out

SUBJECT_MAX, BODY_MAX, LIST_MAX = 100, 5000, 100


def letter_out(letter: Letter) -> dict[str, Any]:
    committee = letter.committee
    return {
        "id": letter.pk,
        "sender": person_out(letter.sender),
        "recipient": person_out(letter.recipient) if letter.recipient else None,
        "committee": {"id": committee.pk, "name": committee.name} if committee else None,
        "subject": letter.subject,
        "body": letter.body,
        "created_at": letter.created_at.isoformat(),
        "read_at": letter.read_at.isoformat() if letter.read_at else None,
        "read_by": person_out(letter.read_by) if letter.read_by else None,
    }


def new_letter_event(letter: Letter) -> dict[str, Any]:
    return {"type": "letter.new", "letter": letter_out(letter)}


def read_event(letter: Letter) -> dict[str, Any]:
    assert letter.read_at is not None
    return {"type": "letter.read", "letter_id": letter.pk, "read_at": letter.read_at.isoformat()}


# --- Reads ----------------------------------------------------------------------------
def _letters() -> QuerySet[Letter]:
    return Letter.objects.select_related("sender", "recipient", "committee", "read_by")


def letters_inbox(user: User) -> list[Letter]:
    return list(_letters().filter(recipient=user)[:LIST_MAX])


def letters_sent(user: User) -> list[Letter]:
    return list(_letters().filter(sender=user)[:LIST_MAX])


def letters_to_committee(user: User) -> list[Letter]:
    """Letters to the committees ``user`` sits on."""
    committees = places_where(user, Action.MODERATE_COMMUNITY, kinds=COMMUNITY_KINDS)
    if not committees:
        raise Forbidden(_("Only committee staff read the committee's letters."), code="not_staff")
    return list(_letters().filter(committee__in=committees)[:LIST_MAX])


def _addressed_to(user: User, letter: Letter) -> bool:
    if letter.recipient_id is not None:
        return letter.recipient_id == user.pk
    assert letter.committee is not None
    return can(user, Action.MODERATE_COMMUNITY, letter.committee)


def letter_for(user: User, letter_id: int) -> Letter:
    """A letter ``user`` wrote or may read; NotFound whether missing or forbidden."""
    letter = _letters().filter(pk=letter_id).first()
    if letter is None or not (letter.sender_id == user.pk or _addressed_to(user, letter)):
        raise NotFound()
    return letter


# --- Writes --------------------------------------------------------------------------
def _text(value: str, field: str, errors: dict[str, str], *, high: int) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        errors[field] = _("This field is required.")
    elif len(value) > high:
        errors[field] = _("At most %(n)d characters.") % {"n": high}
    return value


def letter_send(
    *,
    sender: User,
    recipient_id: int | None = None,
    committee_id: int | None = None,
    subject: str,
    body: str,
) -> Letter:
    """Write to a neighbour, or to the committee of a community the sender belongs to."""
    errors: dict[str, str] = {}
    subject = _text(subject, "subject", errors, high=SUBJECT_MAX)
    body = _text(body, "body", errors, high=BODY_MAX)
    if (recipient_id is None) == (committee_id is None):
        message = _("Write either to a neighbour or to a committee.")
        errors["recipient_id" if recipient_id is None else "committee_id"] = message
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    throttle.hit("letters", str(sender.pk), settings.CHAT_LETTER_RATE)

    mine = _communities_of(sender)
    recipient: User | None = None
    committee: Place | None = None
    if recipient_id is not None:
        recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
        if recipient is None or recipient.pk == sender.pk or not mine & _communities_of(recipient):
            raise NotFound()  # not a neighbour: nobody learns the person exists
        if Block.objects.filter(blocker=recipient, blocked=sender).exists():
            raise Forbidden(_("This person does not accept letters from you."), code="blocked")
    else:
        assert committee_id is not None
        committee = Place.objects.filter(pk=committee_id, kind__in=COMMUNITY_KINDS).first()
        if committee is None or committee.pk not in mine:
            raise NotFound()

    with transaction.atomic():
        letter = Letter.objects.create(
            sender=sender, recipient=recipient, committee=committee, subject=subject, body=body
        )
        if recipient is not None:
            publish(user_group(recipient.pk), new_letter_event(letter))
        else:
            assert committee is not None
            publish(community_staff_feed(committee.pk), new_letter_event(letter))
    return letter


def letter_mark_read(*, user: User, letter_id: int) -> Letter:
    """The addressee opened the letter: record it once and tell the sender."""
    letter = letter_for(user, letter_id)
    if not _addressed_to(user, letter):
        raise Forbidden(_("Only the addressee can mark a letter read."), code="not_addressee")
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.read_at is not None:
            letter.refresh_from_db(fields=["read_at", "read_by"])
            return letter
        letter.read_at, letter.read_by = timezone.now(), user
        letter.save(update_fields=["read_at", "read_by"])
        event = read_event(letter)
        publish(user_group(letter.sender_id), event)
        if letter.committee_id is not None:
            publish(community_staff_feed(letter.committee_id), event)
            claims.settle(
                community_id=letter.committee_id, kind=TargetKind.LETTER, item_id=letter.pk
            )
    return letter
