"""Keras 2 example scripts, migrated by `tf2migrate fix`, run under Keras 3 on synthetic MNIST (no network).

    .venv/bin/python bench/keras_examples.py FOLDER [--timeout 240] [--only mnist_mlp,addition_rnn] [--jobs 1]

FOLDER is a folder of Keras 2 example scripts (Keras 2.2.4's `examples/`, checked out by you: this script fetches
nothing). It is copied twice to a temporary directory; one copy is migrated with `tf2migrate fix` (all rules),
then `tf2migrate check` counts the findings left per script. Each script is classified from its original text:
"skipped" when it needs data other than MNIST or generated arrays (a dataset loader other than `mnist`,
`get_file`, `open(...)` for reading, pretrained `keras.applications` weights, images or a path from `sys.argv`),
else it is run twice with a timeout, each in its own copy's folder:

    Keras 2   the original under `tests/keras2_runner.py` (tf_keras, TF_USE_LEGACY_KERAS=1)
    Keras 3   the migrated script under TF 2.21 / Keras 3

Both runs get a temporary HOME with a synthetic `mnist.npz` (60000/10000 random uint8 images and labels, the
shapes of the real file, since examples hard-code `reshape(60000, 784)`) at `$HOME/.keras/datasets/` (tf_keras'
cache) with KERAS_HOME set to `$HOME/.keras` (Keras 3's), MPLBACKEND=Agg, no GPU, and `bench/keras_examples_harness`
on PYTHONPATH: its `sitecustomize.py` caps training (one epoch, a few hundred samples or three steps, custom
`train_on_batch` loops stopped after ten batches) and lets `mnist.load_data` take the synthetic file (see its
docstring). Prints a markdown table: per script its data, the Keras 2 outcome, the Keras 3 outcome (ran, ran
(capped), failed with the last line of the traceback, timeout) and the findings `check` leaves (codes).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = Path(__file__).resolve().parent / "keras_examples_harness"
RUNNER = ROOT / "tests" / "keras2_runner.py"

OTHER_DATA = {
    r"\b(cifar10|cifar100|imdb|reuters|fashion_mnist|boston_housing)\b": "Keras dataset other than MNIST",
    r"\bget_file\s*\(": "downloads a file",
    r"keras\.applications\b": "pretrained keras.applications weights",
    r"\b(load_img|imread)\s*\(": "reads images",
    r"\bsys\.argv\s*\[": "path from the command line",
}


def needs_other_data(source: str) -> str | None:
    """Why the script needs data other than MNIST or generated arrays, or None."""
    for pattern, reason in OTHER_DATA.items():
        if re.search(pattern, source):
            return reason
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "does not parse"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if mode is None or (isinstance(mode, ast.Constant) and "r" in str(mode.value)):
                return "reads a data file"
    return None


def make_mnist(home: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    folder = home / ".keras" / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(
        folder / "mnist.npz",
        x_train=rng.integers(0, 256, (60000, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 60000, dtype=np.uint8),
        x_test=rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 10000, dtype=np.uint8),
    )


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tf2migrate", *args], capture_output=True, text=True)


def findings_per_file(folder: Path) -> dict[str, Counter]:
    out = tool("check", "--format", "json", "-j", "1", str(folder)).stdout
    per: dict[str, Counter] = {}
    for result in json.loads(out or "[]") if out.strip().startswith("[") else json.loads(out).get("files", []):
        path = Path(result.get("path", "")).name
        per[path] = Counter(f["code"] for f in result.get("findings", []))
    return per


def last_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[\w.]*(Error|Exception|Exit|Interrupt)\b.*", line) or re.match(r"^[\w.]+Error:", line):
            return line[:160]
    return (lines[-1] if lines else "no output")[:160]


def run_script(script: Path, home: Path, keras2: bool, timeout: float) -> tuple[str, float]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        KERAS_HOME=str(home / ".keras"),
        PYTHONPATH=str(HARNESS),
        MPLBACKEND="Agg",
        CUDA_VISIBLE_DEVICES="",
        TF_CPP_MIN_LOG_LEVEL="3",
        KERAS_BACKEND="tensorflow",
        PYTHONHASHSEED="0",
    )
    env.pop("TF_USE_LEGACY_KERAS", None)
    command = [sys.executable, str(RUNNER), script.name] if keras2 else [sys.executable, script.name]
    start = time.monotonic()
    try:
        done = subprocess.run(command, cwd=script.parent, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timeout ({timeout:.0f} s)", time.monotonic() - start
    seconds = time.monotonic() - start
    if done.returncode == 0:
        return ("ran (capped)" if "HARNESS: training capped" in done.stderr else "ran"), seconds
    return f"failed: {last_error(done.stderr)}", seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--only", default="", help="comma-separated script names (without .py)")
    parser.add_argument("--jobs", type=int, default=1, help="scripts run at the same time")
    parser.add_argument("--no-keras2", action="store_true", help="do not run the originals")
    parser.add_argument("--keep", action="store_true", help="keep (and print) the temporary directory")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="keras_examples_"))
    original, migrated, home = work / "original", work / "migrated", work / "home"
    shutil.copytree(options.folder, original)
    shutil.copytree(options.folder, migrated)
    make_mnist(home)
    fix = tool("fix", "-q", "-j", "1", str(migrated))
    findings = findings_per_file(migrated)

    only = {name.strip() for name in options.only.split(",") if name.strip()}
    scripts = sorted(p for p in original.glob("*.py") if not only or p.stem in only)
    rows: list[tuple[str, str, str, str, str]] = []
    runnable: list[Path] = []
    for script in scripts:
        reason = needs_other_data(script.read_text(encoding="utf-8", errors="replace"))
        if reason:
            left = ", ".join(f"{c}×{n}" if n > 1 else c for c, n in sorted(findings.get(script.name, {}).items()))
            rows.append((script.stem, f"other ({reason})", "skipped", "skipped", left or "-"))
        else:
            runnable.append(script)

    def both(script: Path) -> tuple[Path, tuple[str, float] | None, tuple[str, float]]:
        before = None if options.no_keras2 else run_script(script, home, True, options.timeout)
        after = run_script(migrated / script.name, home, False, options.timeout)
        return script, before, after

    with ThreadPoolExecutor(max_workers=max(options.jobs, 1)) as pool:
        for script, before, after in pool.map(both, runnable):
            left = ", ".join(f"{c}×{n}" if n > 1 else c for c, n in sorted(findings.get(script.name, {}).items()))
            before_text = "not run" if before is None else f"{before[0]} ({before[1]:.0f} s)"
            rows.append((script.stem, "MNIST / generated", before_text, f"{after[0]} ({after[1]:.0f} s)", left or "-"))
            print(f"{script.stem}: {before_text} -> {after[0]}", file=sys.stderr, flush=True)

    rows.sort()
    print(f"Folder: {options.folder} ({len(scripts)} scripts); `tf2migrate fix` exit code {fix.returncode}.\n")
    print("| script | data | Keras 2 (original) | Keras 3 (migrated) | findings left |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    tested = [r for r in rows if r[1] == "MNIST / generated"]
    ran_after = sum(r[3].startswith("ran") for r in tested)
    ran_before = sum(r[2].startswith("ran") for r in tested)
    both_ran = sum(r[2].startswith("ran") and r[3].startswith("ran") for r in tested)
    print(
        f"\n{len(tested)} scripts need only MNIST or generated data: {ran_before} ran under Keras 2, "
        f"{ran_after} ran migrated under Keras 3 ({both_ran} of the {ran_before} that ran under Keras 2); "
        f"{len(rows) - len(tested)} skipped."
    )
    if options.keep:
        print(f"\nkept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
