"""An import-linter contract type that import-linter lacks: no import cycle between any two modules.

``acyclic_siblings`` finds cycles between the children of each package, but not a cycle through a
package's own ``__init__`` (``annotator`` imports ``annotator.web.auth``, which imports ``annotator``).
This contract looks at the modules themselves: every strongly connected group of more than one module
is a cycle, reported as shortest loops through its modules, with the line of each import.

Registered in pyproject.toml under ``[tool.importlinter] contract_types``; lint-imports finds this
module because it runs from the repository root, which it puts on ``sys.path``.
"""

from __future__ import annotations

from collections import deque
from itertools import pairwise

import grimp
from importlinter import Contract, ContractCheck, fields, output


class AcyclicModulesContract(Contract):
    """No module of ``package`` reaches itself again through the imports of ``package``'s modules."""

    package = fields.StringField()

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        root = str(self.package)
        modules = {name for name in graph.modules if name == root or name.startswith(root + ".")}
        edges = {
            name: sorted(imported for imported in graph.find_modules_directly_imported_by(name) if imported in modules)
            for name in modules
        }
        loops = [loop for group in _cycles(sorted(modules), edges) for loop in _loops_covering(group, edges)]
        details = {
            (importer, imported): graph.get_import_details(importer=importer, imported=imported)
            for loop in loops
            for importer, imported in pairwise(loop)
        }
        return ContractCheck(kept=not loops, metadata={"loops": loops, "details": details})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for loop in check.metadata["loops"]:
            output.print_error(f"{len(set(loop))}-module cycle: {' -> '.join(loop)}")
            output.new_line()
            for importer, imported in pairwise(loop):
                lines = ", ".join(
                    str(detail["line_number"]) for detail in check.metadata["details"][importer, imported]
                )
                output.print_error(f"-   {importer} -> {imported} (l. {lines})", bold=False)
            output.new_line()


def _cycles(modules: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = lowest[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for position in range(next_edge, len(edges[node])):
                successor = edges[node][position]
                if successor not in index:
                    work.append((node, position + 1))
                    work.append((successor, 0))
                    break
                if successor in on_stack:
                    lowest[node] = min(lowest[node], index[successor])
            else:
                if lowest[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
                if work:
                    parent = work[-1][0]
                    lowest[parent] = min(lowest[parent], lowest[node])
    return groups


def _loops_covering(group: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Shortest loops through the group's modules, until each module is on at least one of them."""
    loops: list[list[str]] = []
    covered: set[str] = set()
    for module in group:
        if module not in covered:
            loops.append(_shortest_loop(module, set(group), edges))
            covered.update(loops[-1])
    return loops


def _shortest_loop(start: str, members: set[str], edges: dict[str, list[str]]) -> list[str]:
    """A shortest path from ``start`` back to itself through ``members``."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in edges[node]:
            if successor not in members:
                continue
            if successor == start:
                loop = [node]
                while loop[-1] != start:
                    loop.append(came_from[loop[-1]])
                return [*reversed(loop), start]
            if successor not in came_from:
                came_from[successor] = node
                queue.append(successor)
    raise AssertionError(f"{start} is in a cycle but no loop leads back to it")
