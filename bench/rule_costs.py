"""Where a run's CPU goes, per codemod: files its `wanted()` let it run on, files whose text it changed,
files where it reported something, and its CPU seconds; plus the first parses and the re-parses after a
rule changed the text. Route (3) of issue 12 reads it: a codemod that runs on many files and changes or
reports on none of them pays for a trigger test that is too wide.

    .venv/bin/python bench/rule_costs.py FOLDER   (e.g. a `bench/make_corpus.py` corpus; fetches nothing)

Measurement only: inside this process, for the duration of `measure`, the engine's module-level
`transform_module`, `_parse` and `_parse_output` are wrapped with timers and restored afterwards. The
tool itself never does this.
"""

from __future__ import annotations

import argparse
import collections
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tf2migrate import engine
from tf2migrate.selection import Selection


@contextmanager
def _timed(cpu: collections.Counter, ran: collections.Counter, changed: collections.Counter, reported: collections.Counter) -> Iterator[None]:
    transform, parse, parse_output = engine.transform_module, engine._parse, engine._parse_output  # noqa: SLF001

    def timed_transform(module, codemod):  # type: ignore[no-untyped-def]
        start = time.process_time()
        try:
            out = transform(module, codemod)
            name = type(codemod).__name__
            ran[name] += 1
            changed[name] += out.code != module.code
            reported[name] += bool(codemod.run.findings)
            return out
        finally:
            cpu[type(codemod).__name__] += time.process_time() - start

    def timed(function, key):  # type: ignore[no-untyped-def]
        def wrapper(*args):  # type: ignore[no-untyped-def]
            start = time.process_time()
            try:
                return function(*args)
            finally:
                cpu[key] += time.process_time() - start
                ran[key] += 1
        return wrapper

    engine.transform_module, engine._parse, engine._parse_output = timed_transform, timed(parse, "(first parse)"), timed(parse_output, "(re-parse)")  # noqa: SLF001
    try:
        yield
    finally:
        engine.transform_module, engine._parse, engine._parse_output = transform, parse, parse_output  # noqa: SLF001


def measure(folder: Path) -> str:
    files = [p for p in sorted(folder.rglob("*.py")) if (lambda t: "tensorflow" in t or "keras" in t)(p.read_text(encoding="utf-8", errors="replace"))]
    cpu: collections.Counter = collections.Counter()
    ran: collections.Counter = collections.Counter()
    changed: collections.Counter = collections.Counter()
    reported: collections.Counter = collections.Counter()
    start = time.process_time()
    with _timed(cpu, ran, changed, reported):
        for path in files:
            try:
                engine.migrate_source(path.read_text(encoding="utf-8"), Selection(), str(path))
            except Exception as error:  # noqa: BLE001 (a file the tool declines: counted, not fatal)
                print(f"{path}: {error}")
    total = time.process_time() - start
    lines = [f"{len(files)} TF/Keras files, {total:.1f} CPU s in all", "", "| step | CPU s | ran | changed its tree (import edits not counted) | reported | CPU on files it neither changed nor reported on (est.) |", "|---|---:|---:|---:|---:|---:|"]
    for name, seconds in cpu.most_common():
        if name.startswith("("):
            lines.append(f"| {name} | {seconds:.2f} | {ran[name]} | | | |")
            continue
        idle = ran[name] - max(changed[name], reported[name])
        lines.append(f"| {name} | {seconds:.2f} | {ran[name]} | {changed[name]} | {reported[name]} | {seconds * idle / max(ran[name], 1):.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    print(measure(parser.parse_args().folder))


if __name__ == "__main__":
    main()
