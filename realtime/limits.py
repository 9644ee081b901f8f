"""How fast a client may send frames: token buckets per connection and per person.

``CHAT_FRAME_RATE`` ("count/seconds", default 30/5) is read as a token bucket: a connection
holds up to ``count`` frames' worth of tokens and earns ``count / seconds`` a second. A page
coming up sends a burst (``presence`` for each conversation on screen, a ``resume``), then a
person types, sends and marks read at well under one frame a second: 30 at once and 6 a
second after that leaves the app room and stops a script. Every connection of one person in
this process also draws on a shared bucket USER_FACTOR times as large, so opening more sockets
does not multiply what one person may send (three busy tabs are fine; thirty are not).

A frame over either limit is refused with ``rate_limited`` (and ``retry_after_ms``) and not
run. A connection refused again and again — no pause of a second between refusals for
ABUSE_SECONDS — is closed with CLOSE_FLOODING: a client that honours ``retry_after_ms``
never gets there.
"""

from __future__ import annotations

import math
import time
import weakref

from django.conf import settings

from .protocol import parse_rate

USER_FACTOR = 3  # a person's sockets in one process share this many connections' worth
ABUSE_SECONDS = 10.0  # refused without a pause this long: the connection is closed
PAUSE_SECONDS = 1.0  # a pause this long between refusals starts the count again


class Bucket:
    """Tokens earned at ``rate`` a second up to ``capacity``; a frame spends one."""

    __slots__ = ("capacity", "rate", "tokens", "stamp", "__weakref__")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.stamp = now

    def fill(self, now: float) -> float:
        tokens = self.tokens + (now - self.stamp) * self.rate
        self.tokens = tokens = tokens if tokens < self.capacity else self.capacity
        self.stamp = now
        return tokens

    def wait_ms(self) -> int:
        """Milliseconds until one token is there again (after ``fill``)."""
        return max(1, math.ceil((1.0 - self.tokens) / self.rate * 1000))


_people: weakref.WeakValueDictionary[int, Bucket] = weakref.WeakValueDictionary()


class FrameLimit:
    """One connection's limit, holding its person's shared bucket (which lives as long as
    one of their connections in this process does)."""

    __slots__ = ("own", "person", "refused_since", "last_refused")

    def __init__(self, user_id: int) -> None:
        count, seconds = parse_rate(settings.CHAT_FRAME_RATE)
        now = time.monotonic()
        rate = count / seconds
        self.own = Bucket(count, rate, now)
        person = _people.get(user_id)
        if person is None or person.rate != rate * USER_FACTOR:  # the setting changed
            person = _people[user_id] = Bucket(count * USER_FACTOR, rate * USER_FACTOR, now)
        self.person = person
        self.refused_since = 0.0
        self.last_refused = -math.inf

    def take(self) -> int:
        """Spend a token of both buckets: 0, or the milliseconds to wait when refused."""
        now = time.monotonic()
        own, person = self.own, self.person
        mine, shared = own.fill(now), person.fill(now)
        if mine >= 1.0 and shared >= 1.0:
            own.tokens = mine - 1.0
            person.tokens = shared - 1.0
            return 0
        if now - self.last_refused >= PAUSE_SECONDS:
            self.refused_since = now
        self.last_refused = now
        return max(bucket.wait_ms() for bucket in (own, person) if bucket.tokens < 1.0)

    def abusive(self) -> bool:
        """Refused without a pause for ABUSE_SECONDS (call right after a refusal)."""
        return self.last_refused - self.refused_since >= ABUSE_SECONDS
