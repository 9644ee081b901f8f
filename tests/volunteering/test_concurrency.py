"""Many sign-ups and cancellations at the same moment: never more confirmed than the
capacity, one unbroken waiting list, promotions in sign-up order.

On PostgreSQL (CI) every sign-up runs in its own thread with its own connection, all
released at once by a barrier, so they really race for the call-out's row lock. SQLite
lets one writer in at a time whatever the code does, so there the same steps run one
after another (the smaller, serial variant).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from django.db import connection, connections

from communities.models import User
from communities.volunteering import services
from communities.volunteering.models import Callout, SignUp
from communities.volunteering.selectors import counts, waiting_position
from tests.conftest import World, make_member, make_user, running_on_services
from tests.volunteering.conftest import make_callout

pytestmark = [pytest.mark.usefixtures("close_connections")]

T = TypeVar("T")
CAPACITY = 5
PEOPLE = 16


def at_once(people: list[User], act: Callable[[User], T]) -> list[T]:
    """``act`` for each person: concurrently on PostgreSQL, one by one on SQLite."""
    if connection.vendor != "postgresql":
        return [act(person) for person in people]
    barrier = threading.Barrier(len(people))

    def one(person: User) -> T:
        try:
            barrier.wait(timeout=30)
            return act(person)
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        return list(pool.map(one, people))


def waiting_list(callout: Callout) -> list[tuple[int, int | None]]:
    """(user id, position) of everyone waiting, in sign-up order."""
    waiting = SignUp.objects.filter(callout=callout, status=SignUp.Status.WAITING).order_by("seq")
    return [(s.user_id, waiting_position(s)) for s in waiting]


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_pass_the_capacity_and_promote_in_order(
    world: World,
) -> None:
    if running_on_services():
        assert connection.vendor == "postgresql"  # CI: the real race, not the serial variant
    people = []
    for i in range(PEOPLE):
        person = make_user(f"volunteer_{i}")
        make_member(person, world.meiluo_1)
        people.append(person)
    callout = make_callout(world, audience="residents", capacity=CAPACITY)

    results = at_once(
        people, lambda person: services.signup_create(user=person, callout_id=callout.pk)
    )

    assert all(created for _signup, created in results)
    assert counts(callout.pk) == (CAPACITY, PEOPLE - CAPACITY)
    assert SignUp.objects.filter(callout=callout).count() == PEOPLE
    seqs = sorted(SignUp.objects.filter(callout=callout).values_list("seq", flat=True))
    assert seqs == list(range(1, PEOPLE + 1))  # every sign-up took its own number
    queue = waiting_list(callout)
    assert [position for _user, position in queue] == list(range(1, PEOPLE - CAPACITY + 1))
    callout.refresh_from_db()
    assert callout.last_seq == PEOPLE

    # Three confirmed volunteers cancel at once: the first three waiting move in, in order.
    confirmed = list(
        SignUp.objects.filter(callout=callout, status=SignUp.Status.CONFIRMED).select_related(
            "user"
        )
    )
    leaving = [signup.user for signup in confirmed[:3]]
    at_once(leaving, lambda person: services.signup_cancel(user=person, callout_id=callout.pk))

    assert counts(callout.pk) == (CAPACITY, PEOPLE - CAPACITY - 3)
    now_confirmed = set(
        SignUp.objects.filter(callout=callout, status=SignUp.Status.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    promoted = {user for user, _position in queue[:3]}
    assert promoted <= now_confirmed
    assert waiting_list(callout) == [
        (user, position) for position, (user, _old) in enumerate(queue[3:], start=1)
    ]
