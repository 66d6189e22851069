"""Count the Session programs of a folder of real TF1 code that tf2migrate converts natively.

    python bench/session_programs.py FOLDER [FOLDER...] [--reasons]

For each folder (a checkout of a repository, fetched beforehand: this script fetches nothing) it runs
`tf2migrate check --format json --jobs 1` and sorts the files that open a `tf.Session` /
`tf.InteractiveSession` into: converted to eager TF2 (TFM201 would be applied), left to the graph-mode
fallback (TFM260), or neither. With `--reasons` it also counts the messages of the findings that kept
files in graph mode (TFM211-TFM229), most frequent first.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
from pathlib import Path

SESSION = re.compile(r"\b(Interactive)?Session\(")
DECLINES = tuple(f"TFM2{n}" for n in range(11, 30))


def measure(folder: Path) -> tuple[dict[str, list[str]], collections.Counter[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "tf2migrate", "check", "--format", "json", "--jobs", "1", str(folder)],
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    groups: dict[str, list[str]] = {"native": [], "fallback": [], "other": []}
    reasons: collections.Counter[str] = collections.Counter()
    for entry in report["files"]:
        path = Path(entry["path"])
        if path.suffix != ".py":
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if not SESSION.search(text):
            continue
        codes = {(f["code"], f["fix"]) for f in entry["findings"]}
        if ("TFM201", "applied") in codes:
            groups["native"].append(str(path))
        elif ("TFM260", "applied") in codes:
            groups["fallback"].append(str(path))
        else:
            groups["other"].append(str(path))
        for finding in entry["findings"]:
            if finding["code"] in DECLINES and finding["fix"] == "manual":
                message = re.sub(r"`[^`]*`", "`…`", finding["message"].split(";")[0])
                reasons[f"{finding['code']} {message}"] += 1
    return groups, reasons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--reasons", action="store_true")
    args = parser.parse_args()
    total = collections.Counter[str]()
    all_reasons = collections.Counter[str]()
    print("| folder | Session files | native | fallback | other |")
    print("|---|---:|---:|---:|---:|")
    for folder in args.folders:
        groups, reasons = measure(folder)
        count = sum(len(g) for g in groups.values())
        print(f"| {folder.name} | {count} | {len(groups['native'])} | {len(groups['fallback'])} | {len(groups['other'])} |")
        total.update({k: len(v) for k, v in groups.items()})
        all_reasons.update(reasons)
    print(f"| total | {sum(total.values())} | {total['native']} | {total['fallback']} | {total['other']} |")
    if args.reasons:
        for reason, count in all_reasons.most_common(30):
            print(f"{count:4d}  {reason}")


if __name__ == "__main__":
    main()
