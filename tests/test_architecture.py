"""The allowed import directions between the parts of the code base, enforced.

Every first-party module belongs to one component (``COMPONENTS``, first match wins) and
may import only the components ``MAY_IMPORT`` lists for it; moderation reaches chat, the
boards and volunteering only through their doors (``DOORS``); and no module imports
itself round a circle. docs/architecture.md shows the same table as a picture, generated
here (``picture()``), so the two cannot drift apart.

Imports made only for type checking (``if TYPE_CHECKING:``) are left out: they do not
run, so they cannot tangle anything at run time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("realtime", "communities", "chat", "presence", "notifications", "config", "frontend")

# Components, most specific first: a module belongs to the first whose prefix it has.
COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("realtime", ("realtime",)),
    (
        "models",
        (
            "communities.models",
            "chat.models",
            "communities.boards.models",
            "communities.moderation.models",
            "communities.volunteering.models",
            "communities.cases.models",
        ),
    ),
    (
        "base",
        (
            "communities.errors",
            "communities.idcard",
            "communities.phone",
            "communities.qr",
            "communities.shapes",
            "communities.signals",
            "communities.sms",
            "communities.throttle",
        ),
    ),
    ("rules", ("communities.rules",)),
    (
        "records",
        (
            "communities.moderation.audit",
            "communities.moderation.settle",
            "communities.moderation.sources",
        ),
    ),
    (
        "demo",
        (
            "communities.demo",
            "chat.demo",
            "communities.boards.demo",
            "communities.moderation.demo",
            "communities.volunteering.demo",
            "communities.cases.demo",
            "communities.management.commands.seed_demo",
        ),
    ),
    ("wiring", ("config", "frontend")),
    ("chat", ("chat",)),
    ("presence", ("presence",)),
    ("notifications", ("notifications",)),
    ("boards", ("communities.boards",)),
    ("volunteering", ("communities.volunteering",)),
    ("cases", ("communities.cases",)),
    ("moderation", ("communities.moderation",)),
    ("communities", ("communities",)),
)

LOW = {"realtime", "models", "base"}
MAY_IMPORT: dict[str, set[str]] = {
    "realtime": set(),
    "models": {"models"},
    "base": {"models", "realtime"},
    "rules": {"models", "base"},
    "records": {"models", "base", "realtime"},
    "communities": {"rules", "records", *LOW},
    "chat": {"communities", "rules", "records", *LOW},
    "presence": {"chat", "rules", *LOW},
    "boards": {"chat", "communities", "rules", "records", *LOW},
    "volunteering": {"boards", "communities", "rules", "records", *LOW},
    "cases": {"communities", "rules", "records", *LOW},
    "moderation": {
        *("chat", "boards", "volunteering", "cases", "communities"),
        *("rules", "records", *LOW),
    },
    "notifications": {
        *("chat", "presence", "boards", "volunteering", "cases", "communities"),
        *("rules", "records", *LOW),
    },
    "demo": {
        *("chat", "boards", "volunteering", "cases", "moderation", "communities"),
        *("rules", "records", *LOW),
    },
    "wiring": {
        *("chat", "presence", "boards", "volunteering", "cases", "moderation"),
        *("communities", "demo"),
        *("notifications", "rules", "records", *LOW),
    },
}
# What moderation may import of the apps it moderates: their door, nothing else.
DOORS = {
    "chat": "chat.moderation",
    "boards": "communities.boards.moderation",
    "volunteering": "communities.volunteering.moderation",
    "cases": "communities.cases.moderation",
}


def component_of(module: str) -> str:
    for name, prefixes in COMPONENTS:
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return name
    raise AssertionError(f"{module} belongs to no component: add it to COMPONENTS")


@pytest.fixture(scope="module")
def imports() -> dict[str, set[str]]:
    """Every first-party module (migrations aside) and the first-party modules it imports."""
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    modules = {m for m in graph.modules if ".migrations" not in m}
    return {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}


def back_edges(imports: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(imports.items()):
        source = component_of(module)
        for target in sorted(targets):
            kind = component_of(target)
            if kind == source:
                continue
            if kind not in MAY_IMPORT[source]:
                found.append(f"{module} -> {target} ({source} may not import {kind})")
            elif source == "moderation" and kind in DOORS and target != DOORS[kind]:
                found.append(f"{module} -> {target} (moderation goes through {DOORS[kind]})")
    return found


def test_every_import_goes_the_allowed_way(imports: dict[str, set[str]]) -> None:
    found = back_edges(imports)
    assert not found, "imports against the allowed directions:\n" + "\n".join(found)


def test_the_check_sees_a_back_edge_and_a_side_door() -> None:
    """The check itself fails on what it is there to catch."""
    tangled = {
        "realtime.feeds": {"chat.models"},
        "communities.moderation.console": {"chat.selectors", "chat.moderation"},
        "chat.services.messages": {"communities.moderation.console"},
    }
    assert back_edges(tangled) == [
        "chat.services.messages -> communities.moderation.console (chat may not import moderation)",
        "communities.moderation.console -> chat.selectors "
        "(moderation goes through chat.moderation)",
        "realtime.feeds -> chat.models (realtime may not import models)",
    ]


def circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected sets of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(imports.get(target, ())))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(sorted(members))
    return found


def test_no_module_imports_itself_round_a_circle(imports: dict[str, set[str]]) -> None:
    found = circles(imports)
    assert not found, "import circles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_circle_check_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def picture() -> str:
    """The allowed directions as a Mermaid graph (an arrow: "may import")."""
    lines = ["```mermaid", "flowchart TD"]
    for source, targets in MAY_IMPORT.items():
        # Only the arrows not implied through another allowed component (but every door).
        implied = {t for other in targets - {source} for t in MAY_IMPORT[other] - {other}}
        for target in sorted(targets - {source}):
            if source == "moderation" and target in DOORS:
                lines.append(f"    {source} -->|{DOORS[target]}| {target}")
            elif target not in implied:
                lines.append(f"    {source} --> {target}")
    lines.append("```")
    return "\n".join(lines)


def test_the_architecture_doc_shows_these_directions() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text()
    shown = re.search(r"```mermaid\n.*?```", doc, flags=re.S)
    assert shown is not None, "docs/architecture.md has no Mermaid picture"
    assert shown.group(0) == picture(), (
        "docs/architecture.md's picture is stale; replace it with:\n" + picture()
    )


def test_every_module_has_a_component(imports: dict[str, set[str]]) -> None:
    grouped: dict[str, list[str]] = defaultdict(list)
    for module in imports:
        grouped[component_of(module)].append(module)
    assert set(grouped) <= set(MAY_IMPORT)
    assert grouped["realtime"], "the transport core has no modules?"


# A module that grows past this holds more than one concept: split it by concept (as
# chat/services/ and communities/cases/figures/ are) rather than raise the limit. Migrations
# are generated and tests are read one test at a time, so neither counts.
MODULE_LINES_MAX = 450


def test_no_module_holds_more_than_one_concepts_worth_of_lines() -> None:
    too_long = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or "node_modules" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MODULE_LINES_MAX:
                too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}, f"split these by concept (over {MODULE_LINES_MAX} lines): {too_long}"
