"""TFM289 (`codemods/tf1_flags.py`): scripts on TF <= 1.4's private flags API print the same flags, values and
left-over arguments when run on TF 1.4's flags module (ported: tests/tf1_flags_reference.py) and, migrated,
on TF 2.21's absl flags, for several command lines. Golden fixtures: fixtures/tf1-flags-private-api*/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import run_tool

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tf1-flags-private-api"
TESTS = Path(__file__).resolve().parent
# The original programs import `tensorflow` for `tf.flags` / `tf.app.flags` only: served by TF 1.4's module.
TF1_PACKAGE = '''import types
import tf1_flags_reference as flags
app = types.SimpleNamespace(flags=flags)
'''
COMMAND_LINES = [
    ("eval_flags.py", []),
    ("eval_flags.py", ["--batch_size", "32", "--eval_train", "--checkpoint_dir=/tmp/run/checkpoints", "--unknown=3",
                       "extra", "--noallow_soft_placement", "--dropout_keep_prob", "0.25"]),
    ("eval_flags.py", ["--eval_train=false", "--batch_size=8"]),
    ("app_flags.py", ["--epochs", "7"]),
]

pytestmark = pytest.mark.tensorflow


def _run(program: Path, argv: list[str], pythonpath: list[Path]) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in pythonpath), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, program.name, *argv], capture_output=True, text=True, env=env, cwd=program.parent, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


@pytest.mark.parametrize("name,argv", COMMAND_LINES, ids=[f"{n}:{' '.join(a) or 'no arguments'}" for n, a in COMMAND_LINES])
def test_migrated_script_prints_what_tf14_printed(name: str, argv: list[str], tmp_path: Path):
    original, migrated = tmp_path / "original" / name, tmp_path / "migrated" / name
    for program in (original, migrated):
        program.parent.mkdir()
        shutil.copyfile(FIXTURES / name, program)
    stub = tmp_path / "tf14" / "tensorflow"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text(TF1_PACKAGE, encoding="utf-8")
    fixed = run_tool("fix", "--quiet", str(migrated))
    assert fixed.returncode in (0, 1), fixed.stderr
    assert "_parse_flags" not in migrated.read_text(encoding="utf-8") and "__flags" not in migrated.read_text(encoding="utf-8")

    before = _run(original, argv, [stub.parent, TESTS])
    after = _run(migrated, argv, [])
    assert before == after
    assert any(line.startswith(("BATCH_SIZE=", "{'epochs'")) for line in before)
