"""Writes of roles: granting one, and the party badge that follows the party roles."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..errors import Invalid
from ..models import ROLE_SCOPES, Place, Role, RoleKind, User


def role_grant(*, user: User, kind: str, place: Place, show_identity: bool = False) -> Role:
    """Give ``user`` the role ``kind`` at ``place`` (idempotent)."""
    scopes = ROLE_SCOPES.get(kind)
    if scopes is None:
        raise Invalid(_("Unknown role: %(kind)s") % {"kind": kind})
    if place.kind not in scopes:
        raise Invalid(_("This role cannot be held at a %(kind)s.") % {"kind": place.kind})
    role, created = Role.objects.get_or_create(
        user=user, kind=kind, place=place, defaults={"show_identity": show_identity}
    )
    if not created and role.show_identity != show_identity:
        role.show_identity = show_identity
        role.save(update_fields=["show_identity"])
    if kind in PARTY_ROLES:
        party_badge_refresh(user)
    return role


PARTY_ROLES = frozenset({RoleKind.PARTY_MEMBER, RoleKind.PARTY_SECRETARY})


def party_badge_refresh(user: User) -> bool:
    """Recompute ``user.party_badge`` from their party roles; call after changing them."""
    badge = Role.objects.filter(user=user, kind__in=PARTY_ROLES, show_identity=True).exists()
    if user.party_badge != badge:
        user.party_badge = badge
        User.objects.filter(pk=user.pk).update(party_badge=badge)
    return badge
