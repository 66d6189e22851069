"""Execution fixtures: TF1-era programs are migrated with the real command, then run under the
installed TensorFlow 2.x in a subprocess; each must pass its own assertions and print the marker."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from harness import EXEC_MARKER, ExecCase, exec_cases, run_python, run_tool
from shared_runs import SharedRuns, shared_runs  # noqa: F401 - the fixture

CASES = exec_cases()
GRAPH_MODE = re.compile(r"\bSession\b|\bplaceholder\b|\bfeed_dict\b|compat\.v1")

pytestmark = pytest.mark.tensorflow


def test_there_are_execution_cases():
    assert len(CASES) >= 1


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_migrated_program_runs(case: ExecCase, tmp_path: Path, shared_runs: SharedRuns):
    program = tmp_path / case.source.name
    shutil.copyfile(case.source, program)

    if "original-fails" in case.flags:
        before = run_python(program)
        assert before.returncode != 0 or EXEC_MARKER not in before.stdout, "the unmigrated program should fail on TF 2.x"

    shared = shared_runs.migrated_run(case)  # `fix` on a copy, then the copy run: shared with test_equivalence.py
    fixed = shared.fixed
    assert fixed.returncode in (0, 1), fixed.stderr
    migrated = shared.migrated
    assert migrated != case.source.read_text(encoding="utf-8"), "the tool changed nothing"

    if "native" in case.flags:
        code_lines = [line for line in migrated.splitlines() if not line.lstrip().startswith("#")]
        leftovers = [line for line in code_lines if GRAPH_MODE.search(line)]
        assert not leftovers, f"graph-mode constructs left: {leftovers}"

    after = shared.after
    assert after.returncode == 0, f"migrated program failed:\n{after.stderr[-3000:]}\n--- migrated ---\n{migrated}"
    assert after.stdout.rstrip().splitlines()[-1:] == [EXEC_MARKER], after.stdout[-2000:]

    program.write_text(migrated, encoding="utf-8")
    again = run_tool("fix", "--quiet", *case.options, str(program))
    assert program.read_text(encoding="utf-8") == migrated, "a second run changed the migrated program"
    assert again.returncode in (0, 1)
