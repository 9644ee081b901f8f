"""Every "who may do what" rule, one module per resource, in one vocabulary.

    places         the place tree: Action, RULES (the holders of each action), standing,
                   places_where
    reach          Standing and Reach: one person's memberships and roles, loaded once
    conversations  estate groups, topic groups, knocks and letters
    boards         the boards and their posts
    volunteering   the party branch and its call-outs
    cases          things nearby: who sees, handles, routes, urges and rates a case
    moderation     mutes and suspensions, who oversees a community
    words          the word filter
    gatekeeping    items only the party secretary (or a delegate) decides

Every rule starts from a person's standing: the holders (resident, committee member,
party member, supervisor …) they count as at a place. ``can(user, verb, target)`` asks any
of them: a place-level ``Action`` at a place, or one of the ``VERBS`` the resource modules
name (each once, with the resource it applies to). docs/permissions.md is generated from
both (``manage.py permissions_table``). Services and selectors ask the resource modules'
access objects directly where they need several answers at once (``board_access``,
``access_to``, ``Branch``); ``can`` gives the same answers, one at a time.
"""

from typing import Any

from . import boards, cases, conversations, gatekeeping, moderation, volunteering
from .places import (
    ACTION_LABELS,
    HOLDERS,
    RESIDENT,
    RULES,
    Action,
    Verb,
    community_of,
    places_where,
    standing,
)
from .places import can as can_at_place

# Every verb besides the place-level actions, in the order docs/permissions.md lists them.
VERBS: dict[str, Verb] = {
    verb.name: verb
    for module in (conversations, boards, volunteering, cases, moderation, gatekeeping)
    for verb in module.VERBS
}


def can(user: Any, verb: str, target: Any) -> bool:
    """Whether ``user`` may ``verb`` ``target``: an ``Action`` at a place, or one of
    ``VERBS`` on its resource (a board, a post, a conversation, a community …)."""
    if verb in Action.__members__.values():
        return can_at_place(user, Action(verb), target)
    rule = VERBS.get(verb)
    if rule is None:
        raise ValueError(f"no rule says who may {verb!r}")
    return rule.check(user, target)


__all__ = [
    "ACTION_LABELS",
    "HOLDERS",
    "RESIDENT",
    "RULES",
    "VERBS",
    "Action",
    "Verb",
    "can",
    "can_at_place",
    "community_of",
    "places_where",
    "standing",
]
