"""Letters (信件): mail to a neighbour or to a community's committee, read when they come.

A letter reaches only a neighbour (someone who shares a community with the sender) or
the committee of a community the sender belongs to. The recipient's opening it is the
read receipt: ``letter.read`` goes back to the sender.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import throttle
from communities.errors import Forbidden, Invalid, NotFound
from communities.models import COMMUNITY_KINDS, Place, User
from communities.moderation.models import TargetKind
from communities.moderation.settle import settle
from communities.rules.conversations import addressed_to, communities_of, refuse_letter
from realtime.feeds import publish
from realtime.groups import community_staff_feed, user_group

from .. import events
from ..models import Letter
from ..selectors.letters import letter_for

SUBJECT_MAX, BODY_MAX = 100, 5000


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

    mine = communities_of(sender)
    recipient: User | None = None
    committee: Place | None = None
    if recipient_id is not None:
        recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
        if recipient is None or recipient.pk == sender.pk or not mine & communities_of(recipient):
            raise NotFound()  # not a neighbour: nobody learns the person exists
        refuse_letter(sender, recipient)
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
            publish(user_group(recipient.pk), events.letter_new(letter))
        else:
            assert committee is not None
            publish(community_staff_feed(committee.pk), events.letter_new(letter))
    return letter


def letter_mark_read(*, user: User, letter_id: int) -> Letter:
    """The addressee opened the letter: record it once and tell the sender."""
    letter = letter_for(user, letter_id)
    if not addressed_to(user, letter):
        raise Forbidden(_("Only the addressee can mark a letter read."), code="not_addressee")
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.read_at is not None:
            letter.refresh_from_db(fields=["read_at", "read_by"])
            return letter
        letter.read_at, letter.read_by = timezone.now(), user
        letter.save(update_fields=["read_at", "read_by"])
        event = events.letter_read(letter)
        publish(user_group(letter.sender_id), event)
        if letter.committee_id is not None:
            publish(community_staff_feed(letter.committee_id), event)
            settle(community_id=letter.committee_id, kind=TargetKind.LETTER, item_id=letter.pk)
    return letter
