"""HTTP API of party building (/api/party/…) and volunteering (/api/volunteer/…): thin, each
endpoint calls one service or selector and shapes the answer with ``shapes.py`` (the same
shapes the live frames carry). The contract is docs/volunteering.md.

``party``: ``party_router``; ``volunteer``: ``volunteer_router``; ``schemas``: the request
and response shapes. Each endpoint names its ``operation_id``: the one ninja derived from
the module path when they were all in ``communities/volunteering/api.py``, so the OpenAPI
document, and clients generated from it, keep their names.
"""

from .party import party_router
from .volunteer import volunteer_router

__all__ = ["party_router", "volunteer_router"]
