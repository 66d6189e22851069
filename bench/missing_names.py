"""Measure the guarantee on real code: after `fix`, are all missing TF / Keras names reported at their line?

    python bench/missing_names.py FOLDER [FOLDER ...] [--json OUT.json] [--list]

Each FOLDER (a checkout of a TF1 / Keras 2 repository; nothing is fetched) is copied to a temporary folder,
its `.py` files are migrated there with `tf2migrate fix --unsafe-fixes` (as a user finishing a migration
would), then `tf2migrate check --unsafe-fixes --format json` runs on the migrated copy. Every reference of the
migrated code to a TensorFlow / Keras module path (see `tests/name_references.py`: any alias, `from` imports,
import statements) is looked up on the installed TensorFlow / Keras in a subprocess. For each repository:

    files        `.py` files that mention tensorflow or keras (and parse)
    refs         references to TF / Keras names in the migrated code
    missing      references to names TF 2.21 / Keras 3 lack
    reported     ... of which `check` reports a finding for a person at the line (or a suppression is there)
    handle       ... of which the line is a graph / session factory a finding names elsewhere ("from `tf.get_default_graph()`")
    UNREPORTED   ... the rest: what the guarantee forbids
    written      missing references whose dotted text does not occur in the original file (the tool wrote them)
    left         findings `check` lists for a person (manual + unsafe)

The original checkout is never modified. Run it with the tool's virtualenv (TensorFlow 2.21 / Keras 3 installed);
`--tool PYTHON` runs `tf2migrate` with another interpreter (another checkout of the tool, for a baseline) while
the names are still checked with this one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from name_references import missing, references, suppressed_lines  # noqa: E402

FACTORIES = ("get_default_graph", "get_graph", "get_session", "Session", "InteractiveSession", "Graph")


TOOL = [sys.executable]


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TOOL, "-m", "tf2migrate", *args], capture_output=True, text=True, timeout=3600)


def measure(folder: Path, listing: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="tf2m-missing-") as tmp:
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".git"), symlinks=True)
        originals = {p: p.read_text(encoding="utf-8", errors="replace") for p in copy.rglob("*.py") if p.is_file()}
        _tool("fix", "--quiet", "--unsafe-fixes", "--jobs", "1", str(copy))
        checked = _tool("check", "--unsafe-fixes", "--format", "json", "--jobs", "1", str(copy))
        report = json.loads(checked.stdout)
        findings: dict[str, list[dict]] = {}
        failed: set[str] = set()
        for entry in report["files"]:
            path = str(Path(entry["path"]).resolve())
            findings[path] = [f for f in entry["findings"] if f["fix"] != "applied"]
            if entry["status"] == "failed":
                failed.add(path)
        rows: list[tuple[str, int, str, str]] = []  # (file, line, name, original text)
        files = 0
        texts: dict[str, str] = {}
        for path, original in originals.items():
            key = str(path.resolve())
            if key in failed or ("tensorflow" not in original and "keras" not in original):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                found = references(text)
            except Exception:
                continue  # does not parse: the tool reports such files as failed
            files += 1
            texts[key] = text
            rows.extend((key, line, name, original) for name, line in found)
        gone = missing({name for _, _, name, _ in rows})
        counts = {"files": files, "refs": len(rows), "missing": 0, "reported": 0, "handle": 0, "UNREPORTED": 0, "written": 0}
        unreported: list[str] = []
        for key, line, name, original in rows:
            if name not in gone:
                continue
            counts["missing"] += 1
            told = {f["line"] for f in findings.get(key, [])} | suppressed_lines(texts[key])
            messages = " ".join(f["message"] for f in findings.get(key, []))
            leaf = name.rsplit(".", 1)[-1]
            written_text = _written_at(texts[key], line, leaf)
            if written_text and written_text not in original:
                counts["written"] += 1
            if line in told:
                counts["reported"] += 1
            elif leaf in FACTORIES and f"{leaf}()`" in messages:
                counts["handle"] += 1
            else:
                counts["UNREPORTED"] += 1
                unreported.append(f"{Path(key).relative_to(Path(tmp))}:{line}: {name}")
        counts["left"] = report["summary"].get("manual", sum(len(v) for v in findings.values()))
        if listing:
            for item in unreported:
                print("  " + item)
        return counts


def _written_at(text: str, line: int, leaf: str) -> str | None:
    """The dotted text ending in `leaf` on `line` of `text` (how the reference is spelled there)."""
    import re

    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    match = re.search(r"[\w.]*\b" + re.escape(leaf) + r"\b", lines[line - 1])
    return match.group(0) if match else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--list", action="store_true", help="list every unreported reference")
    parser.add_argument("--tool", default=sys.executable, help="the Python that runs tf2migrate (another checkout's, for a baseline)")
    args = parser.parse_args(argv)
    TOOL[0] = args.tool
    columns = ("files", "refs", "missing", "reported", "handle", "UNREPORTED", "written", "left")
    results: dict[str, dict[str, object]] = {}
    print(f"{'repository':45} " + " ".join(f"{c:>10}" for c in columns))
    for folder in args.folders:
        counts = measure(folder.resolve(), args.list)
        results[folder.name] = counts
        print(f"{folder.name[:45]:45} " + " ".join(f"{counts[c]!s:>10}" for c in columns), flush=True)
    total = {c: sum(int(r[c]) for r in results.values()) for c in columns}  # type: ignore[call-overload]
    print(f"{'TOTAL':45} " + " ".join(f"{total[c]!s:>10}" for c in columns))
    if args.json:
        args.json.write_text(json.dumps({"repositories": results, "total": total}, indent=2) + "\n", encoding="utf-8")
    return 1 if total["UNREPORTED"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
