"""Migrate every notebook of a folder (in a temporary copy) and check what the issue asks of the result.

    python3 bench/notebooks.py FOLDER [FOLDER...] [--jobs N]

For each folder: copies its `.ipynb` files to a temporary folder, runs `tf2migrate fix` on the copy (twice:
the second run must change nothing), then compares every notebook with its original:

* statuses (changed / unchanged / skipped / failed, with the failure reasons grouped);
* `nbformat.validate` before and after (a notebook invalid as read is counted apart);
* "intact": the documents are equal once code-cell sources are set aside (outputs, metadata, ids,
  attachments, markdown), and every changed line of the raw JSON is a line of a code cell's source;
* IPython lines (`%`, `!`, `?`) of code cells still present, byte for byte;
* Session programs: TFM201/TFM202 findings applied (converted to eager TF2) and TFM2xx findings left to a person.

With `--pairs`, also compares each notebook with a `.py` file of the same name elsewhere in the folder (tutorial
repositories often ship both): is the Session program (TFM201/TFM202) converted in both, in one, in neither?

Nothing is fetched: give it folders you extracted yourself.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings


def code_sources(document: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in document["cells"] if c.get("cell_type") == "code"]


def ipython_lines(document: dict) -> list[str]:
    return [line for src in code_sources(document) for line in src.splitlines() if line.lstrip().startswith(("%", "!", "?"))]


def without_code(document: dict) -> dict:
    cells = [{k: v for k, v in c.items() if not (k == "source" and c.get("cell_type") == "code")} for c in document["cells"]]
    return {**document, "cells": cells}


def valid(document: dict) -> bool:
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(document)
    except Exception:  # noqa: BLE001 - any validation error
        return False
    return True


def survey(folder: str, jobs: int | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="tf2migrate-nb-") as work:
        copies = {}
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if name.endswith(".ipynb"):
                    source = os.path.join(root, name)
                    target = os.path.join(work, os.path.relpath(source, folder))
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    shutil.copy2(source, target)
                    copies[target] = source
        command = [sys.executable, "-m", "tf2migrate", "fix", "--no-cache", "--format", "json", *(["--jobs", str(jobs)] if jobs else []), work]
        report = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
        again = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
        figures: dict[str, object] = {"notebooks": len(copies)}
        figures["status"] = dict(collections.Counter(f["status"] for f in report["files"]))
        figures["failures"] = dict(collections.Counter(f["reason"].split(":")[1].split("(")[0].strip() if "cell" in f["reason"] else f["reason"][:60] for f in report["files"] if f["status"] == "failed"))
        figures["second_run_changed"] = again["summary"]["changed"]
        codes = collections.Counter()
        for f in report["files"]:
            for finding in f["findings"]:
                if finding["code"].startswith("TFM2"):
                    codes["session applied" if finding["fix"] == "applied" else "session left to a person"] += 1
        figures["session_findings"] = dict(codes)
        figures["session_programs_converted"] = sum(
            1 for f in report["files"] if any(x["code"] in ("TFM201", "TFM202") and x["fix"] == "applied" for x in f["findings"])
        )
        counts = collections.Counter()
        for target, source in copies.items():
            with open(source, encoding="utf-8") as a, open(target, encoding="utf-8") as b:
                raw_before, raw_after = a.read(), b.read()
            try:
                before, after = json.loads(raw_before), json.loads(raw_after)
            except ValueError:
                counts["not JSON (untouched)" if raw_before == raw_after else "not JSON, CHANGED"] += 1
                continue
            if raw_before != raw_after:
                counts["changed"] += 1
            if not valid(before):
                counts["invalid as read"] += 1
            elif valid(after):
                counts["valid after"] += 1
            else:
                counts["INVALID after"] += 1
            pieces = [piece for src in code_sources(after) for piece in (src, *src.splitlines(keepends=True))]
            source_lines = {json.dumps(p, ensure_ascii=a) for p in pieces for a in (True, False)}
            source_lines |= {'"source": []', '"source": ""'}  # a cell whose code the rules removed
            changed_lines = [
                line[1:].strip().rstrip(",") for line in difflib.unified_diff(raw_before.splitlines(), raw_after.splitlines(), lineterm="", n=0)
                if line[:1] == "+" and not line.startswith("+++")
            ]
            only_sources = all(line in source_lines for line in changed_lines)
            intact = without_code(before) == without_code(after) and only_sources
            counts["intact" if intact else "NOT INTACT"] += 1
            counts["ipython lines kept" if ipython_lines(before) == ipython_lines(after) or not ipython_lines(before) else "IPYTHON LINES CHANGED"] += 1
            counts["ipython lines"] += len(ipython_lines(before))
        figures["checks"] = dict(counts)
    return figures


def pairs(folder: str, jobs: int | None) -> dict:
    command = [sys.executable, "-m", "tf2migrate", "check", "--no-cache", "--format", "json", *(["--jobs", str(jobs)] if jobs else []), folder]
    report = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
    by_stem: dict[str, dict[str, str]] = collections.defaultdict(dict)
    for f in report["files"]:
        kind = "nb" if f["path"].endswith(".ipynb") else "py"
        converted = any(x["code"] in ("TFM201", "TFM202") and x["fix"] == "applied" for x in f["findings"])
        state = "failed" if f["status"] == "failed" else ("converted" if converted else "not converted")
        stem = os.path.splitext(os.path.basename(f["path"]))[0]
        by_stem[stem].setdefault(kind, state)
    return dict(collections.Counter(f"py {v['py']} / notebook {v['nb']}" for v in by_stem.values() if "py" in v and "nb" in v))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--pairs", action="store_true", help="compare notebooks with .py files of the same name")
    args = parser.parse_args(argv)
    for folder in args.folders:
        name = os.path.basename(os.path.abspath(folder))
        if args.pairs:
            print(name, "pairs", json.dumps(pairs(folder, args.jobs)))
        else:
            print(name, json.dumps(survey(folder, args.jobs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
