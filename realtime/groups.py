"""The name of every channel-layer group, in one place.

Names are built from database ids only, never from user input.
"""


def user_group(user_id: int) -> str:
    """One person's private stream: direct messages, letters, decisions about them."""
    return f"user.{int(user_id)}"


def conversation_group(conversation_id: int) -> str:
    """Everyone following one conversation (an estate group, a topic group, a knock)."""
    return f"conv.{int(conversation_id)}"


def conversation_ids(groups: set[str] | frozenset[str]) -> set[int]:
    """The conversations among a socket's groups (the ``conversation_group`` names)."""
    return {int(name[5:]) for name in groups if name.startswith("conv.")}


def community_feed(community_id: int) -> str:
    """Everything every member of a community may see."""
    return f"community.{int(community_id)}"


def community_staff_feed(community_id: int) -> str:
    """What the committee of a community works on: join applications, reports, cases."""
    return f"staff.{int(community_id)}"


def district_feed(district_id: int) -> str:
    """Everything everyone in a district may see (i-District news)."""
    return f"district.{int(district_id)}"


def estate_feed(estate_id: int) -> str:
    """What only the residents of one estate see (property window news)."""
    return f"estate.{int(estate_id)}"


def away_feed(community_id: int) -> str:
    """What villagers living elsewhere still follow: notices and the hometown board."""
    return f"away.{int(community_id)}"


def observe_feed(place_id: int) -> str:
    """What supervisors of a street or district follow from every community below it."""
    return f"observe.{int(place_id)}"


def party_feed(community_id: int) -> str:
    """The party branch of a community: its party members and secretary (call-outs for party
    members, service projects)."""
    return f"party.{int(community_id)}"


def kind_and_id(group: str) -> tuple[str, int]:
    """A group name taken apart again: ``"party.12"`` → ``("party", 12)`` (the names above
    are all ``<kind>.<id>``; anything else is ``("", 0)``)."""
    kind, _, rest = group.partition(".")
    return (kind, int(rest)) if rest.isdigit() else ("", 0)
