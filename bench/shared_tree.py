"""How fast could the engine make today's rules? Each rule run once on one shared tree, against the real engine.

    .venv/bin/python bench/shared_tree.py FOLDER [--rounds 2] [--markdown]   (fetches nothing)

On the files of FOLDER that mention `tensorflow` or `keras` (the "TF files" of `bench/run.py`), in this one
process, each measure repeated `--rounds` times (CPU seconds, the best round kept):

* floor: `libcst.parse_module` + `Module.code` of every file (what any LibCST tool pays);
* engine: `engine.migrate_source` of every file, as `tf2migrate fix` runs it;
* shared tree: every codemod whose `wanted()` accepts the file runs its transform once over the *first* tree,
  all of them sharing that tree's one metadata (one scope analysis, one set of positions and parents); what they
  return is thrown away. No rule's rewrite is rendered, handed on or re-parsed, no metadata is resolved again,
  and there is no graph-mode pass. Per-codemod CPU is reported for this measure.

"shared tree" is what today's rules cost under an engine with no overhead at all: the engine part of a run is
"engine" minus "shared tree". It estimates, it does not bound: a rule given the first tree instead of its
predecessors' output may find more or less to do. When "shared tree" alone is above a target ratio to the
floor, no change of the engine can reach that target with these rules: their own detection (a walk of the tree
and analyses per codemod) has to change too (issue 12).

Measurement only: it calls the engine's `_parse` (parse + the text remembered with the tree, as the engine does)
and builds each codemod the way `engine._Pass._run_one` does, without patching anything.
"""

from __future__ import annotations

import argparse
import collections
import gc
import time
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper

from tf2migrate import engine, gc_policy
from tf2migrate.codemods import load_codemods, rules_by_code
from tf2migrate.codemods.base import FileRun, GraphMode, GraphModePassDue
from tf2migrate.linemap import LineMap
from tf2migrate.metadata import LazyMetadata
from tf2migrate.selection import Selection
from tf2migrate.suppression import SuppressionIndex
from tf2migrate.traversal import transform_module


def tf_files(folder: Path) -> list[tuple[str, str]]:
    """The `.py` files the engine's own prefilter lets through (`engine.PREFILTER`), as text."""
    texts = []
    for path in sorted(folder.rglob("*.py")):
        try:
            data = path.read_bytes()
            if any(marker in data for marker in engine.PREFILTER):
                texts.append((str(path), data.decode("utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return texts


def floor(texts: list[tuple[str, str]]) -> None:
    for _, text in texts:
        try:
            cst.parse_module(text).code
        except Exception:  # noqa: BLE001 (a file LibCST cannot parse costs what it costs)
            pass


def through_engine(texts: list[tuple[str, str]]) -> None:
    selection = Selection()
    for name, text in texts:
        try:
            engine.migrate_source(text, selection, name)
        except engine.MigrationError:
            pass


def shared_tree(texts: list[tuple[str, str]], per_codemod: collections.Counter) -> None:
    selection, rules = Selection(), rules_by_code()
    for name, text in texts:
        every_rule_once(name, text, selection, rules, per_codemod)


def every_rule_once(name: str, text: str, selection: Selection, rules: dict, per_codemod: collections.Counter) -> None:
    """Parse `text` once and run every codemod it wants over that tree (results thrown away); then render it."""
    with gc_policy.collector_policy():
        try:
            tree = engine._parse(text)  # noqa: SLF001 (parse + text remembered, as the engine does)
        except engine.MigrationError:
            return
        gc_policy.tree_parsed()
        _run_each(name, text, tree, selection, rules, per_codemod)
        tree.code  # the render of the floor (the engine renders only what changed; one render is its least)


def _run_each(name: str, text: str, tree: cst.Module, selection: Selection, rules: dict, per_codemod: collections.Counter) -> None:
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    linemap, suppressions = LineMap(text, text), SuppressionIndex.from_text(text)
    for codemod_class in load_codemods():
        if not codemod_class.wanted(text, selection):
            continue
        start = time.process_time()
        run = FileRun(selection=selection, suppressions=suppressions, linemap=linemap, rules=rules, graph=GraphMode(False))
        codemod = codemod_class(CodemodContext(filename=name, wrapper=wrapper), run)
        codemod.metadata = LazyMetadata(wrapper, codemod.get_inherited_dependencies())
        try:
            transform_module(wrapper.module, codemod)
        except GraphModePassDue:
            pass
        except Exception:  # noqa: BLE001 (a rule given a tree it was not meant to see: its cost so far counts)
            pass
        finally:
            codemod.metadata = {}
        per_codemod[codemod_class.__name__] += time.process_time() - start


def best_of(rounds: int, work) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        gc.collect()
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    texts = tf_files(args.folder)
    lines = sum(text.count("\n") for _, text in texts)
    per_codemod: collections.Counter = collections.Counter()
    measured = {
        "floor": best_of(args.rounds, lambda: floor(texts)),
        "engine": best_of(args.rounds, lambda: through_engine(texts)),
        "shared tree": best_of(args.rounds, lambda: shared_tree(texts, per_codemod)),
    }
    base = measured["floor"]
    print(f"{len(texts)} TF files, {lines} lines, in {args.folder} (CPU s, best of {args.rounds})")
    if args.markdown:
        print("\n| measure | CPU s | times the floor |\n|---|---:|---:|")
        for label, seconds in measured.items():
            print(f"| {label} | {seconds:.2f} | {seconds / base:.1f}x |")
        print(f"| engine part (engine - shared tree) | {measured['engine'] - measured['shared tree']:.2f} | "
              f"{(measured['engine'] - measured['shared tree']) / base:.1f}x |")
    else:
        for label, seconds in measured.items():
            print(f"  {label:12s} {seconds:7.2f} s  {seconds / base:5.1f}x the floor")
        print(f"  engine part  {measured['engine'] - measured['shared tree']:7.2f} s  (engine - shared tree)")
    print("\nshared tree, per codemod (CPU s, mean of the rounds; the first to ask pays the scope analysis):")
    for name, seconds in per_codemod.most_common():
        print(f"  {name:28s} {seconds / args.rounds:6.2f}")


if __name__ == "__main__":
    main()
