"""Writes of the call-outs: post, cancel, sign up and cancel, the waiting list.

validate → authorise → write in a transaction → publish live (``live.py``, sent after
commit). Every sign-up and cancellation locks the call-out's row first
(``select_for_update``), so concurrent sign-ups never pass the capacity and the waiting
list moves up in order. Check-in, hours and the thank-you post are in ``checkin.py``.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.boards import live as boards_live
from communities.boards import richtext
from communities.boards.models import BoardKind, Post
from communities.boards.selectors import boards_at
from communities.errors import Conflict, Forbidden, Invalid
from communities.models import Place, User
from communities.rules.volunteering import branch_for
from realtime.groups import user_group

from .. import live, selectors
from ..models import Audience, Callout, CalloutSeen, SignUp
from ..selectors import callout_for, callout_organised, counts
from .party import REASON_MAX, text

TITLE_MAX = 80
DESCRIPTION_MAX = 2000
LOCATION_MAX = 120
SKILLS_MAX = 200
CAPACITY_MAX = 500
LONGEST = timedelta(hours=24)
POST_TITLE_MAX = 120


def _aware(value: object, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise Invalid(errors={field: _("A date and time is required.")})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# --- Posts on the party board -------------------------------------------------------------
def _party_post(*, author: User, community: Place, title: str, body: str, callout: Callout) -> Post:
    """A published post on the community's party board linked to ``callout``: the
    call-out itself, or its thank-you. Organisers post it even when they are committee
    members who do not post there otherwise."""
    board = next(b for b in boards_at([community]) if b.kind == BoardKind.PARTY)
    cleaned = richtext.clean(body)
    post = Post.objects.create(
        board=board,
        author=author,
        title=" ".join(title.split())[:POST_TITLE_MAX],
        body=cleaned,
        body_text=richtext.plain_text(cleaned),
        extra={"callout": callout.pk},
    )
    post = (
        Post.objects.select_related("author", "board__place")
        .prefetch_related("images")
        .get(pk=post.pk)
    )
    boards_live.announce(boards_live.board_streams(board), boards_live.post_created(post))
    return post


def _callout_body(callout: Callout) -> str:
    lines = [
        _("When: %(starts)s – %(ends)s")
        % {"starts": _when(callout.starts_at), "ends": _when(callout.ends_at)},
        _("Where: %(location)s") % {"location": callout.location},
        _("Volunteers needed: %(n)d") % {"n": callout.capacity},
    ]
    if callout.skills:
        lines.append(_("Please bring: %(skills)s") % {"skills": callout.skills})
    facts = "<br>".join(html.escape(line) for line in lines)
    story = "".join(
        f"<p>{html.escape(part)}</p>" for part in callout.description.split("\n\n") if part
    )
    return f"{story}<p>{facts}</p>"


# --- Call-outs ----------------------------------------------------------------------------
def callout_create(
    *,
    actor: User,
    community_id: int,
    title: str,
    description: str,
    location: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    audience: str,
    skills: str = "",
) -> Callout:
    """A call for volunteers: to its audience live, and on the party board."""
    branch = branch_for(actor, community_id, gatekeeping=False)
    if not branch.organiser:
        raise Forbidden(
            _("Only the party secretary and the committee post call-outs."), code="not_organiser"
        )
    title = text(title, "title", most=TITLE_MAX)
    description = text(description, "description", most=DESCRIPTION_MAX)
    location = text(location, "location", most=LOCATION_MAX)
    skills = text(skills, "skills", most=SKILLS_MAX, required=False)
    starts_at, ends_at = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    if starts_at <= timezone.now():
        raise Invalid(errors={"starts_at": _("The start must be in the future.")})
    if ends_at <= starts_at:
        raise Invalid(errors={"ends_at": _("The end must be after the start.")})
    if ends_at - starts_at > LONGEST:
        raise Invalid(errors={"ends_at": _("A call-out lasts at most 24 hours.")})
    if (
        isinstance(capacity, bool)
        or not isinstance(capacity, int)
        or not 1 <= capacity <= CAPACITY_MAX
    ):
        raise Invalid(errors={"capacity": _("Between 1 and %(n)d people.") % {"n": CAPACITY_MAX}})
    if audience not in Audience.values:
        raise Invalid(errors={"audience": _("Choose party or residents.")})
    with transaction.atomic():
        callout = Callout.objects.create(
            community=branch.community,
            organiser=actor,
            title=title,
            description=description,
            location=location,
            skills=skills,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            audience=audience,
        )
        callout.post = _party_post(
            author=actor,
            community=branch.community,
            title=title,
            body=_callout_body(callout),
            callout=callout,
        )
        callout.save(update_fields=["post"])
        live.announce(
            live.audience_streams(callout), live.callout_created(callout, confirmed=0, waiting=0)
        )
    return callout


def callout_cancel(*, actor: User, callout_id: int, reason: str) -> Callout:
    """Called off: everyone signed up hears it (their sign-ups stay as they were)."""
    callout_organised(actor, callout_id)
    reason = text(reason, "reason", most=REASON_MAX)
    with transaction.atomic():
        callout = _locked(callout_id)
        if callout.status == Callout.Status.CANCELLED:
            raise Conflict(_("This call-out has been cancelled."), code="cancelled")
        if callout.ends_at <= timezone.now():
            raise Conflict(_("This call-out is over."), code="over")
        callout.status, callout.cancel_reason = Callout.Status.CANCELLED, reason
        callout.save(update_fields=["status", "cancel_reason"])
        confirmed, waiting = counts(callout.pk)
        live.announce(
            live.audience_streams(callout),
            live.callout_updated(callout, confirmed=confirmed, waiting=waiting),
        )
        signups = SignUp.objects.filter(callout=callout).exclude(status=SignUp.Status.CANCELLED)
        for signup in signups:
            live.announce(
                [user_group(signup.user_id)],
                live.signup_changed(signup, None, "callout_cancelled"),
            )
    return callout


def callout_seen(*, user: User, callout_id: int) -> None:
    """The notification of a call-out was seen: not shown again (idempotent)."""
    callout_for(user, callout_id)
    CalloutSeen.objects.get_or_create(callout_id=callout_id, user=user)


# --- Sign-up and the waiting list ---------------------------------------------------------
def _locked(callout_id: int) -> Callout:
    """The call-out's row, locked until the transaction ends (its counts are read after)."""
    return (
        Callout.objects.select_for_update(of=("self",))
        .select_related("community", "organiser")
        .get(pk=callout_id)
    )


def _still_open(callout: Callout) -> None:
    if callout.status == Callout.Status.CANCELLED:
        raise Conflict(_("This call-out has been cancelled."), code="cancelled")
    if callout.starts_at <= timezone.now():
        raise Conflict(_("This call-out has already started."), code="started")


def _announce_changes(
    callout: Callout, changed: list[tuple[SignUp, int | None, str]], *, counted: bool = True
) -> None:
    """Tell everyone: the audience the new counts, the organisers the roster entries that
    changed, and each person whose sign-up changed why."""
    confirmed, waiting = counts(callout.pk)
    if counted:
        live.announce(
            live.audience_streams(callout),
            live.callout_updated(callout, confirmed=confirmed, waiting=waiting),
        )
    entries = [(signup, position) for signup, position, _reason in changed]
    live.announce(
        live.roster_streams(callout),
        live.callout_roster(callout, entries, confirmed=confirmed, waiting=waiting),
    )
    for signup, position, reason in changed:
        live.announce([user_group(signup.user_id)], live.signup_changed(signup, position, reason))


def signup_create(*, user: User, callout_id: int) -> tuple[SignUp, bool]:
    """Sign up: confirmed while there is room, else on the waiting list. Signing up again
    changes nothing (``created`` is False)."""
    seat = callout_for(user, callout_id)
    if not seat.audience:
        raise Forbidden(_("This call-out is not for you."), code="not_audience")
    _still_open(seat.callout)
    with transaction.atomic():
        callout = _locked(callout_id)
        _still_open(callout)
        signup = SignUp.objects.filter(callout=callout, user=user).first()
        if signup is not None and signup.status != SignUp.Status.CANCELLED:
            return signup, False
        confirmed, _waiting = counts(callout.pk)
        callout.last_seq += 1
        callout.save(update_fields=["last_seq"])
        status = SignUp.Status.CONFIRMED if confirmed < callout.capacity else SignUp.Status.WAITING
        if signup is None:
            signup = SignUp(callout=callout, user=user)
        signup.status, signup.seq, signup.signed_up_at = status, callout.last_seq, timezone.now()
        signup.checked_in_at, signup.checked_in_by, signup.minutes = None, "", None
        signup.save()
        signup.user = user
        _announce_changes(callout, [(signup, selectors.waiting_position(signup), "signed_up")])
    return signup, True


def signup_cancel(*, user: User, callout_id: int) -> SignUp | None:
    """Cancel my sign-up (not signed up: nothing changes). A confirmed place that frees
    up goes to the first person waiting; everyone behind moves up."""
    seat = callout_for(user, callout_id)
    with transaction.atomic():
        callout = _locked(seat.callout.pk)
        signup = (
            SignUp.objects.filter(callout=callout, user=user)
            .exclude(status=SignUp.Status.CANCELLED)
            .first()
        )
        if signup is None:
            return None
        if callout.starts_at <= timezone.now():
            raise Conflict(_("This call-out has already started."), code="started")
        if signup.checked_in_at is not None:
            raise Conflict(_("You have already checked in."), code="checked_in")
        was = signup.status
        signup.status = SignUp.Status.CANCELLED
        signup.save(update_fields=["status"])
        signup.user = user
        changed: list[tuple[SignUp, int | None, str]] = [(signup, None, "cancelled")]
        queue = list(
            SignUp.objects.filter(callout=callout, status=SignUp.Status.WAITING)
            .select_related("user")
            .order_by("seq")
        )
        if was == SignUp.Status.CONFIRMED and callout.status == Callout.Status.OPEN and queue:
            first = queue.pop(0)
            first.status = SignUp.Status.CONFIRMED
            first.save(update_fields=["status"])
            changed.append((first, None, "promoted"))
            moved = queue
        elif was == SignUp.Status.WAITING:
            moved = [waiting for waiting in queue if waiting.seq > signup.seq]
        else:
            moved = []
        positions = {waiting.pk: n for n, waiting in enumerate(queue, start=1)}
        changed += [(waiting, positions[waiting.pk], "moved_up") for waiting in moved]
        _announce_changes(callout, changed)
    return signup
