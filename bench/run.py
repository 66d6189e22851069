"""Time tf2migrate against TensorFlow's `tf_upgrade_v2` and a bare LibCST parse + render, in one run.

    python3 bench/run.py [--files 2000] [--seed 7] [--jobs N] [--markdown] [--json results.json]

What it does, on the same files, one command after the other:

1. builds the synthetic corpus (`bench/make_corpus.py`, deterministic from the seed) in a temporary folder,
   and a second tree holding only the files that mention `tensorflow` or `keras` (hard links);
2. on each tree times, as separate processes:
   * `tf2migrate fix --dry-run --jobs 1` and `--jobs N` (diffs go to /dev/null),
   * `tf_upgrade_v2 --intree TREE --outtree TMP` (it writes a converted copy of the tree),
   * the floor of any LibCST tool: `libcst.parse_module` + `Module.code` of every `.py` file
     (`python3 bench/run.py --floor TREE`), in one process;
   * on the TF files, three lower bounds of a LibCST codemod that resolves names: the floor plus one no-op
     transformer pass, plus one `ScopeProvider` resolution, plus both (`--floor-extra pass|scope|pass+scope`),
     and the floor plus today's rules each run once on one shared tree, what they cost under an engine with no
     overhead (`bench/shared_tree.py`, `--floor-extra rules`);
3. prints wall time, files/s, CPU time, peak memory and the ratios, measured in this one run.

Peak memory is the largest resident set size of the command or of any process it waited for (`os.wait4`),
so for a process pool it is the biggest worker or the parent, not their sum. `tf_upgrade_v2` and the floor handle
every `.py` file of a tree; tf2migrate skips files that mention neither `tensorflow` nor `keras` without parsing them
(that is its text prefilter): the "TF files" tree compares the same work.

Also measured: `tf2migrate --help` start-up (best of 5) and the heaviest imports of the CLI and of a worker
(`python3 -X importtime`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
PREFILTER = (b"tensorflow", b"keras")


@dataclass
class Measure:
    tool: str
    tree: str
    files: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    status: int
    note: str = ""

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0


def python_files(root: str) -> list[str]:
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        found.extend(os.path.join(folder, name) for name in sorted(names) if name.endswith(".py"))
    return found


FLOOR = "floor (LibCST parse+render)"
# What any codemod built as LibCST transformers with name resolution through scopes must add to the floor:
# a transformer pass and a scope analysis (what QualifiedNameProvider is made of), each measured as
# LibCST does it and as tf2migrate does it (tf2migrate.traversal / tf2migrate.metadata: same results, cheaper).
LOWER_BOUNDS = {
    "pass": "floor + 1 transformer pass (LibCST)",
    "scope": "floor + 1 scope analysis (LibCST)",
    "pass+scope": "floor + 1 pass + 1 scope analysis (LibCST)",
    "fast-pass": "floor + 1 transformer pass (tf2migrate)",
    "fast-scope": "floor + 1 scope analysis (tf2migrate)",
    "fast-pass+scope": "floor + 1 pass + 1 scope analysis (tf2migrate)",
    # Not a bound of every design, one of this one: today's rules, each run once over the first tree and its one
    # metadata (bench/shared_tree.py), with no handoff, re-parse, new analysis or graph-mode pass. An engine with
    # no overhead at all would still pay this much with these rules.
    "rules": "floor + every rule once on one shared tree",
}


def floor(root: str, extra: str = "") -> int:
    """The floor: parse and render every file with LibCST, nothing else; with `extra`, also one no-op
    transformer pass and/or one ScopeProvider resolution per file (see LOWER_BOUNDS)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, ScopeProvider

    if extra == "rules":
        return _rules_on_shared_trees(root)
    fast = extra.startswith("fast-")
    if fast:  # only then: the bare floor imports LibCST and nothing else
        from tf2migrate import metadata, traversal
    count = 0
    for path in python_files(root):
        with open(path, "rb") as handle:
            data = handle.read()
        module = cst.parse_module(data)
        if "scope" in extra:
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            if fast:
                metadata.resolve(wrapper, ScopeProvider)
            else:
                wrapper.resolve(ScopeProvider)
        if "pass" in extra:
            module = traversal.transform_module(module, cst.CSTTransformer()) if fast else module.visit(cst.CSTTransformer())
        module.bytes  # render
        count += 1
    return count


def _rules_on_shared_trees(root: str) -> int:
    """The floor, and every rule a file wants run once over its first tree (`bench/shared_tree.py`)."""
    import collections

    from tf2migrate.codemods import rules_by_code
    from tf2migrate.selection import Selection

    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import shared_tree

    selection, rules, per_codemod = Selection(), rules_by_code(), collections.Counter()  # type: ignore[var-annotated]
    count = 0
    for path in python_files(root):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
        shared_tree.every_rule_once(path, text, selection, rules, per_codemod)
        count += 1
    return count


def timed(command: list[str], **popen) -> tuple[float, float, float, int]:
    """(wall seconds, cpu seconds of it and its descendants, peak RSS in MB, exit status)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, **popen)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode


def measure(tool: str, tree_name: str, tree: str, command: list[str], files: int, expect: tuple[int, ...], **popen) -> Measure:
    wall, cpu, peak, status = timed(command, **popen)
    if status not in expect:
        raise SystemExit(f"{tool} on {tree_name} exited with {status}: {' '.join(command)}")
    result = Measure(tool, tree_name, files, wall, cpu, peak, status)
    print(f"  {tool:26s} {tree_name:9s} {wall:8.2f} s  {result.files_per_second:8.1f} files/s  cpu {cpu:8.2f} s  peak {peak:7.1f} MB", file=sys.stderr, flush=True)
    return result


def summary_line(log: str) -> str:
    """tf2migrate's own summary ("N files processed, ... failed"); a run without one crashed."""
    with open(log, encoding="utf-8", errors="replace") as handle:
        lines = [line.strip() for line in handle if "files processed" in line]
    if not lines:
        with open(log, encoding="utf-8", errors="replace") as handle:
            raise SystemExit("tf2migrate printed no summary:\n" + handle.read()[-3000:])
    if "failed" in lines[-1]:
        print(f"  warning: {lines[-1]} (failures come from rules, see the log)", file=sys.stderr)
    return lines[-1]


def make_trees(work: str, files: int, seed: int) -> dict[str, str]:
    corpus = os.path.join(work, "all")
    subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), corpus, "--files", str(files), "--seed", str(seed)], check=True, stdout=sys.stderr)
    tf_only = os.path.join(work, "tf")
    for path in python_files(corpus):
        with open(path, "rb") as handle:
            data = handle.read()
        if any(marker in data for marker in PREFILTER):
            target = os.path.join(tf_only, os.path.relpath(path, corpus))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
    return {"all": corpus, "TF files": tf_only}


def startup() -> dict[str, object]:
    exe = shutil.which("tf2migrate") or "tf2migrate"
    best = min(timed([exe, "--help"], stdout=subprocess.DEVNULL)[0] for _ in range(5))
    heavy = {}
    for label, module in (("cli", "tf2migrate.cli"), ("worker", "tf2migrate.engine")):
        result = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True)
        rows = []
        for line in result.stderr.splitlines():
            parts = line[len("import time:") :].split("|") if line.startswith("import time:") else []
            if len(parts) != 3 or not parts[1].strip().isdigit():
                continue
            depth = len(parts[2]) - len(parts[2].lstrip()) - 1  # two spaces of indent per nesting level
            if depth <= 2:  # the module itself and what it imports directly
                rows.append((int(parts[1]), parts[2].strip()))
        top = [(name, round(us / 1000, 1)) for us, name in sorted(rows, reverse=True)][:8]
        heavy[label] = top
    return {"help_seconds": best, "heaviest_imports_ms": heavy}


def rule_set() -> dict[str, object]:
    exe = shutil.which("tf2migrate") or "tf2migrate"
    rules = json.loads(subprocess.run([exe, "rules", "--format", "json"], capture_output=True, text=True, check=True).stdout)
    modules = subprocess.run(
        [sys.executable, "-c", "from tf2migrate.codemods import CODEMOD_MODULES; print(','.join(CODEMOD_MODULES))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    return {"codemods": modules.split(","), "rules": [rule["code"] for rule in rules]}


def run(args: argparse.Namespace) -> dict[str, object]:
    jobs = args.jobs or os.cpu_count() or 1
    exe = shutil.which("tf2migrate") or "tf2migrate"
    upgrade = shutil.which("tf_upgrade_v2")
    results: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="tf2migrate-bench-") as work:
        trees = make_trees(work, args.files, args.seed)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        for tree_name, tree in trees.items():
            count = len(python_files(tree))
            print(f"{tree_name}: {count} files", file=sys.stderr)
            results.append(measure(FLOOR, tree_name, tree, [sys.executable, __file__, "--floor", tree], count, (0,), **quiet))
            if tree_name != "all":
                for extra, label in LOWER_BOUNDS.items():
                    command = [sys.executable, __file__, "--floor", tree, "--floor-extra", extra]
                    results.append(measure(label, tree_name, tree, command, count, (0,), **quiet))
            for n in sorted({1, jobs}):
                if n != 1 and tree_name != "all":
                    continue  # scaling is shown on the whole corpus (one run less on a shared machine)
                command = [exe, "fix", "--dry-run", "--no-cache", "--jobs", str(n), tree]
                log = os.path.join(work, f"tf2migrate-{n}.log")
                with open(log, "w") as stderr:
                    result = measure(f"tf2migrate --jobs {n}", tree_name, tree, command, count, (0, 1, 2), stdout=subprocess.DEVNULL, stderr=stderr)
                result.note = summary_line(log)
                results.append(result)
            if upgrade and not args.skip_tf_upgrade_v2:
                out = os.path.join(work, "upgraded")
                command = [upgrade, "--intree", tree, "--outtree", out, "--reportfile", os.path.join(work, "report.txt")]
                results.append(measure("tf_upgrade_v2", tree_name, tree, command, count, (0,), cwd=work, **quiet))
                shutil.rmtree(out, ignore_errors=True)
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "jobs": jobs,
        "files": args.files,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "rule_set": rule_set(),
        "startup": startup(),
        "measures": [asdict(m) | {"files_per_second": m.files_per_second} for m in results],
    }


def find(report: dict, tool: str, tree: str) -> dict | None:
    return next((m for m in report["measures"] if m["tool"] == tool and m["tree"] == tree), None)


def ratios(report: dict) -> list[str]:
    """The ratios, each by wall time and by CPU time (the CPU time of a command and all its processes:
    steadier than wall time on a machine shared with other work; for --jobs N only wall time shows scaling)."""

    def both(a: dict, b: dict) -> str:
        return f"{a['seconds'] / b['seconds']:.2f}x (wall) / {a['cpu_seconds'] / b['cpu_seconds']:.2f}x (CPU)"

    lines = []
    jobs = report["jobs"]
    for tree in ("all", "TF files"):
        floor_m = find(report, FLOOR, tree)
        one = find(report, "tf2migrate --jobs 1", tree)
        many = find(report, f"tf2migrate --jobs {jobs}", tree)
        upgrade = find(report, "tf_upgrade_v2", tree)
        if upgrade and one:
            lines.append(f"{tree}: speed-up of tf2migrate --jobs 1 over tf_upgrade_v2: {both(upgrade, one)} (issue 12's target >= 1.0x)")
        if upgrade and many and jobs > 1:
            lines.append(f"{tree}: speed-up of tf2migrate --jobs {jobs} over tf_upgrade_v2: {upgrade['seconds'] / many['seconds']:.2f}x (wall)")
        if floor_m and one:
            lines.append(f"{tree}: tf2migrate --jobs 1 takes {both(one, floor_m)} the time of the LibCST parse+render floor (issue 12's target <= 5x on TF files)")
        for label in LOWER_BOUNDS.values():
            bound = find(report, label, tree)
            if floor_m and bound:
                what = ("today's rules under an engine with no overhead" if label == LOWER_BOUNDS["rules"]
                        else "a lower bound for a LibCST codemod that resolves names")
                lines.append(f"{tree}: {label} takes {both(bound, floor_m)} the time of the floor ({what})")
        if one and many and jobs > 1:
            lines.append(f"{tree}: throughput of --jobs {jobs} over --jobs 1: {one['seconds'] / many['seconds']:.2f}x (wall)")
    lines.append(f"tf2migrate --help start-up: {report['startup']['help_seconds']:.3f} s (target < 0.5 s)")
    for label, rows in report["startup"]["heaviest_imports_ms"].items():
        lines.append(f"heaviest imports ({label}, cumulative ms): " + ", ".join(f"{name} {ms}" for name, ms in rows[:5]))
    return lines


def markdown(report: dict) -> str:
    rows = [
        f"Corpus: {report['files']} generated modules (seed {report['seed']}); machine: {report['cores']} cores "
        f"({report['usable_cores']} usable), Python {report['python']}; rules measured: {', '.join(report['rule_set']['rules'])} "
        f"(codemods: {', '.join(report['rule_set']['codemods'])}).",
        "",
        "| command | files | wall s | files/s | CPU s | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for tree in ("all", "TF files"):
        for m in report["measures"]:
            if m["tree"] == tree:
                rows.append(
                    f"| {m['tool']} ({tree}) | {m['files']} | {m['seconds']:.2f} | {m['files_per_second']:.1f} | {m['cpu_seconds']:.2f} | {m['peak_mb']:.0f} |"
                )
    rows.append("")
    notes = sorted({m["note"] for m in report["measures"] if m.get("note")})
    rows.extend(f"tf2migrate said: {note}" for note in notes)
    rows.append("")
    rows.extend(f"- {line}" for line in ratios(report))
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="generated modules (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=None, help="N for the --jobs N run (default: CPU count)")
    parser.add_argument("--skip-tf-upgrade-v2", action="store_true", help="do not time tf_upgrade_v2")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    parser.add_argument("--json", metavar="PATH", help="also write the raw figures as JSON")
    parser.add_argument("--floor", metavar="TREE", help=argparse.SUPPRESS)  # internal: the floor in its own process
    parser.add_argument("--floor-extra", choices=sorted(LOWER_BOUNDS), default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        floor(args.floor, args.floor_extra)
        return 0
    report = run(args)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
    if args.markdown:
        print(markdown(report))
    else:
        for line in ratios(report):
            print(line)
        print(json.dumps(report["startup"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
