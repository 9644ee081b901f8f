"""Fixed-window counters in the shared cache (Redis in production)."""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache

from realtime.protocol import parse_rate

from .errors import Throttled

logger = logging.getLogger("shequtong.throttle")


def _key(scope: str, ident: str, window: int) -> tuple[str, int]:
    now = int(time.time())
    bucket = now // window
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{bucket}", window - now % window


def hit(scope: str, ident: str, rate: str) -> None:
    """Count one attempt; raise Throttled once the window's limit is passed.

    If the cache (Redis) is unreachable the attempt is let through: Redis only carries,
    and an outage of it must not stop neighbours from talking or logging in.
    """
    limit, window = parse_rate(rate)
    key, remaining = _key(scope, ident, window)
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:
        logger.warning("throttle %s skipped: cache unreachable", scope, exc_info=True)
        return
    if count > limit:
        raise Throttled(retry_after=remaining)


def check(scope: str, ident: str, rate: str) -> None:
    """Raise Throttled if the limit is already reached, without counting."""
    limit, window = parse_rate(rate)
    key, remaining = _key(scope, ident, window)
    try:
        count = cache.get(key) or 0
    except Exception:
        logger.warning("throttle %s skipped: cache unreachable", scope, exc_info=True)
        return
    if count >= limit:
        raise Throttled(retry_after=remaining)


def reset(scope: str, ident: str, rate: str) -> None:
    _, window = parse_rate(rate)
    key, _ = _key(scope, ident, window)
    try:
        cache.delete(key)
    except Exception:
        logger.warning("throttle %s not reset: cache unreachable", scope, exc_info=True)
