"""Compare `tf2migrate.import_bindings` with LibCST's scope analysis on every Name / Attribute / Call / Subscript
node of the Python files under the given folders (or files): every answer it gives must be LibCST's.

    python scripts/check_import_bindings.py FOLDER_OR_FILE...

Prints the files and nodes where they differ (exit status 1), and how many answers were certain.
"""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ParentNodeProvider, QualifiedNameSource, ScopeProvider

from tf2migrate import traversal
from tf2migrate.import_bindings import ImportBindings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from source_files import compared  # noqa: E402  (scripts/source_files.py)

ASKED = (cst.Name, cst.Attribute, cst.Call, cst.Subscript)


def compare(text: str) -> tuple[list[str], int, int, int, bool]:
    """(differences, nodes, certain full answers, certain imported answers, file certain)."""
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    bindings = ImportBindings(module, wrapper.resolve(ParentNodeProvider), wrapper.resolve(ExpressionContextProvider), lambda: text)
    differences: list[str] = []
    nodes = certain = certain_imported = 0
    for node in traversal.walk(module):
        if not isinstance(node, ASKED):
            continue
        nodes += 1
        scope = scopes.get(node)
        reference = scope.get_qualified_names_for(node) if scope else set()
        ours = bindings.qualified_names(node)
        if ours is not None:
            certain += 1
            if set(ours) != set(reference):
                differences.append(f"{module.code_for_node(node)[:80]!r}: {sorted(map(str, ours))} != LibCST {sorted(map(str, reference))}")
        imported = bindings.imported(node)
        if imported is not None:
            certain_imported += 1
            expected = {q for q in reference if q.source is QualifiedNameSource.IMPORT}
            if set(imported) != expected:
                differences.append(f"imported {module.code_for_node(node)[:80]!r}: {sorted(map(str, imported))} != LibCST {sorted(map(str, expected))}")
    return differences, nodes, certain, certain_imported, bindings.certain


def main(paths: list[str]) -> int:
    failed = files = nodes = certain = certain_imported = uncertain_files = 0
    for path, (differences, n, c, ci, sure) in compared(paths, compare):
        files += 1
        nodes, certain, certain_imported = nodes + n, certain + c, certain_imported + ci
        uncertain_files += not sure
        if differences:
            failed += 1
            print(path)
            for line in differences[:10]:
                print("   ", line)
    print(f"{files} files, {nodes} nodes: {certain} full answers certain, {certain_imported} imported answers certain; {uncertain_files} files left to LibCST; {failed} files differ")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
