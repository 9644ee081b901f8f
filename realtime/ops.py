"""What the domain apps plug into the socket, registered from their ``AppConfig.ready``.

- ``op(name)``: the handler of a client frame's ``op`` (chat registers ``send``, presence
  ``presence`` …). A handler gets the consumer and the decoded frame and returns the reply
  frame (or None); a ``Refusal`` it raises becomes an ``error`` frame.
- ``follow_with(loader)``: what a user's socket follows, worked out in one trip to the
  database thread at connect (and again on the events named by ``resubscribe_on``).
- ``on_open`` / ``on_close``: hooks run when a socket is set up (with what it follows) and
  when it closes; the socket itself keeps only its group names.
- ``not_echoed(type)``: ephemeral frames a socket does not get back from itself (typing).

The transport asks nothing else of a domain, so it imports none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .consumer import SocketConsumer


class Following(Protocol):
    """What one socket follows: the group names besides the user's own."""

    @property
    def groups(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class NothingMore:
    """What a socket follows when no domain says more: the user's own group only."""

    groups: frozenset[str] = field(default_factory=frozenset)


Frame = dict[str, Any]
Handler = Callable[["SocketConsumer", Frame], Awaitable[Frame | None]]
# Run when a socket is set up, with what it follows (the loader's answer: the socket keeps
# only its group names, so a hook keeps whatever else of it it needs).
OpenHook = Callable[["SocketConsumer", Any], Awaitable[None]]
Hook = Callable[["SocketConsumer"], Awaitable[None]]
Loader = Callable[[Any], Following]

HANDLERS: dict[str, Handler] = {}
# Event types on a user's own stream after which their sockets work out their groups again.
RESUBSCRIBE_ON: set[str] = set()
NOT_ECHOED: set[str] = set()
OPEN_HOOKS: list[OpenHook] = []
CLOSE_HOOKS: list[Hook] = []
_loader: list[Loader] = []


def op(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        current = HANDLERS.get(name)
        if current is not None and current is not handler:
            raise ValueError(f'op "{name}" is registered twice')
        HANDLERS[name] = handler
        return handler

    return register


def resubscribe_on(*types: str) -> None:
    RESUBSCRIBE_ON.update(types)


def not_echoed(*types: str) -> None:
    NOT_ECHOED.update(types)


def on_open(hook: OpenHook) -> OpenHook:
    if hook not in OPEN_HOOKS:
        OPEN_HOOKS.append(hook)
    return hook


def on_close(hook: Hook) -> Hook:
    if hook not in CLOSE_HOOKS:
        CLOSE_HOOKS.append(hook)
    return hook


def follow_with(loader: Loader) -> None:
    """Name the one function that says what a user's socket follows."""
    if _loader and _loader[0] is not loader:
        raise ValueError("what a socket follows is already worked out elsewhere")
    _loader[:] = [loader]


def following_of(user: Any) -> Following:
    """What ``user``'s socket follows now (synchronous: call it on the database thread)."""
    return _loader[0](user) if _loader else NothingMore()
