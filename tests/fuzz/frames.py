"""Hypothesis strategies for client frames of /ws/: well-formed ops with hostile field
values, and mutated encodings of valid frames (both subprotocols)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgpack
from hypothesis import strategies as st

# Each op and the fields docs/protocol.md gives it.
OP_FIELDS: dict[str, tuple[str, ...]] = {
    "ping": (),
    "resume": ("after",),
    "conversations": (),
    "send": ("conversation", "body", "client_id", "reply_to", "mentions", "attachments"),
    "edit": ("message", "body"),
    "delete": ("message",),
    "like": ("message", "liked"),
    "read": ("conversation", "up_to"),
    "history": ("conversation", "before", "limit"),
    "search": ("conversation", "q"),
    "typing": ("conversation",),
    "knock": ("user",),
    "presence": ("conversation",),
    "last_seen": ("user",),
    "visibility": ("visible",),
}

INT64 = 2**63
# Integers a database column cannot hold, and the edges it can.
HOSTILE_INTS = (0, -1, 2**31, 2**31 - 1, INT64 - 1, INT64, -INT64, -INT64 - 1, 2**64 - 1, 10**30)


def text_values(max_size: int = 80) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=max_size),
        st.sampled_from(["", " ", "\x00", "a\x00b", "楼下的快递柜坏了", "\u202e", "🏠" * 30, "@"]),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=max_size),
    )


def values(ids: st.SearchStrategy[int], *, wide_ints: bool) -> st.SearchStrategy[Any]:
    """Any value a field might get: a real id, a hostile integer, or anything else."""
    bound = 10**30 if wide_ints else 2**63 - 1
    hostile = st.sampled_from([n for n in HOSTILE_INTS if -INT64 <= n < 2**64 or wide_ints])
    scalars = st.one_of(
        ids,
        ids,
        hostile,
        st.integers(min_value=-bound, max_value=bound),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False, allow_infinity=False),
        text_values(),
    )
    return st.one_of(
        scalars,
        scalars,
        st.lists(scalars, max_size=12),
        st.dictionaries(st.text(max_size=8), scalars, max_size=4),
    )


@dataclass(frozen=True)
class Ids:
    """Ids that exist in the fuzzers' world (or nearly: a few past the newest)."""

    conversations: tuple[int, ...]
    people: tuple[int, ...]
    first_message: int  # messages are drawn from here to a few dozen past it
    first_event: int
    notable_messages: tuple[int, ...] = ()  # e.g. one a moderator hid, someone else's

    def conversation(self) -> st.SearchStrategy[int]:
        return st.one_of(st.sampled_from(self.conversations), st.integers(0, 3))

    def message(self) -> st.SearchStrategy[int]:
        near = st.integers(self.first_message - 2, self.first_message + 40)
        if not self.notable_messages:
            return near
        return st.one_of(near, st.sampled_from(self.notable_messages))

    def person(self) -> st.SearchStrategy[int]:
        return st.sampled_from(self.people)

    def any(self) -> st.SearchStrategy[int]:
        return st.one_of(self.conversation(), self.message(), self.person())


def well_typed(ids: Ids) -> dict[str, st.SearchStrategy[Any]]:
    """Each field with a value of the type the protocol wants (often one that works)."""
    return {
        "conversation": ids.conversation(),
        "body": st.one_of(st.text(min_size=1, max_size=60), text_values(max_size=2100)),
        "client_id": st.one_of(st.text(min_size=1, max_size=64), st.text(max_size=70)),
        "reply_to": ids.message(),
        "mentions": st.lists(ids.person(), max_size=4),
        "attachments": st.lists(ids.message(), max_size=2),
        "message": ids.message(),
        "liked": st.booleans(),
        "up_to": ids.message(),
        "before": ids.message(),
        "limit": st.integers(-5, 200),
        "q": text_values(),
        "user": ids.person(),
        "visible": st.booleans(),
        "after": st.integers(max(0, ids.first_event - 60), ids.first_event + 200),
    }


@st.composite
def op_frames(draw: st.DrawFn, ids: Ids, wide_ints: bool) -> dict[str, Any]:
    """A frame of a known op (now and then an unknown one) whose fields are mostly of the
    right type, else anything: wrong types, missing, huge, empty, unicode."""
    op = draw(st.one_of(st.sampled_from(sorted(OP_FIELDS)), st.text(max_size=12)))
    good = well_typed(ids)
    anything = values(ids.any(), wide_ints=wide_ints)
    frame: dict[str, Any] = {"op": op}
    for name in OP_FIELDS.get(op, ()):
        roll = draw(st.integers(0, 9))
        if roll == 0:
            continue  # missing
        frame[name] = draw(anything if roll == 1 else good[name])
    if draw(st.booleans()):
        frame["ref"] = draw(st.one_of(st.integers(0, 1000), st.text(max_size=8), anything))
    if draw(st.integers(0, 6)) == 0:
        frame[draw(st.text(max_size=8))] = draw(anything)  # unknown keys are ignored
    return frame


def encode(frame: Any, binary: bool) -> bytes:
    if binary:
        return bytes(msgpack.packb(frame, use_bin_type=True))
    return json.dumps(frame, ensure_ascii=False).encode()


@st.composite
def mutated(draw: st.DrawFn, raw: bytes) -> bytes:
    """``raw`` with bytes flipped, cut, inserted or removed."""
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
        if not data:
            data.extend(draw(st.binary(min_size=1, max_size=4)))
            continue
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at : at + draw(st.integers(1, 8))]
    return bytes(data)


# A frame as the socket gets it: (text, bytes) — one of the two is None.
Wire = tuple[str | None, bytes | None]


@st.composite
def wire_frames(draw: st.DrawFn, ids: Ids, binary: bool) -> Wire:
    """What one client frame might be on a connection of the given subprotocol."""
    frame = draw(op_frames(ids, wide_ints=not binary))
    raw = encode(frame, binary)
    kind = draw(
        st.sampled_from(["valid"] * 6 + ["mutated", "mutated", "other_kind", "not_object", "big"])
    )
    if kind == "mutated":
        raw = draw(mutated(raw))
    elif kind == "not_object":
        raw = encode(
            draw(
                st.one_of(
                    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=3),
                    st.text(),
                    st.none(),
                    st.integers(-(2**63), 2**63 - 1),
                    st.fixed_dictionaries(
                        {
                            "op": st.one_of(
                                st.integers(-(2**63), 2**63 - 1),
                                st.none(),
                                st.lists(st.text(max_size=3), max_size=2),
                            )
                        }
                    ),
                )
            ),
            binary,
        )
    elif kind == "big":  # past limits.frame_bytes: refused unread
        raw = encode({**frame, "pad": "x" * draw(st.integers(16 * 1024, 20 * 1024))}, binary)
    # An empty frame is legal WebSocket, but the test communicator cannot send one.
    raw = raw or b"\x00"
    if kind == "other_kind":  # the other subprotocol's kind of frame
        return (raw.decode("utf-8", "replace"), None) if binary else (None, raw)
    if binary:
        return None, raw
    return raw.decode("utf-8", "replace"), None
