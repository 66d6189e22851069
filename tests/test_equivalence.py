"""Execution fixtures marked `equivalent` (TF1 programs) or `keras2-equivalent` (Keras 2 programs): the
original program, run with the old semantics (TF1: `tests/tf1_runner.py`; Keras 2: `tests/keras2_runner.py`,
tf_keras with TF_USE_LEGACY_KERAS=1), and the migrated program, run under TF 2.x / Keras 3, print the same
numbers (losses, weights, accuracies) to 1e-5. Only deterministic programs (constant initial values,
seeded data) carry the flags."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from harness import EXEC_MARKER, ExecCase, exec_cases, run_keras2, run_tf1
from shared_runs import SharedRuns, shared_runs  # noqa: F401 - the fixture

CASES = [case for case in exec_cases() if case.flags & {"equivalent", "keras2-equivalent"}]
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
TOLERANCE = 1e-5

pytestmark = pytest.mark.tensorflow


def printed_numbers(stdout: str) -> list[float]:
    return [float(token) for token in NUMBER.findall(stdout)]


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def test_number_extraction_and_tolerance():
    assert printed_numbers("epoch 10 cost np.float32(0.25) [None, 1e-3]\n") == [10.0, 32.0, 0.25, 0.001]
    assert close(1.0, 1.0 + 5e-6) and not close(1.0, 1.0 + 5e-5)


def test_there_are_equivalence_cases():
    assert CASES


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_printed_numbers(case: ExecCase, tmp_path: Path, shared_runs: SharedRuns):
    original = tmp_path / "original" / case.source.name
    original.parent.mkdir()
    shutil.copyfile(case.source, original)

    old = "Keras 2" if "keras2-equivalent" in case.flags else "TF1"
    before = (run_keras2 if old == "Keras 2" else run_tf1)(original)
    assert before.returncode == 0, f"the original failed with {old} semantics:\n{before.stderr[-3000:]}"
    assert before.stdout.rstrip().splitlines()[-1:] == [EXEC_MARKER], before.stdout[-2000:]

    shared = shared_runs.migrated_run(case)  # `fix` on a copy, then the copy run: shared with test_exec.py
    fixed = shared.fixed
    assert fixed.returncode in (0, 1), fixed.stderr
    after = shared.after
    assert after.returncode == 0, f"migrated program failed:\n{after.stderr[-3000:]}"

    want, got = printed_numbers(before.stdout), printed_numbers(after.stdout)
    assert want, "the original prints no numbers to compare"
    assert len(want) == len(got), f"{old}:\n{before.stdout}\nmigrated:\n{after.stdout}"
    differ = [(index, a, b) for index, (a, b) in enumerate(zip(want, got)) if not close(a, b)]
    assert not differ, f"numbers differ (index, {old}, migrated): {differ[:10]}\n{old}:\n{before.stdout}\nmigrated:\n{after.stdout}"
