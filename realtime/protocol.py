"""The wire protocol of /ws/: subprotocols, frame codecs, close and error codes.

docs/protocol.md specifies every frame; the constants here are the ones it names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgpack

JSON_SUBPROTOCOL = "shequtong.v1.json"
MSGPACK_SUBPROTOCOL = "shequtong.v1.msgpack"

# Close codes (4000–4999 are the application's).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_SLOW_READER = 4408  # the outbound buffer filled: reconnect and resume
CLOSE_FLOODING = 4429  # refused for sending too fast, again and again (realtime/limits.py)
CLOSE_SHUTDOWN = 1012  # server restarting: reconnect and resume


class Refusal(Exception):
    """An op's answer "no", with a machine-readable ``code`` and a message for people.

    The consumer turns it into an ``error`` frame. The services of the domain apps refuse
    with their own subclasses (``communities.errors.ServiceError``), so the transport can
    answer them without knowing any domain.
    """

    code: str = "invalid"
    message: str = ""


class ProtocolError(Refusal):
    """A frame the protocol itself refuses (cannot decode, bad field, unknown op)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.message = detail

    @property
    def detail(self) -> str:
        return self.message


@dataclass(frozen=True)
class Codec:
    subprotocol: str | None
    binary: bool

    def encode(self, frame: dict[str, Any]) -> bytes | str:
        if self.binary:
            return bytes(msgpack.packb(frame, use_bin_type=True))
        return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))

    def decode(self, text: str | None, data: bytes | None) -> dict[str, Any]:
        try:
            if self.binary:
                if data is None:
                    raise ProtocolError("bad_frame", "msgpack connections send binary frames")
                frame = msgpack.unpackb(data, raw=False, strict_map_key=True)
            else:
                if text is None:
                    raise ProtocolError("bad_frame", "JSON connections send text frames")
                frame = json.loads(text)
        except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as exc:
            raise ProtocolError("bad_frame", f"cannot decode the frame: {exc}") from None
        except RecursionError:
            # JSON nested thousands deep fits in a frame; msgpack refuses it as StackError.
            raise ProtocolError("bad_frame", "cannot decode the frame: nested too deep") from None
        if not isinstance(frame, dict) or not isinstance(frame.get("op"), str):
            raise ProtocolError("bad_frame", 'a frame is an object with a string "op"')
        return frame


JSON = Codec(subprotocol=JSON_SUBPROTOCOL, binary=False)
MSGPACK = Codec(subprotocol=MSGPACK_SUBPROTOCOL, binary=True)
PLAIN_JSON = Codec(subprotocol=None, binary=False)


def pick_codec(offered: list[str]) -> Codec:
    """The client's first supported subprotocol; plain JSON when it offered none."""
    for name in offered:
        if name == MSGPACK_SUBPROTOCOL:
            return MSGPACK
        if name == JSON_SUBPROTOCOL:
            return JSON
    return PLAIN_JSON


def field(frame: dict[str, Any], name: str, kind: type, *, required: bool = True) -> Any:
    """Read one field of a client frame, or raise ProtocolError("bad_field")."""
    value = frame.get(name)
    if value is None and not required:
        return None
    if kind is int and isinstance(value, bool):
        value = None
    if not isinstance(value, kind):
        raise ProtocolError("bad_field", f'"{name}" must be a {kind.__name__}')
    return value


def parse_rate(rate: str) -> tuple[int, int]:
    """'5/300' → (5 attempts, 300 seconds)."""
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds)


def error_frame(code: str, detail: str, ref: Any = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": code, "detail": detail}
    if ref is not None:
        frame["ref"] = ref
    return frame
