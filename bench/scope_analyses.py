"""How many LibCST scope analyses a migration runs, which pass asks for each, and their CPU.

    python bench/scope_analyses.py FILE_OR_FOLDER...

A scope analysis (`tf2migrate.metadata.scopes`) runs at most once per tree, when a pass first asks for scopes,
directly (`ScopeProvider`) or for a qualified name the import bindings cannot settle (`tf2migrate.import_bindings`).
Prints, per pass, the analyses it triggered and their CPU, then the total migration CPU. Fetches nothing; reads
the files given. (It wraps `metadata.scopes` in this process only, to count.)
"""

from __future__ import annotations

import collections
import os
import sys
import time

from tf2migrate import engine, metadata
from tf2migrate.selection import Selection


def main(paths: list[str]) -> None:
    sys.setrecursionlimit(10000)
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    seconds: collections.Counter[tuple[str, str]] = collections.Counter()
    original = metadata.scopes

    def counted(wrapper):  # type: ignore[no-untyped-def]
        frame, asker, via = sys._getframe(1), "?", "ScopeProvider"
        while frame is not None:
            if frame.f_code.co_name == "_scopes" and frame.f_code.co_filename.endswith("metadata.py"):
                via = "qualified name"
            if frame.f_code.co_name in ("_migrate_once", "_run_one") and "codemod_class" in frame.f_locals:
                asker = frame.f_locals["codemod_class"].__name__
                break
            frame = frame.f_back
        start = time.process_time()
        try:
            return original(wrapper)
        finally:
            counts[(asker, via)] += 1
            seconds[(asker, via)] += time.process_time() - start

    metadata._CHEAPER[metadata.ScopeProvider] = counted  # noqa: SLF001
    files = []
    for path in paths:
        if os.path.isdir(path):
            files += sorted(os.path.join(root, f) for root, _, names in os.walk(path) for f in names if f.endswith(".py"))
        else:
            files.append(path)
    start, migrated = time.process_time(), 0
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        if "tensorflow" not in text and "keras" not in text:
            continue
        migrated += 1
        try:
            engine.migrate_source(text, Selection(), path)
        except engine.MigrationError:
            pass
    total = time.process_time() - start
    for (asker, via), count in counts.most_common():
        print(f"{asker:28s} {via:15s} {count:6d} analyses {seconds[(asker, via)]:8.2f} s")
    print(f"{sum(counts.values())} scope analyses, {sum(seconds.values()):.2f} s CPU, in {migrated} files migrated in {total:.2f} s CPU")


if __name__ == "__main__":
    main(sys.argv[1:])
