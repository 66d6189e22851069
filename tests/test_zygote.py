"""The zygote (`tests/zygote.py`) behind `run_python`/`run_tf1`/`run_keras2`/`run_tool` gives what a fresh
`python PROGRAM` gives: exit codes (normal, `sys.exit`, uncaught exception, killed by a signal), both streams,
the working folder, `sys.argv`, `sys.path[0]`, `__name__`, timeouts, a fresh numpy random state, and the kind's
semantics (TF1 graph mode, Keras 2 from tf_keras, Keras 3)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import zygote_client
from harness import run_keras2, run_python, run_tf1, run_tool

pytestmark = pytest.mark.tensorflow

PROBE = '''
import os, sys
import numpy as np
print("name", __name__)
print("argv", sys.argv)
print("cwd", os.getcwd())
print("path0", sys.path[0])
print("stdin", repr(sys.stdin.read()))
print("random", np.random.randint(1 << 30))
print("oops", file=sys.stderr)
import tensorflow as tf
print("eager", tf.executing_eagerly())
print("keras", tf.keras.layers.Dense.__module__.split(".")[0])
'''


def _program(folder: Path, text: str, name: str = "program.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _lines(stdout: str) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in stdout.splitlines() if " " in line)


@pytest.mark.parametrize(("run", "eager", "keras"), [(run_python, "True", "keras"), (run_tf1, "False", "keras"), (run_keras2, "True", "tf_keras")])
def test_fresh_process_state(run, eager: str, keras: str, tmp_path: Path):
    path = _program(tmp_path, PROBE)
    kind = {run_python: "tf2", run_tf1: "tf1", run_keras2: "keras2"}[run]
    maybe_plain = run(path)  # the first request of a kind starts the zygote and runs plainly
    assert zygote_client.wait_ready(kind), "the zygote did not start"
    count = zygote_client.served.get(kind, 0)
    first, second = run(path), run(path)
    assert zygote_client.served[kind] == count + 2
    assert first.returncode == 0, first.stderr[-3000:]
    seen = _lines(first.stdout)
    assert {**_lines(maybe_plain.stdout), "random": ""} == {**seen, "random": ""}
    assert seen["name"] == "__main__" and seen["argv"] == repr([str(path)])
    assert seen["cwd"] == str(tmp_path) and seen["stdin"] == "''"
    assert seen["path0"] == (str(tmp_path.resolve()) if run is run_python else str(Path(__file__).resolve().parent))
    assert (seen["eager"], seen["keras"]) == (eager, keras)
    assert "oops" in first.stderr
    assert _lines(second.stdout)["random"] != seen["random"], "each run must get its own unseeded numpy state"


def test_exit_codes_and_failures(tmp_path: Path):
    assert run_python(_program(tmp_path, "import sys\nprint('x')\nsys.exit(3)\n")).returncode == 3
    assert run_python(_program(tmp_path, "import sys\nsys.exit('bad')\n")).stderr.strip().endswith("bad")
    raised = run_python(_program(tmp_path, "import tensorflow as tf\nassert tf.constant(1).numpy() == 2, 'wrong value'\n"))
    assert raised.returncode == 1 and "AssertionError: wrong value" in raised.stderr
    killed = run_python(_program(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n"))
    assert killed.returncode == -11
    atexit = run_python(_program(tmp_path, "import atexit\natexit.register(print, 'bye')\nprint('hi', end='')\n"))
    assert (atexit.returncode, atexit.stdout) == (0, "hibye\n")
    # the zygote still serves after all that
    assert run_python(_program(tmp_path, "print('TFM-EXEC-OK')\n")).stdout == "TFM-EXEC-OK\n"


def test_timeout_kills_the_program(tmp_path: Path):
    path = _program(tmp_path, "import time\nprint('started', flush=True)\ntime.sleep(60)\n")
    with pytest.raises(subprocess.TimeoutExpired) as raised:
        run_python(path, timeout=2)
    assert raised.value.timeout == 2
    assert run_python(_program(tmp_path, "print(6 * 7)\n", "after.py")).stdout == "42\n"


def test_the_command_line(tmp_path: Path):
    source = tmp_path / "a.py"
    source.write_text("import tensorflow as tf\nx = tf.log(2.0)\n", encoding="utf-8")
    fixed = run_tool("fix", "--quiet", "a.py", cwd=tmp_path)
    assert fixed.returncode in (0, 1), fixed.stderr
    assert "tf.math.log" in source.read_text(encoding="utf-8")
    assert run_tool("no-such-command").returncode == 2
    usage = run_tool("--help")
    assert usage.returncode == 0 and "python -m tf2migrate" in usage.stdout


def test_same_results_without_zygote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = _program(tmp_path, "import sys\nimport tensorflow as tf\nprint(float(tf.reduce_sum(tf.ones([3]))))\nprint('w', file=sys.stderr)\nsys.exit(4)\n")
    run_python(_program(tmp_path, "pass\n", "start.py"))
    assert zygote_client.wait_ready("tf2")
    count = zygote_client.served.get("tf2", 0)
    served = run_python(path)
    assert zygote_client.served["tf2"] == count + 1
    monkeypatch.setenv(zygote_client.DISABLE, "1")
    plain = run_python(path)
    assert (served.returncode, served.stdout) == (plain.returncode, plain.stdout) == (4, "3.0\n")
    assert served.stderr.endswith("w\n") and plain.stderr.endswith("w\n")
    assert served.args == plain.args == [sys.executable, str(path)]
