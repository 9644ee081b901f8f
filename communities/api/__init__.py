"""HTTP API for accounts, joining and the review queue: thin, it calls services.

One ``router`` (``common``) that every endpoint registers on: ``accounts``, ``joining``,
``review`` (the review queue) and ``estates`` (estates and their join codes); their shapes
are in ``schemas``. Other apps' endpoints use ``LOGGED_IN`` and ``current_user`` from here.

Each endpoint names its ``operation_id``: the one ninja derived from the module path when
they were all in ``communities/api.py``, so the OpenAPI document, and clients generated
from it, keep their names.
"""

from .common import LOGGED_IN, current_user, router

# Importing the endpoint modules registers their endpoints on ``router``, in this order:
# the order of the paths in the OpenAPI document.
# isort: off
from . import accounts, joining, review, estates  # noqa: F401
# isort: on

__all__ = ["LOGGED_IN", "current_user", "router"]
