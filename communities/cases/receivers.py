"""Signal receivers of the cases app, connected in ``CasesConfig.ready``."""

from __future__ import annotations

from typing import Any

from communities.models import Place

from .defaults import place_defaults


def place_created(sender: type[Place], instance: Place, created: bool, **kwargs: Any) -> None:
    """A new district gets the default categories, a new street/town/park its case desk."""
    if created and not kwargs.get("raw"):
        place_defaults(instance)
