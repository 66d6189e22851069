"""Check `codemods/import_editor.py` against LibCST's import visitors on every import edit a migration makes.

    python3 bench/import_edits.py FOLDER_OR_FILE [...] [--record CASES.json]

Migrates every `.py` / `.ipynb` file under the folders (dry run, `engine.process_file`) and, for each
import edit a rule schedules, computes both LibCST's result (AddImportsVisitor then RemoveImportsVisitor
on a re-parsed tree, as the engine's fallback does) and `import_editor.edit_imports`'s; prints how many
edits the editor decided, how many it left to LibCST, and every edit where the two differ (exit 1 then).
`--record` writes the distinct edits (module text before the edit, additions, removals) as JSON, the
cases `tests/test_import_editor.py` replays. Fetches nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time

sys.setrecursionlimit(10000)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--record")
    args = parser.parse_args()

    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

    from identical import files_under  # type: ignore[import-not-found]  (this folder)
    from tf2migrate import engine
    from tf2migrate.codemods.import_editor import edit_imports
    from tf2migrate.selection import Selection

    stats = {"edits": 0, "decided": 0, "left to LibCST": 0, "differ": 0}
    cases: dict[str, dict] = {}
    spent = {"libcst": 0.0, "ours": 0.0}
    original = engine.apply_import_edits

    def checked(context, tree, fresh):
        additions = list(context.scratch.get(AddImportsVisitor.CONTEXT_KEY) or [])
        removals = list(context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY) or [])
        source = tree.code
        start = time.process_time()
        theirs = CodemodContext()
        for item in additions:
            AddImportsVisitor.add_needed_import(theirs, item.module, item.obj_name, item.alias)
        for request in removals:
            RemoveImportsVisitor.remove_unused_import(theirs, *request)
        expected = cst.parse_module(source)
        if additions:
            expected = AddImportsVisitor(theirs).transform_module(expected)
        if removals:
            expected = RemoveImportsVisitor(theirs).transform_module(cst.parse_module(expected.code))
        spent["libcst"] += time.process_time() - start
        start = time.process_time()
        ours = edit_imports(cst.parse_module(source), additions, removals)
        spent["ours"] += time.process_time() - start
        stats["edits"] += 1
        if ours is None:
            stats["left to LibCST"] += 1
        else:
            stats["decided"] += 1
            if ours.code != expected.code:
                stats["differ"] += 1
                print(f"DIFFER in {current[0]}: additions {additions} removals {sorted(set(removals))}", flush=True)
        if args.record is not None:
            case = {
                "source": source,
                "additions": [[i.module, i.obj_name, i.alias] for i in additions],
                "removals": [list(r) for r in removals],
            }
            key = hashlib.sha256(json.dumps(case, sort_keys=True).encode()).hexdigest()
            cases.setdefault(key, case)
        return original(context, tree, fresh)

    engine.apply_import_edits = checked
    options = engine.Options(selection=Selection(), write=False)
    current = [""]
    for path in files_under(args.paths):
        current[0] = path
        engine.process_file(path, options)
    print(
        f"{stats['edits']} import edits: {stats['decided']} decided by import_editor, {stats['left to LibCST']} left to LibCST, "
        f"{stats['differ']} differ; CPU on the edits alone: LibCST {spent['libcst']:.1f} s, import_editor {spent['ours']:.1f} s"
    )
    if args.record is not None:
        with open(args.record, "w", encoding="utf-8") as handle:
            json.dump(sorted(cases.values(), key=lambda c: (len(c["source"]), c["source"])), handle, indent=0)
        print(f"{len(cases)} distinct edits -> {args.record}")
    return 1 if stats["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
