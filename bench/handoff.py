"""How the engine made the trees it handed to the next codemod, and a check that each equals a whole parse.

    python bench/handoff.py [--no-check] FILE_OR_FOLDER...

After a codemod changed the file, the engine hands on its tree with only the changed top-level statements
parsed again (`tf2migrate/handoff.py`), or parses the whole text where that is not certain. Prints, over the
`.py` files given: how many trees were spliced and how many parsed whole, the lines parsed for them against
the lines a whole parse of each would have cost, the whole-text parses the engine ran (first parses
included), and the migration CPU. Unless `--no-check`, every handed-on tree is also compared with a parse of
the whole text (`TF2MIGRATE_CHECK_HANDOFF`); a file where they differ is listed with the reason. Fetches
nothing; reads the files given.
"""

from __future__ import annotations

import os
import sys
import time

import libcst as cst

from tf2migrate import engine, handoff
from tf2migrate.selection import Selection


def _files(paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                found.extend(os.path.join(root, name) for name in sorted(names) if name.endswith(".py"))
        else:
            found.append(path)
    return found


def main(arguments: list[str]) -> int:
    sys.setrecursionlimit(10000)
    check = "--no-check" not in arguments
    paths = [a for a in arguments if a != "--no-check"]
    if check:
        os.environ[handoff.CHECK_VARIABLE] = "1"
    whole_parses = 0
    parse = cst.parse_module

    def counted(text, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal whole_parses
        if sys._getframe(1).f_code.co_filename.endswith("engine.py"):
            whole_parses += 1
        return parse(text, *args, **kwargs)

    engine.cst.parse_module = counted  # this process only: `engine.cst` is LibCST's module
    whole_lines = 0  # the lines whole parses of every handed-on tree would have parsed
    failures: list[tuple[str, str]] = []
    files = 0
    cpu = 0.0
    for path in _files(paths):
        with open(path, encoding="utf-8", errors="replace") as stream:
            text = stream.read()
        if "tensorflow" not in text and "keras" not in text:
            continue
        files += 1
        before = handoff.COUNTS["whole"] + handoff.COUNTS["spliced"]
        start = time.process_time()
        try:
            engine.migrate_source(text, Selection(), path)
        except AssertionError as error:
            failures.append((path, str(error)))
        except engine.MigrationError as error:
            if "handed-on" in str(error):
                failures.append((path, str(error)))
        cpu += time.process_time() - start
        whole_lines += (handoff.COUNTS["whole"] + handoff.COUNTS["spliced"] - before) * text.count("\n")
    engine.cst.parse_module = parse
    counts = handoff.COUNTS
    print(f"{files} files, {cpu:.1f} s CPU in migrations{' (with the check)' if check else ''}")
    print(f"handed-on trees: {counts['spliced']} spliced, {counts['whole']} parsed whole")
    print(f"lines parsed for them: {counts['parsed_lines']} (whole parses of each: ~{whole_lines})")
    print(f"whole-text parses in the engine: {whole_parses}")
    for path, reason in failures:
        print(f"DIFFERS {path}: {reason}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
