"""Every "who may do what" rule, one module per resource, in one vocabulary.

    places         the place tree: Action, RULES (the holders of each action), standing,
                   can at a place, places_where
    reach          Standing and Reach: one person's memberships and roles, loaded once
    conversations  estate groups, topic groups, knocks and letters
    boards         the boards and their posts
    volunteering   the party branch and its call-outs
    moderation     mutes and suspensions, who oversees a community, the word filter
    gatekeeping    items only the party secretary (or a delegate) decides

Every rule starts from a person's standing: the holders (resident, committee member,
party member, supervisor …) they count as at a place. ``can(user, verb, target)`` asks
any of them; each verb is named once, with the resource it applies to, and
docs/permissions.md is generated from them (``manage.py permissions_table``).
"""

from .places import (
    ACTION_LABELS,
    HOLDERS,
    RESIDENT,
    RULES,
    Action,
    can,
    community_of,
    places_where,
    standing,
)

__all__ = [
    "ACTION_LABELS",
    "HOLDERS",
    "RESIDENT",
    "RULES",
    "Action",
    "can",
    "community_of",
    "places_where",
    "standing",
]
