"""Reads of letters (信件): my inbox and sent letters, the committee's letters, one letter."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communities.errors import Forbidden, NotFound
from communities.models import COMMUNITY_KINDS, User
from communities.rules import Action, places_where
from communities.rules.conversations import may_read_letter

from ..models import Letter

LIST_MAX = 100


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


def letter_for(user: User, letter_id: int) -> Letter:
    """A letter ``user`` wrote or may read; NotFound whether missing or forbidden."""
    letter = _letters().filter(pk=letter_id).first()
    if letter is None or not may_read_letter(user, letter):
        raise NotFound()
    return letter
