"""Compare `tf2migrate.import_uses` with LibCST's scope analysis on every Name / Attribute node of the Python files
under the given folders (or files): the import statements it gives must be those `RemovedNodeVisitor` finds.

    python scripts/check_import_uses.py FOLDER_OR_FILE...

Prints the files and nodes where they differ (exit status 1), and how many answers were certain.
"""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, ExpressionContextProvider, MetadataWrapper, ParentNodeProvider, ScopeProvider

from tf2migrate import traversal
from tf2migrate.import_bindings import ImportBindings
from tf2migrate.import_uses import imports_used_by
from tf2migrate.metadata import stored_names

sys.path.insert(0, str(Path(__file__).resolve().parent))
from source_files import compared  # noqa: E402  (scripts/source_files.py)


READS_CERTAIN = [0]  # names whose import reads were answered


def libcst_imports(scopes, node: cst.CSTNode) -> list[int]:  # type: ignore[no-untyped-def]  # noqa: ANN001
    """The ids of the import statements `RemovedNodeVisitor._visit_name_attr_alike` finds for `node`, sorted."""
    if get_full_name_for_node(node) is None:
        return []
    scope = scopes.get(node)
    if scope is None:
        return []
    found: list[int] = []
    while True:
        for assignment in scope.assignments[node] or set():
            if isinstance(assignment, Assignment) and isinstance(assignment.node, (cst.Import, cst.ImportFrom)):
                found.append(id(assignment.node))
        if scope is scope.parent:
            break
        scope = scope.parent
    return sorted(found)


def compare(text: str) -> tuple[list[str], int, int, int]:
    """(differences, nodes, certain answers, answers naming an import)."""
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    bindings = ImportBindings(module, wrapper.resolve(ParentNodeProvider), wrapper.resolve(ExpressionContextProvider), lambda: text)
    differences: list[str] = []
    nodes = certain = with_imports = 0
    for node in traversal.walk(module):
        if not isinstance(node, (cst.Name, cst.Attribute)):
            continue
        nodes += 1
        ours = imports_used_by(bindings, node)
        if ours is None:
            continue
        certain += 1
        with_imports += bool(ours)
        reference = libcst_imports(scopes, node)
        if sorted(map(id, ours)) != reference:
            differences.append(f"{module.code_for_node(node)[:80]!r}: {len(ours)} import statements, LibCST {len(reference)}")
    module_scope = scopes[module]
    every_name = list(traversal.find(module, cst.Name))
    for name in sorted({node.value for node in every_name}):
        reads = bindings.import_reads(name, every_name)
        if reads is None:
            continue
        READS_CERTAIN[0] += 1
        assignments = list(module_scope.assignments[name])
        expected = sorted(id(access.node) for access in assignments[0].references) if len(assignments) == 1 else None
        if len(assignments) != 1 or assignments[0].node is not reads[0] or sorted(map(id, reads[1])) != expected:
            differences.append(f"reads of `{name}`: {len(reads[1])} names, LibCST {len(assignments)} assignments, {len(expected or ())} references")
    stored = stored_names(wrapper)
    for scope in {scope for scope in scopes.values() if scope is not None}:
        for assignment in scope.assignments:
            if isinstance(assignment, Assignment) and isinstance(assignment.node, cst.Name) and assignment.name not in stored:
                differences.append(f"`{assignment.name}` is assigned, not among the stored names")
    return differences, nodes, certain, with_imports


def main(paths: list[str]) -> int:
    failed = files = nodes = certain = with_imports = 0
    for path, (differences, n, c, w) in compared(paths, compare):
        files += 1
        nodes, certain, with_imports = nodes + n, certain + c, with_imports + w
        if differences:
            failed += 1
            print(path)
            for line in differences[:10]:
                print("   ", line)
    print(f"{files} files, {nodes} Name/Attribute nodes: {certain} answers certain ({with_imports} naming imports); reads of {READS_CERTAIN[0]} imported names certain; {failed} files differ")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
