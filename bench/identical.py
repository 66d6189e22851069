"""Prove that two versions of tf2migrate give byte-identical outputs and findings.

    python3 bench/identical.py snapshot OUT.json FOLDER [FOLDER ...] [--unsafe-fixes] [--times]
    python3 bench/identical.py compare A.json B.json

`snapshot` runs `tf2migrate.engine.process_file` (dry run: nothing is written) over every `.py` and
`.ipynb` file under the folders, in sorted order, and writes per file: the status, the failure reason,
a SHA-256 of the unified diff (the output text, byte for byte) and every finding as
(line, column, cell, code, message, fix state). Which tf2migrate it measures is the one the Python
running it imports: run it from outside a checkout (`cd /tmp`) with another interpreter (a venv) to
compare two versions. `--times` adds each file's CPU seconds (not compared).

`compare` prints every file whose entry differs and exits 1 when any does. Fetches nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time


def files_under(folders: list[str]) -> list[str]:
    found = []
    for folder in folders:
        if os.path.isfile(folder):
            found.append(folder)
            continue
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                if name.endswith((".py", ".ipynb")):
                    path = os.path.join(root, name)
                    if os.path.isfile(path) and not os.path.islink(path):
                        found.append(path)
    return sorted(found)


def snapshot(out: str, folders: list[str], unsafe_fixes: bool, times: bool) -> int:
    import tf2migrate
    from tf2migrate.engine import Options, process_file
    from tf2migrate.selection import Selection

    options = Options(selection=Selection(unsafe_fixes=unsafe_fixes), write=False)
    entries: dict[str, dict[str, object]] = {}
    total = 0.0
    for path in files_under(folders):
        start = time.process_time()
        result = process_file(path, options)
        spent = time.process_time() - start
        total += spent
        entry: dict[str, object] = {
            "status": result.status.value,
            "reason": result.reason.split("\n")[0],
            "diff": hashlib.sha256(result.diff.encode("utf-8", "surrogatepass")).hexdigest() if result.diff else "",
            "findings": [[f.line, f.column, f.cell, f.code, f.message, f.fix.value] for f in result.findings],
        }
        if times:
            entry["cpu"] = round(spent, 4)
        entries[os.path.abspath(path)] = entry
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"tf2migrate": tf2migrate.__file__, "cpu": round(total, 2), "files": entries}, handle, indent=0, sort_keys=True)
    print(f"{len(entries)} files, {total:.1f} s CPU in engine ({tf2migrate.__file__}) -> {out}")
    return 0


def compare(a_path: str, b_path: str) -> int:
    with open(a_path, encoding="utf-8") as handle:
        a = json.load(handle)
    with open(b_path, encoding="utf-8") as handle:
        b = json.load(handle)
    fa, fb = a["files"], b["files"]
    differing = 0
    for path in sorted(set(fa) | set(fb)):
        ea, eb = fa.get(path), fb.get(path)
        if ea is not None:
            ea = {k: v for k, v in ea.items() if k != "cpu"}
        if eb is not None:
            eb = {k: v for k, v in eb.items() if k != "cpu"}
        if ea == eb:
            continue
        differing += 1
        print(f"DIFF {path}")
        if ea is None or eb is None:
            print("  only in", a_path if eb is None else b_path)
            continue
        for key in ("status", "reason", "diff"):
            if ea[key] != eb[key]:
                print(f"  {key}: {ea[key]!r} != {eb[key]!r}")
        fa_set = [tuple(x) for x in ea["findings"]]
        fb_set = [tuple(x) for x in eb["findings"]]
        for finding in fa_set:
            if finding not in fb_set:
                print(f"  - {finding}")
        for finding in fb_set:
            if finding not in fa_set:
                print(f"  + {finding}")
        if sorted(fa_set) == sorted(fb_set) and fa_set != fb_set:
            print("  findings in another order")
    same = len(set(fa) & set(fb)) - differing
    print(f"{len(set(fa) | set(fb))} files compared: {same} identical, {differing} differ "
          f"(CPU {a.get('cpu')} s vs {b.get('cpu')} s)")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out")
    snap.add_argument("folders", nargs="+")
    snap.add_argument("--unsafe-fixes", action="store_true")
    snap.add_argument("--times", action="store_true")
    comp = sub.add_parser("compare")
    comp.add_argument("a")
    comp.add_argument("b")
    args = parser.parse_args(argv)
    if args.command == "snapshot":
        return snapshot(args.out, args.folders, args.unsafe_fixes, args.times)
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
