"""Measure the Keras 2 backend rules (TFM501-TFM505) on a folder of real Keras 2 code.

    .venv/bin/python scripts/measure_keras_backend.py FOLDER [FOLDER...]

Fetches nothing: give it checked-out repositories. Each folder is copied to a temporary directory,
migrated with `tf2migrate fix`, then checked again with `tf2migrate check`. Printed per folder:

    uses      backend references before (`K.name` / `backend.name` spelled in the source; names
              Keras 3's `keras.backend` still has, `K.epsilon()` & co, are not counted)
    rewritten fixes applied by TFM501/TFM502/TFM504
    reported  manual or unsafe findings of TFM503/TFM504/TFM505 and TFM330 findings on backend names
    left      backend references still in the migrated code
    silent    of those, references on a line the second `check` reports nothing about
              (typically a `K` the tool cannot resolve: a project's own wrapper module)
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

KEPT = {"backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_keras_tensor",
        "set_epsilon", "set_floatx", "set_image_data_format"}
OURS = {"TFM501", "TFM502", "TFM503", "TFM504", "TFM505"}


def _statement_span(statement: ast.stmt) -> tuple[int, int]:
    """Lines of a simple statement, or of a compound statement's header."""
    body = getattr(statement, "body", None)
    if isinstance(body, list) and body:
        return statement.lineno, max(statement.lineno, body[0].lineno - 1)
    return statement.lineno, statement.end_lineno or statement.lineno


def _uses(root: Path) -> dict[tuple[str, int, int], list[str]]:
    """Backend references in code (not strings or comments): (file, first line, last line of the statement) -> names."""
    found: dict[tuple[str, int, int], list[str]] = {}
    for path in root.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError, OSError):
            continue
        for statement in ast.walk(tree):
            if not isinstance(statement, ast.stmt) or isinstance(statement, (ast.Import, ast.ImportFrom)):
                continue
            first, last = _statement_span(statement)
            children = [statement] if not isinstance(getattr(statement, "body", None), list) else [
                getattr(statement, name) for name in ("test", "iter", "items", "value") if getattr(statement, name, None) is not None
            ]
            names = []
            for child in children:
                for node in ast.walk(child) if isinstance(child, ast.AST) else [n for c in child for n in ast.walk(c)]:
                    if isinstance(node, ast.Attribute) and node.attr not in KEPT and _is_backend(node.value):
                        names.append(node.attr)
            if names:
                found[(str(path.relative_to(root)), first, last)] = names
    return found


def _is_backend(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ("K", "KB", "backend")
    return isinstance(node, ast.Attribute) and node.attr == "backend" and isinstance(node.value, ast.Name) and node.value.id in ("keras", "tf")


def _findings(args: list[str], root: Path) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "tf2migrate", *args, "--format", "json", str(root)], capture_output=True, text=True)
    report = json.loads(done.stdout)
    rows = []
    for entry in report["files"]:
        path = Path(entry["path"]).resolve()
        for finding in entry["findings"]:
            rows.append({**finding, "file": str(path.relative_to(root.resolve()))})
    return rows


def measure(folder: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / folder.name
        shutil.copytree(folder, root, ignore=shutil.ignore_patterns(".git"))
        before = _uses(root)
        fixed = _findings(["fix"], root)
        after = _uses(root)
        second = _findings(["check"], root)
    counts = Counter(f["code"] + ":" + f["fix"] for f in fixed if f["code"] in OURS)
    rewritten = sum(n for key, n in counts.items() if key.endswith(":applied"))
    reported = sum(n for key, n in counts.items() if not key.endswith(":applied"))
    reported += sum(1 for f in fixed if f["code"] == "TFM330" and "keras.backend." in f["message"])
    flagged_lines = {(f["file"], f["line"]) for f in second}
    for f in second:  # "also used on lines 12, 30": one finding for every use of a name
        for listed in re.findall(r"\bon lines? ([\d, and]+)", f["message"]):
            flagged_lines.update((f["file"], int(n)) for n in re.findall(r"\d+", listed))
    silent = {
        key: names for key, names in after.items() if not any((key[0], line) in flagged_lines for line in range(key[1], key[2] + 1))
    }
    return {
        "folder": folder.name,
        "uses": sum(len(v) for v in before.values()),
        "rewritten": rewritten,
        "reported": reported,
        "left": sum(len(v) for v in after.values()),
        "silent": sum(len(v) for v in silent.values()),
        "silent_names": Counter(n for v in silent.values() for n in v).most_common(8),
        "by_rule": dict(sorted(counts.items())),
    }


def main(argv: list[str]) -> int:
    for folder in argv:
        print(json.dumps(measure(Path(folder))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
