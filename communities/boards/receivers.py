"""Signal receivers of the boards app, connected in ``BoardsConfig.ready``."""

from __future__ import annotations

from typing import Any

from communities.models import Place

from .services.boards import boards_ensure


def place_created(sender: type[Place], instance: Place, created: bool, **kwargs: Any) -> None:
    """A new district, community or estate gets its boards at once, so reading a place's
    boards never has to make them."""
    if created and not kwargs.get("raw"):
        boards_ensure([instance])
