"""No import cycle anywhere in the package: each module can be read knowing only what it imports."""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Each group of modules that import one another, directly or not (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def _a_cycle(graph: grimp.ImportGraph, group: list[str]) -> str:
    """One concrete cycle through the group's first module, as `a -> b -> a`."""
    first, members = group[0], set(group)
    back = next(m for m in sorted(members) if first in graph.find_modules_directly_imported_by(m))
    chain = graph.find_shortest_chain(importer=first, imported=back) or (first, back)
    return " -> ".join([*chain, first])


def test_the_package_has_no_import_cycle():
    # Imports inside functions count too: a lazy import still ties the two modules together.
    graph = grimp.build_graph("projtui")
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(_a_cycle(graph, group) for group in cycles)


def test_a_cycle_is_found_and_named():
    graph = grimp.ImportGraph()
    for module in ("p.a", "p.b", "p.c", "p.d"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    graph.add_import(importer="p.c", imported="p.d")
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]
    assert _a_cycle(graph, ["p.a", "p.b", "p.c"]) == "p.a -> p.b -> p.c -> p.a"
