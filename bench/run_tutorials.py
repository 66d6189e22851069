"""Run real TF1 tutorial scripts after `tf2migrate fix`, on a synthetic MNIST, and count how many run.

    python bench/run_tutorials.py FOLDER [--timeout 60] [--all] [--no-fix] [--keep DIR] [--jobs 1]

FOLDER holds the scripts (a checkout fetched beforehand: this script fetches nothing). They are copied
to a temporary folder, migrated there with `tf2migrate fix` (unless `--no-fix`), and each one that
reads MNIST through TF1's tutorial reader (or, with `--all`, every script that imports TensorFlow) is
run under the installed TensorFlow with its folder as working directory, a time limit and no network
use: a synthetic `mnist.npz` (Keras' layout: 60,000 + 10,000 28x28 uint8 images of ten learnable
classes) is written into each data folder the scripts name (relative ones inside the copy; absolute
ones only under /tmp) and into a private KERAS_HOME. A script counts as *ran* when it exits with status
0, as *time limit* when it was still running without error when the limit came (no step cap is edited
into the scripts: `--train` makes the epochs shorter), as *missing package* when it needs a module
other than TensorFlow that is not installed (matplotlib, ...), as *failed* otherwise (the last line of
its error is printed).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

READER_CALL = re.compile(r"(?:read_mnist_data_sets|read_data_sets)\(\s*(?:train_dir\s*=\s*)?([\"'])([^\"']+)\1")
USES_MNIST = ("read_mnist_data_sets", "tutorials.mnist")


def synthetic_mnist(path: Path, train: int = 60000, test: int = 10000, seed: int = 0) -> None:
    """Keras' mnist.npz layout, with images a small network can learn: one template per class (~15% of the
    pixels lit, about as many as MNIST digits), varying intensities, a few pixels flipped."""
    rng = np.random.default_rng(seed)
    templates = rng.random((10, 28, 28)) < 0.15

    def part(count: int) -> tuple[np.ndarray, np.ndarray]:
        labels = rng.integers(0, 10, count).astype(np.uint8)
        lit = templates[labels] ^ (rng.random((count, 28, 28)) < 0.02)
        images = np.where(lit, rng.integers(100, 256, (count, 28, 28)), 0).astype(np.uint8)
        return images, labels

    x_train, y_train = part(train)
    x_test, y_test = part(test)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


def data_folders(script: Path) -> list[Path]:
    """The folders a script's MNIST reader call names (relative to the script's folder)."""
    folders = []
    for match in READER_CALL.finditer(script.read_text(encoding="utf-8", errors="replace")):
        folder = Path(os.path.expanduser(match.group(2)))
        folders.append(folder if folder.is_absolute() else script.parent / folder)
    return folders


def place(npz: Path, folder: Path) -> bool:
    if folder.is_absolute() and not folder.resolve().is_relative_to("/tmp") and not folder.resolve().is_relative_to(tempfile.gettempdir()):
        return False
    target = folder / "mnist.npz"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(npz, target)
    return True


def run(script: Path, timeout: float, keras_home: Path) -> tuple[str, str, float]:
    env = {
        **os.environ,
        "KERAS_HOME": str(keras_home),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "CUDA_VISIBLE_DEVICES": "",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
    }
    started = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, script.name], cwd=script.parent, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return "time limit", "", time.monotonic() - started
    elapsed = time.monotonic() - started
    if result.returncode == 0:
        return "ran", "", elapsed
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else f"exit status {result.returncode}"
    missing = re.match(r"ModuleNotFoundError: No module named '([^'.]+)", last)
    if missing and missing.group(1) not in ("tensorflow", "keras"):
        return "missing package", last, elapsed  # not TensorFlow's doing (matplotlib, pandas, gym, ...)
    return "failed", last, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per script")
    parser.add_argument("--all", action="store_true", help="run every script that imports TensorFlow, not only the MNIST ones")
    parser.add_argument("--no-fix", action="store_true", help="run the scripts as they are (the baseline)")
    parser.add_argument("--train", type=int, default=60000, help="synthetic training images (TF1's reader keeps 5,000 of them for validation)")
    parser.add_argument("--test", type=int, default=10000, help="synthetic test images")
    parser.add_argument("--keep", type=Path, help="work in this folder (kept) instead of a temporary one")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="tf2migrate-tutorials-"))
    copy = work / "scripts"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(args.folder, copy, ignore=shutil.ignore_patterns(".git", "*.ipynb"))
    if not args.no_fix:
        subprocess.run([sys.executable, "-m", "tf2migrate", "fix", "--jobs", "1", str(copy)], capture_output=True, text=True)
    npz = work / "mnist.npz"
    synthetic_mnist(npz, args.train, args.test)
    keras_home = work / "keras"
    place(npz, keras_home / "datasets")

    scripts = []
    for script in sorted(copy.rglob("*.py")):
        text = script.read_text(encoding="utf-8", errors="replace")
        if "tensorflow" not in text:
            continue
        if args.all or any(marker in text for marker in USES_MNIST):
            scripts.append(script)
    counts = {"ran": 0, "time limit": 0, "failed": 0, "missing package": 0}
    for script in scripts:
        folders = data_folders(script)
        if not all(place(npz, folder) for folder in folders):
            outcome, reason, elapsed = "failed", "its data folder is outside /tmp (not written)", 0.0
        else:
            outcome, reason, elapsed = run(script, args.timeout, keras_home)
        counts[outcome] += 1
        print(f"{outcome:10s} {elapsed:6.1f}s  {script.relative_to(copy)}  {reason[:160]}", flush=True)
    print(
        f"{len(scripts)} scripts: {counts['ran']} ran to completion, {counts['time limit']} still running at the {args.timeout:.0f} s limit, "
        f"{counts['failed']} failed, {counts['missing package']} need a package that is not installed"
    )


if __name__ == "__main__":
    main()
