"""Compare the engine's scope analysis (`tf2migrate.metadata.scopes`: `scope_visitor.RoutedScopeVisitor`) with
LibCST's own ScopeProvider on every node of the Python files under the given folders (or files).

    python scripts/check_scope_visitor.py FOLDER_OR_FILE...

Nodes are matched by their place in the walk of the tree; for every node the kind of its scope, and for every
scope each assignment (name, node, order index) and each access (node, order index, annotation flags, the
assignments it refers to) must be the same. Prints the files where they differ (exit status 1).
"""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from tf2migrate import metadata, traversal

sys.path.insert(0, str(Path(__file__).resolve().parent))
from source_files import compared  # noqa: E402  (scripts/source_files.py)


def describe(module: cst.Module, scopes) -> list:  # type: ignore[no-untyped-def]  # noqa: ANN001
    index = {id(node): number for number, node in enumerate(traversal.walk(module))}
    where = lambda node: index.get(id(node), type(node).__name__)  # noqa: E731 (string annotation nodes: by type)
    scope_ids: dict[int, int] = {}
    rows: list = []
    for node in traversal.walk(module):
        scope = scopes.get(node)
        if scope is None:
            rows.append((where(node), None))
            continue
        if id(scope) not in scope_ids:
            scope_ids[id(scope)] = len(scope_ids)
            assignment = lambda a: (a.name, type(a).__name__, where(getattr(a, "node", None)), a._index)  # noqa: E731, SLF001
            rows.append((
                "scope", scope_ids[id(scope)], type(scope).__name__,
                sorted(assignment(a) for a in scope.assignments),
                sorted((where(a.node), a._Access__index, a.is_annotation, a.is_type_hint, sorted(assignment(r) for r in a.referents)) for a in scope.accesses),  # noqa: SLF001
            ))
        rows.append((where(node), scope_ids[id(scope)]))
    return rows


def compare(text: str) -> bool:
    ours_module = cst.parse_module(text)
    ours = describe(ours_module, metadata.scopes(MetadataWrapper(ours_module, unsafe_skip_copy=True)))
    theirs_module = cst.parse_module(text)
    theirs = describe(theirs_module, MetadataWrapper(theirs_module, unsafe_skip_copy=True).resolve(ScopeProvider))
    return ours == theirs


def main(paths: list[str]) -> int:
    files = failed = 0
    for path, same in compared(paths, compare):
        files += 1
        if not same:
            failed += 1
            print(path)
    print(f"{files} files: {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
