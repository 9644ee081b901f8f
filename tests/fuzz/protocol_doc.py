"""What docs/protocol.md promises a client may receive: the frame types, the error codes
and the close codes, read from the document itself so the fuzzers hold the code to it."""

from __future__ import annotations

import functools
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def _section(text: str, heading: str) -> str:
    """The text under ``heading`` (a markdown heading line) up to the next heading."""
    start = text.index(heading)
    rest = text[start + len(heading) :]
    following = re.search(r"^#{1,3} ", rest, flags=re.MULTILINE)
    return rest[: following.start()] if following else rest


def _first_cells(section: str) -> list[str]:
    """Every backticked name in the first column of the section's tables."""
    names: list[str] = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        first = line.split("|")[1]
        names.extend(re.findall(r"`([^`]+)`", first))
    return names


@functools.cache
def frame_types() -> frozenset[str]:
    """Every ``type`` a server frame may have."""
    text = DOC.read_text(encoding="utf-8")
    types: set[str] = set()
    for heading in (
        "### Server → client",
        "## Moderation frames",
        "## Party and volunteering",
        "## Things nearby (cases)",
    ):
        types.update(_first_cells(_section(text, heading)))
    return frozenset(types)


@functools.cache
def error_codes() -> frozenset[str]:
    return frozenset(_first_cells(_section(DOC.read_text(encoding="utf-8"), "## Error codes")))


@functools.cache
def close_codes() -> frozenset[int]:
    section = _section(DOC.read_text(encoding="utf-8"), "## Close codes")
    codes: set[int] = set()
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            codes.update(int(code) for code in re.findall(r"\b\d{4}\b", line.split("|")[1]))
    return frozenset(codes)


@functools.cache
def client_ops() -> frozenset[str]:
    section = _section(DOC.read_text(encoding="utf-8"), "### Client → server")
    return frozenset(_first_cells(section))
