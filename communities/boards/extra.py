"""The structured fields of a post, per board kind: checked, trimmed, unknown keys refused.

- guide: matter (required), steps (≥ 1), documents, where, office_hours, contact
- mutual_aid: need = request | offer (required), resolved (bool)
- idle: item (required), condition = new | like_new | used | worn, deal = free | exchange
  (required), state = available | reserved | given
- party: callout (optional), the id of the volunteer call-out the post announces or thanks
  for; the volunteering services set it when they post, and an edit keeps it as it is
  (the front end sends back the ``extra`` it got). It is a link only: opening it checks
  who may see the call-out.
- every other kind: nothing
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from communities.errors import Invalid

from .models import BoardKind

TEXT_MAX = 200
LIST_MAX = 30
NEEDS = ("request", "offer")
CONDITIONS = ("new", "like_new", "used", "worn")
DEALS = ("free", "exchange")
STATES = ("available", "reserved", "given")

FIELDS: dict[str, tuple[str, ...]] = {
    BoardKind.GUIDE: ("matter", "steps", "documents", "where", "office_hours", "contact"),
    BoardKind.MUTUAL_AID: ("need", "resolved"),
    BoardKind.IDLE: ("item", "condition", "deal", "state"),
    BoardKind.PARTY: ("callout",),
}


def _text(value: object, key: str, errors: dict[str, str], *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = _("This field is required.")
    elif len(value) > TEXT_MAX:
        errors[key] = _("At most %(n)d characters.") % {"n": TEXT_MAX}
    return value


def _texts(value: object, key: str, errors: dict[str, str], *, at_least: int = 0) -> list[str]:
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors[key] = _("Must be a list of texts.")
        return []
    items = [item.strip() for item in value if item.strip()]
    if len(items) < at_least:
        errors[key] = _("Give at least one.")
    elif len(items) > LIST_MAX:
        errors[key] = _("At most %(n)d items.") % {"n": LIST_MAX}
    elif any(len(item) > TEXT_MAX for item in items):
        errors[key] = _("Each item may have at most %(n)d characters.") % {"n": TEXT_MAX}
    return items


def _choice(
    value: object, key: str, choices: tuple[str, ...], errors: dict[str, str], default: str = ""
) -> str:
    if value is None and default:
        return default
    if value not in choices:
        errors[key] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
        return default
    return str(value)


def clean_extra(kind: str, extra: object) -> dict[str, Any]:
    """The structured fields of a post of ``kind``; Invalid with ``errors["extra.<key>"]``."""
    if extra is None:
        extra = {}
    if not isinstance(extra, dict):
        raise Invalid(errors={"extra": _("Must be an object.")})
    allowed = FIELDS.get(kind, ())
    unknown = sorted(set(extra) - set(allowed))
    if unknown:
        raise Invalid(
            errors={"extra": _("Unknown fields: %(keys)s.") % {"keys": ", ".join(unknown)}}
        )
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if kind == BoardKind.GUIDE:
        clean = {
            "matter": _text(extra.get("matter"), "extra.matter", errors, required=True),
            "steps": _texts(extra.get("steps"), "extra.steps", errors, at_least=1),
            "documents": _texts(extra.get("documents"), "extra.documents", errors),
            "where": _text(extra.get("where"), "extra.where", errors),
            "office_hours": _text(extra.get("office_hours"), "extra.office_hours", errors),
            "contact": _text(extra.get("contact"), "extra.contact", errors),
        }
    elif kind == BoardKind.MUTUAL_AID:
        resolved = extra.get("resolved", False)
        if not isinstance(resolved, bool):
            errors["extra.resolved"] = _("Must be true or false.")
        clean = {
            "need": _choice(extra.get("need"), "extra.need", NEEDS, errors),
            "resolved": resolved is True,
        }
    elif kind == BoardKind.IDLE:
        condition = extra.get("condition")
        clean = {
            "item": _text(extra.get("item"), "extra.item", errors, required=True),
            "condition": (
                _choice(condition, "extra.condition", CONDITIONS, errors)
                if condition not in (None, "")
                else ""
            ),
            "deal": _choice(extra.get("deal"), "extra.deal", DEALS, errors),
            "state": _choice(extra.get("state"), "extra.state", STATES, errors, "available"),
        }
    elif kind == BoardKind.PARTY:
        clean = _link(extra.get("callout"), "extra.callout", errors)
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    return clean


def _link(value: object, key: str, errors: dict[str, str]) -> dict[str, Any]:
    """An optional link to another object by id: {} without one."""
    if value is None:
        return {}
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        errors[key] = _("Must be an id.")
        return {}
    return {key.removeprefix("extra."): value}
