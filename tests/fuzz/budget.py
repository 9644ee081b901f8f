"""How much the fuzzers try: small and fixed in CI, larger on demand.

``FUZZ_EXAMPLES`` multiplies every example count (``FUZZ_EXAMPLES=20 pytest tests/fuzz``
runs twenty times as many); ``FUZZ_SEED`` changes the fixed seed, so a longer run can also
explore inputs the CI run never sees.
"""

from __future__ import annotations

import os

SCALE = max(1, int(os.environ.get("FUZZ_EXAMPLES", "1")))
SEED = int(os.environ.get("FUZZ_SEED", "20261204"))


def examples(base: int) -> int:
    return base * SCALE


def timeout(base: int) -> int:
    """pytest-timeout's seconds for a test that runs ``examples``: longer runs get longer."""
    return base * SCALE
