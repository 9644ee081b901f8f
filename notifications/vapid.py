"""This server's VAPID key pair (RFC 8292): push services take our pushes only when they
are signed with the key the browser subscribed with.

Production sets ``VAPID_PRIVATE_KEY`` (the PEM, or its base64url DER); otherwise the keys
live in ``VAPID_KEY_FILE`` (``var/vapid.pem`` by default), which ``manage.py vapid_keys``
writes on a first ``make run``. Changing the key makes every device subscribe again.
"""

from __future__ import annotations

import base64
import functools
import time
from pathlib import Path
from urllib.parse import urlparse

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid02

# A signed header is good for 12 hours at most (RFC 8292); sign again well before.
HEADER_LIFETIME = 12 * 60 * 60
REUSE_FOR = 60 * 60


def key_file() -> Path:
    return Path(settings.VAPID_KEY_FILE)


def generate(path: Path) -> bool:
    """Write a new private key to ``path`` unless one is there; whether it wrote one."""
    if path.exists():
        return False
    vapid = Vapid02()
    vapid.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(vapid.private_pem())
    path.chmod(0o600)
    return True


@functools.cache
def _vapid() -> Vapid02:
    configured = settings.VAPID_PRIVATE_KEY
    if configured:
        return Vapid02.from_string(private_key=configured)
    path = key_file()
    if not path.exists():
        raise ImproperlyConfigured(
            f"No VAPID key: set VAPID_PRIVATE_KEY or run `manage.py vapid_keys` ({path})."
        )
    return Vapid02.from_file(private_key_file=str(path))


def public_key() -> str:
    """The application server key browsers subscribe with (uncompressed point, base64url)."""
    raw = _vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


_signed: dict[str, tuple[float, dict[str, str]]] = {}


def headers_for(endpoint: str) -> dict[str, str]:
    """The VAPID Authorization header for a push service (by origin), reused for an hour:
    a storm of pushes to one push service signs once."""
    url = urlparse(endpoint)
    audience = f"{url.scheme}://{url.netloc}"
    now = time.time()
    cached = _signed.get(audience)
    if cached is not None and cached[0] > now:
        return cached[1]
    claims = {"sub": settings.VAPID_SUBJECT, "aud": audience, "exp": int(now) + HEADER_LIFETIME}
    signed = {k: str(v) for k, v in _vapid().sign(claims).items()}
    _signed[audience] = (now + REUSE_FOR, signed)
    return signed
