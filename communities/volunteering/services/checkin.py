"""Writes of the day of a call-out and after: check-in (by the volunteer's scan or the
organiser's tick), the hours recorded, and the thank-you post.

validate → authorise → write in a transaction → publish live (``live.py``, sent after
commit), as in ``callouts.py``, whose row lock and announcements these share.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.boards import richtext
from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import User

from .. import live
from ..models import Callout, SignUp
from ..qr import code_names
from ..selectors import callout_for, callout_organised, counts
from ..shapes import checkin_opens_at
from .callouts import POST_TITLE_MAX, _announce_changes, _locked, _party_post, _when
from .party import UNSET, text

MINUTES_MAX = 24 * 60


def _duration(callout: Callout) -> int:
    return int((callout.ends_at - callout.starts_at).total_seconds() // 60)


def _checkin_window(callout: Callout) -> None:
    now = timezone.now()
    if callout.status == Callout.Status.CANCELLED:
        raise Conflict(_("This call-out has been cancelled."), code="cancelled")
    if now < checkin_opens_at(callout):
        raise Invalid(
            _("Check-in opens at %(at)s.") % {"at": _when(checkin_opens_at(callout))},
            code="not_open",
        )


def checkin_by_code(*, user: User, callout_id: int, code: str) -> SignUp:
    """A confirmed volunteer scans the call-out's QR code on the day."""
    seat = callout_for(user, callout_id)
    callout = seat.callout
    if not isinstance(code, str) or not code_names(code, callout):
        raise Invalid(_("This check-in code is not valid for this call-out."), code="bad_code")
    _checkin_window(callout)
    if timezone.now() >= callout.ends_at:
        raise Invalid(_("Check-in has closed: the call-out is over."), code="closed")
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().filter(callout=callout, user=user).first()
        if signup is None or signup.status != SignUp.Status.CONFIRMED:
            raise Forbidden(
                _("Only volunteers with a confirmed place can check in."), code="not_confirmed"
            )
        if signup.checked_in_at is not None:
            return signup
        signup.checked_in_at, signup.checked_in_by = timezone.now(), SignUp.CheckedInBy.SELF
        signup.minutes = _duration(callout)
        signup.save(update_fields=["checked_in_at", "checked_in_by", "minutes"])
        signup.user = user
        _announce_changes(callout, [(signup, None, "checked_in")], counted=False)
    return signup


def roster_update(
    *,
    actor: User,
    callout_id: int,
    signup_id: int,
    checked_in: Any = UNSET,
    minutes: Any = UNSET,
) -> SignUp:
    """The organiser ticks a name (or unticks it) and sets the hours to record."""
    seat = callout_organised(actor, callout_id)
    callout = seat.callout
    if (
        minutes is not UNSET
        and minutes is not None
        and (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or not 0 <= minutes <= MINUTES_MAX
        )
    ):
        raise Invalid(errors={"minutes": _("Between 0 and %(n)d minutes.") % {"n": MINUTES_MAX}})
    with transaction.atomic():
        signup = (
            SignUp.objects.select_for_update()
            .select_related("user")
            .filter(pk=signup_id, callout=callout)
            .first()
        )
        if signup is None:
            raise NotFound()
        reasons = []
        if checked_in is True and signup.checked_in_at is None:
            _checkin_window(callout)
            if signup.status != SignUp.Status.CONFIRMED:
                raise Conflict(
                    _("Only volunteers with a confirmed place can check in."),
                    code="not_confirmed",
                )
            signup.checked_in_at = timezone.now()
            signup.checked_in_by = SignUp.CheckedInBy.ORGANISER
            signup.minutes = _duration(callout)
            reasons.append("checked_in")
        elif checked_in is False and signup.checked_in_at is not None:
            signup.checked_in_at, signup.checked_in_by, signup.minutes = None, "", None
            reasons.append("checked_out")
        if minutes is not UNSET and minutes is not None and minutes != signup.minutes:
            if signup.checked_in_at is None:
                raise Conflict(
                    _("Hours are recorded for volunteers who checked in."),
                    code="not_checked_in",
                )
            signup.minutes = minutes
            reasons.append("minutes")
        if reasons:
            signup.save(update_fields=["checked_in_at", "checked_in_by", "minutes"])
            _announce_changes(callout, [(signup, None, reasons[0])], counted=False)
    return signup


def thanks_post(*, actor: User, callout_id: int, title: str, body: str) -> Callout:
    """After the event, the organiser thanks the volunteers on the party board."""
    callout_organised(actor, callout_id)
    title = text(title, "title", most=POST_TITLE_MAX)
    cleaned = richtext.clean(body) if isinstance(body, str) else ""
    if not richtext.plain_text(cleaned):
        raise Invalid(errors={"body": _("The text is required.")})
    if len(cleaned) > richtext.MAX_BODY_CHARS:
        raise Invalid(
            errors={"body": _("At most %(n)d characters.") % {"n": richtext.MAX_BODY_CHARS}}
        )
    with transaction.atomic():
        callout = _locked(callout_id)
        if callout.status == Callout.Status.CANCELLED:
            raise Conflict(_("This call-out has been cancelled."), code="cancelled")
        if callout.ends_at > timezone.now():
            raise Conflict(_("Thank the volunteers once the call-out is over."), code="not_over")
        if callout.thanks_post_id is not None:
            raise Conflict(_("The volunteers have already been thanked."), code="thanked")
        callout.thanks_post = _party_post(
            author=actor, community=callout.community, title=title, body=body, callout=callout
        )
        callout.save(update_fields=["thanks_post"])
        confirmed, waiting = counts(callout.pk)
        live.announce(
            live.audience_streams(callout),
            live.callout_updated(callout, confirmed=confirmed, waiting=waiting),
        )
    return callout
