"""Diffs are coloured on a terminal (rich) and plain text when piped, for .py files and notebook cells alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from harness import run_tool

TF1 = "import tensorflow as tf\ntf.set_random_seed(1)\n"
NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [], "source": TF1}],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_diff_is_coloured_on_a_terminal_and_plain_when_piped(tmp_path):
    (tmp_path / "a.py").write_text(TF1, encoding="utf-8")
    (tmp_path / "nb.ipynb").write_text(json.dumps(NOTEBOOK, indent=1), encoding="utf-8")
    piped = run_tool("fix", "--dry-run", "a.py", "nb.ipynb", cwd=tmp_path)
    assert "\x1b[" not in piped.stdout and "+tf.random.set_seed(1)\n" in piped.stdout
    # rich treats FORCE_COLOR as a terminal; NO_COLOR (set by the harness) must be absent for colour
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"FORCE_COLOR": "1", "TF2MIGRATE_NO_CACHE": "1", "COLUMNS": "200"}
    terminal = subprocess.run(
        [sys.executable, "-m", "tf2migrate", "fix", "--dry-run", "a.py", "nb.ipynb"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert terminal.returncode == 1
    assert "\x1b[32m+tf.random.set_seed(1)" in terminal.stdout and "\x1b[31m-tf.set_random_seed(1)" in terminal.stdout
    assert terminal.stdout.count("nb.ipynb:cell 1") == 2  # the notebook's hunk header, coloured too
