"""Writes of the place tree: adding places, and the estates' join codes."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import signals
from ..errors import Invalid, NotFound
from ..models import PARENT_KINDS, Place, PlaceKind, User
from ..rules import Action, can


def place_create(*, name: str, kind: str, parent: Place | None) -> Place:
    """Add a place under ``parent``; estates get a join code."""
    name = name.strip()
    if not name:
        raise Invalid(_("A place needs a name."), errors={"name": _("This field is required.")})
    if kind not in PARENT_KINDS:
        raise Invalid(_("Unknown kind of place: %(kind)s") % {"kind": kind})
    allowed = PARENT_KINDS[kind]
    if (allowed is None) != (parent is None) or (
        parent is not None and allowed is not None and parent.kind not in allowed
    ):
        raise Invalid(_("A %(kind)s cannot be placed there.") % {"kind": kind})
    with transaction.atomic():
        place = Place.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            path="",
            join_code=_new_join_code() if kind == PlaceKind.ESTATE else None,
        )
        place.path = f"{parent.path if parent else '/'}{place.pk}/"
        place.save(update_fields=["path"])
        if kind == PlaceKind.ESTATE:
            signals.estate_created.send(sender=Place, estate=place)
    return place


def place_ensure(*, name: str, kind: str, parent: Place | None) -> tuple[Place, bool]:
    """The place called ``name`` under ``parent``, created if missing."""
    existing = Place.objects.filter(name=name.strip(), parent=parent).first()
    if existing is not None:
        if existing.kind != kind:
            raise Invalid(
                _("%(name)s already exists as a %(kind)s.")
                % {"name": name, "kind": existing.get_kind_display()}
            )
        return existing, False
    return place_create(name=name, kind=kind, parent=parent), True


def _new_join_code() -> str:
    return secrets.token_urlsafe(9)


def join_code_rotate(*, actor: User, estate: Place) -> Place:
    """Give the estate a new join code; the old QR code and link stop working."""
    if not estate.is_estate or not can(actor, Action.MANAGE_JOIN_CODE, estate):
        raise NotFound()
    estate.join_code = _new_join_code()
    estate.join_code_rotated_at = timezone.now()
    estate.save(update_fields=["join_code", "join_code_rotated_at"])
    return estate
