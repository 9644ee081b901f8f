"""Reads of the call-outs: lists, one call-out as its reader sees it, the waiting list, the
roster, my history and a community's volunteer hours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Forbidden, NotFound
from communities.models import Place, User
from communities.rules.reach import Reach
from communities.rules.volunteering import (
    STAFF,
    Branch,
    branch_for,
    community_get,
    in_audience,
    may_see_callouts,
)
from communities.shapes import person_out

from ..models import Audience, Callout, CalloutSeen, SignUp
from ..shapes import callout_out, checkin_opens_at, my_signup_out, roster_entry
from .party import LIST_MAX


def with_counts(queryset: QuerySet[Callout]) -> QuerySet[Callout]:
    return queryset.select_related("community", "organiser").annotate(
        n_confirmed=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED)),
        n_waiting=Count("signups", filter=Q(signups__status=SignUp.Status.WAITING)),
    )


def counts(callout_id: int) -> tuple[int, int]:
    """Confirmed and waiting sign-ups of a call-out (one query)."""
    row = SignUp.objects.filter(callout_id=callout_id).aggregate(
        confirmed=Count("pk", filter=Q(status=SignUp.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=SignUp.Status.WAITING)),
    )
    return row["confirmed"], row["waiting"]


def callout_shape(callout: Callout) -> dict[str, Any]:
    """``callout_out`` of a call-out loaded by ``with_counts``."""
    return callout_out(
        callout,
        confirmed=callout.n_confirmed,  # type: ignore[attr-defined]
        waiting=callout.n_waiting,  # type: ignore[attr-defined]
    )


def waiting_position(signup: SignUp) -> int | None:
    if signup.status != SignUp.Status.WAITING:
        return None
    ahead = SignUp.objects.filter(
        callout_id=signup.callout_id, status=SignUp.Status.WAITING, seq__lt=signup.seq
    ).count()
    return ahead + 1


@dataclass(frozen=True)
class Seat:
    """Where one person stands with one call-out."""

    callout: Callout
    held: frozenset[str]

    @property
    def audience(self) -> bool:
        return in_audience(self.held, self.callout.audience)

    @property
    def organiser(self) -> bool:
        return bool(self.held & STAFF)


def callout_for(user: User, callout_id: int) -> Seat:
    """A call-out ``user`` may see (with counts); NotFound whether missing or not theirs."""
    callout = with_counts(Callout.objects.filter(pk=callout_id)).first()
    if callout is None:
        raise NotFound()
    held = Branch.of(user, callout.community, gatekeeping=False).held
    if not may_see_callouts(held, callout.audience):
        raise NotFound()
    return Seat(callout=callout, held=held)


def callout_organised(user: User, callout_id: int) -> Seat:
    """A call-out ``user`` organises: NotFound if they cannot see it, Forbidden if they may
    only look."""
    seat = callout_for(user, callout_id)
    if not seat.organiser:
        raise Forbidden(
            _("Only the party secretary and the committee run call-outs."), code="not_organiser"
        )
    return seat


def detail_of(seat: Seat, signup: SignUp | None, position: int | None) -> dict[str, Any]:
    """CalloutDetail: the call-out, the reader's sign-up and what they may do with it."""
    callout = seat.callout
    return {
        **callout_shape(callout),
        "me": my_signup_out(signup, position) if signup else None,
        "can_sign_up": (
            seat.audience
            and callout.status == Callout.Status.OPEN
            and callout.starts_at > timezone.now()
        ),
        "can_manage": seat.organiser,
        "checkin_opens_at": checkin_opens_at(callout).isoformat(),
    }


def detail(user: User, seat: Seat) -> dict[str, Any]:
    """``detail_of`` with the reader's sign-up loaded."""
    signup = SignUp.objects.filter(callout=seat.callout, user=user).first()
    return detail_of(seat, signup, waiting_position(signup) if signup else None)


def _my_communities(user: User, community_id: int | None) -> tuple[Reach, list[Place]]:
    """The communities whose call-outs a list shows: mine, or one I may see call-outs of
    (supervisors look at the communities below them one at a time)."""
    reach = Reach.of(user)
    if community_id is None:
        return reach, list(Place.objects.filter(pk__in=reach.communities()))
    community = community_get(community_id)
    if not may_see_callouts(reach.standing(community), Audience.RESIDENTS):
        raise NotFound()
    return reach, [community]


def _visible(
    reach: Reach, communities: list[Place], test: Callable[[frozenset[str], str], bool]
) -> Q:
    """The call-outs of ``communities`` whose audience passes ``test`` for the person
    (``may_see_callouts`` or ``in_audience``), as a filter."""
    every, residents = [], []
    for community in communities:
        held = reach.standing(community)
        if test(held, Audience.PARTY):
            every.append(community.pk)
        elif test(held, Audience.RESIDENTS):
            residents.append(community.pk)
    return Q(community_id__in=every) | Q(community_id__in=residents, audience=Audience.RESIDENTS)


def callouts_list(user: User, *, when: str, community_id: int | None) -> list[dict[str, Any]]:
    """Call-outs of my communities I may see, each with my sign-up (CalloutDetail)."""
    reach, communities = _my_communities(user, community_id)
    now = timezone.now()
    queryset = with_counts(Callout.objects.filter(_visible(reach, communities, may_see_callouts)))
    if when == "past":
        queryset = queryset.filter(ends_at__lte=now).order_by("-ends_at", "-id")
    else:
        queryset = queryset.filter(ends_at__gt=now).order_by("starts_at", "id")
    callouts = list(queryset[:LIST_MAX])
    mine = {
        signup.callout_id: signup
        for signup in SignUp.objects.filter(user=user, callout__in=[c.pk for c in callouts])
    }
    positions = _positions([s for s in mine.values() if s.status == SignUp.Status.WAITING])
    held = {community.pk: reach.standing(community) for community in communities}
    out = []
    for callout in callouts:
        signup = mine.get(callout.pk)
        seat = Seat(callout=callout, held=held[callout.community_id])
        out.append(detail_of(seat, signup, positions.get(signup.pk) if signup else None))
    return out


def _positions(waiting: list[SignUp]) -> dict[int, int]:
    """Waiting-list positions of sign-ups of several call-outs (one query)."""
    if not waiting:
        return {}
    seqs: dict[int, list[int]] = defaultdict(list)
    rows = SignUp.objects.filter(
        callout_id__in={s.callout_id for s in waiting}, status=SignUp.Status.WAITING
    ).values_list("callout_id", "seq")
    for callout_id, seq in rows:
        seqs[callout_id].append(seq)
    return {
        signup.pk: 1 + sum(seq < signup.seq for seq in seqs[signup.callout_id])
        for signup in waiting
    }


def unseen_for(user: User) -> list[dict[str, Any]]:
    """Upcoming call-outs of my audiences that I have not seen, signed up to or organised."""
    reach = Reach.of(user)
    communities = list(Place.objects.filter(pk__in=reach.communities()))
    seen = CalloutSeen.objects.filter(callout=OuterRef("pk"), user=user)
    signed = SignUp.objects.filter(callout=OuterRef("pk"), user=user)
    queryset = (
        with_counts(
            Callout.objects.filter(
                _visible(reach, communities, in_audience),
                status=Callout.Status.OPEN,
                starts_at__gt=timezone.now(),
            )
        )
        .exclude(organiser=user)
        .exclude(Exists(seen))
        .exclude(Exists(signed))
        .order_by("starts_at", "id")
    )
    return [callout_shape(callout) for callout in queryset[:LIST_MAX]]


def roster(user: User, callout_id: int) -> dict[str, Any]:
    """The roster of a call-out ``user`` organises (see ``callout_organised``)."""
    seat = callout_organised(user, callout_id)
    return {"callout": callout_shape(seat.callout), "signups": roster_of(seat.callout)}


def roster_of(callout: Callout) -> list[dict[str, Any]]:
    """Every sign-up: confirmed by sign-up order, then the waiting list, then cancelled."""
    signups = list(SignUp.objects.filter(callout=callout).select_related("user").order_by("seq"))
    rank = {SignUp.Status.CONFIRMED: 0, SignUp.Status.WAITING: 1, SignUp.Status.CANCELLED: 2}
    signups.sort(key=lambda s: (rank[SignUp.Status(s.status)], s.seq))
    entries, position = [], 0
    for signup in signups:
        if signup.status == SignUp.Status.WAITING:
            position += 1
        entries.append(
            roster_entry(signup, position if signup.status == SignUp.Status.WAITING else None)
        )
    return entries


def history_of(user: User) -> dict[str, Any]:
    """My sign-ups that were not cancelled, latest first, with my total of check-ins."""
    signups = list(
        SignUp.objects.filter(user=user)
        .exclude(status=SignUp.Status.CANCELLED)
        .order_by("-callout__starts_at", "-id")[:500]
    )
    callouts = {
        callout.pk: callout
        for callout in with_counts(Callout.objects.filter(pk__in=[s.callout_id for s in signups]))
    }
    done = [s for s in signups if s.checked_in_at is not None]
    return {
        "total_minutes": sum(s.minutes or 0 for s in done),
        "callouts": len(done),
        "entries": [
            {
                "callout": callout_shape(callouts[s.callout_id]),
                "status": s.status,
                "checked_in_at": s.checked_in_at.isoformat() if s.checked_in_at else None,
                "minutes": s.minutes,
            }
            for s in signups
        ],
    }


def community_hours(user: User, community_id: int) -> list[dict[str, Any]]:
    """Checked-in volunteers of a community's call-outs, most minutes first (the branch)."""
    branch = branch_for(user, community_id)
    if not branch.branch:
        raise Forbidden(_("Only the party branch sees the volunteers' hours."))
    rows = list(
        SignUp.objects.filter(callout__community=branch.community, checked_in_at__isnull=False)
        .values("user")
        .annotate(callouts=Count("pk"), total=Sum("minutes"))
        .order_by("-total", "user")
    )
    people = User.objects.in_bulk([row["user"] for row in rows])
    return [
        {
            "user": person_out(people[row["user"]]),
            "callouts": row["callouts"],
            "total_minutes": row["total"] or 0,
        }
        for row in rows
    ]
