"""A Web Push service on loopback, for tests and the push benchmark.

It speaks what a browser's push service speaks to an application server (RFC 8030): it
takes a POST to a subscription's endpoint, checks the VAPID signature (RFC 8292: an ES256
JWT for this service's origin, not expired, signed by the key in ``k=``), decrypts the
aes128gcm body (RFC 8291) with the subscription's private key and auth secret — the
browser's side, done here with http_ece — and records what arrived. A subscription can be
told to answer with another status (410: gone; 500: try again later).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """One browser's subscription: its keys, and what reached it."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to answer next, in order
    refused: list[str] = field(default_factory=list)  # why requests were turned away

    def keys(self) -> dict[str, str]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64(public), "auth": b64(self.auth)}


_verified: dict[str, dict[str, Any]] = {}  # a signed header once checked, by its text


def _check_vapid(authorization: str, origin: str) -> str:
    """Why the VAPID header is not good, or "". A header is signed once and reused for many
    pushes (as real push services see it), so its signature is checked once."""
    body = _verified.get(authorization)
    if body is None:
        why, body = _verify(authorization)
        if why:
            return why
        _verified[authorization] = body
    if body.get("aud") != origin:
        return f"aud {body.get('aud')!r} is not {origin!r}"
    if int(body.get("exp", 0)) <= time.time():
        return "expired"
    if not str(body.get("sub", "")).startswith(("mailto:", "https:")):
        return "no contact in sub"
    return ""


def _verify(authorization: str) -> tuple[str, dict[str, Any]]:
    """The claims of a VAPID header whose ES256 signature holds, or why not."""
    if not authorization.startswith("vapid "):
        return "no vapid authorization", {}
    parts = dict(item.strip().split("=", 1) for item in authorization[len("vapid ") :].split(","))
    token, key = parts.get("t", ""), parts.get("k", "")
    try:
        header, claims, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
        raw = unb64(signature)
        der = utils.encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        )
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        return "", dict(json.loads(unb64(claims)))
    except (ValueError, InvalidSignature) as exc:
        return f"bad vapid signature: {exc!r}", {}


class _Server(ThreadingHTTPServer):
    # The sender opens PUSH_CONCURRENCY connections at once: with the default backlog of 5
    # the rest would be dropped and retried by TCP a second later.
    request_queue_size = 256
    daemon_threads = True


class PushService:
    """Start with ``with PushService() as service:``; ``service.device()`` makes a
    subscription the app can store."""

    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            # Connections kept open between pushes, as a real push service's are.
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                service.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def device(self) -> Device:
        device = Device(
            token=b64(os.urandom(12)),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
        )
        with self.lock:
            self.devices[device.token] = device
        return device

    def endpoint(self, device: Device) -> str:
        return f"{self.origin}/push/{device.token}"

    def subscription(self, device: Device) -> dict[str, Any]:
        """As the browser's PushSubscription.toJSON() gives it."""
        return {"endpoint": self.endpoint(device), "keys": device.keys()}

    def all_received(self) -> list[dict[str, Any]]:
        with self.lock:
            return [push for device in self.devices.values() for push in device.received]

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        token = request.path.rsplit("/", 1)[-1]
        length = int(request.headers.get("Content-Length", "0"))
        body = request.rfile.read(length)
        with self.lock:
            device = self.devices.get(token)
        if device is None:
            return self._answer(request, 404)
        why = _check_vapid(request.headers.get("Authorization", ""), self.origin)
        if not why and request.headers.get("Content-Encoding") != "aes128gcm":
            why = "not aes128gcm"
        if not why and not request.headers.get("TTL"):
            why = "no TTL"
        if why:
            with self.lock:
                device.refused.append(why)
            return self._answer(request, 401)
        with self.lock:
            status = device.answers.pop(0) if device.answers else 201
        if status == 201:
            plain = http_ece.decrypt(
                body, private_key=device.private_key, auth_secret=device.auth, version="aes128gcm"
            )
            with self.lock:
                device.received.append(json.loads(plain))
        return self._answer(request, status)

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int) -> None:
        request.send_response(status)
        request.send_header("Content-Length", "0")
        request.end_headers()
