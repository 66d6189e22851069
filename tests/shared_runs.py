"""One migration and one TF 2.x run per execution fixture per test session, shared by `test_exec.py` and
`test_equivalence.py`.

Both tests copy the fixture, run `fix --quiet OPTIONS` on the copy (the real command line), then run the
migrated program under the installed TensorFlow. Same input, same command, same program: the second test
reads what the first produced instead of paying for it again (a `fix` and a TensorFlow program: ~1-10 s
of CPU each). The results are keyed by the fixture's text and options, and kept in a folder that all
pytest-xdist workers of the session share (`tmp_path_factory`'s base folder's parent under xdist), under a
file lock, so that whichever worker comes first does the work and the other one waits for it. Nothing is
kept across sessions. A run that raised (a timeout) is not kept: the next test runs it again and raises too.

The migrated program runs in a fresh folder of its own, as it did in each test's `tmp_path`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import ExecCase, run_python, run_tool


@dataclass(frozen=True)
class MigratedRun:
    """`fix` on a copy of the fixture, the migrated text, and the migrated program's run under TF 2.x."""

    fixed: subprocess.CompletedProcess[str]
    migrated: str
    after: subprocess.CompletedProcess[str]


def _process(done: subprocess.CompletedProcess[str]) -> dict:
    return {"args": [str(a) for a in done.args], "returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def _completed(data: dict) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(data["args"], data["returncode"], data["stdout"], data["stderr"])


class SharedRuns:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def migrated_run(self, case: ExecCase) -> MigratedRun:
        text = case.source.read_text(encoding="utf-8")
        key = hashlib.sha256(json.dumps([case.source.name, text, list(case.options)]).encode()).hexdigest()[:24]
        result = self.root / f"{key}.json"
        with open(self.root / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not result.exists():
                folder = self.root / key
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                program = folder / case.source.name
                shutil.copyfile(case.source, program)
                fixed = run_tool("fix", "--quiet", *case.options, str(program))
                migrated = program.read_text(encoding="utf-8")
                after = run_python(program)
                record = {"fixed": _process(fixed), "migrated": migrated, "after": _process(after)}
                partial = result.with_suffix(".partial")
                partial.write_text(json.dumps(record), encoding="utf-8")
                partial.replace(result)
            record = json.loads(result.read_text(encoding="utf-8"))
        return MigratedRun(_completed(record["fixed"]), record["migrated"], _completed(record["after"]))


@pytest.fixture(scope="session")
def shared_runs(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> SharedRuns:
    base = tmp_path_factory.getbasetemp()
    under_xdist = hasattr(request.config, "workerinput")  # each worker's base folder sits in the session's
    return SharedRuns((base.parent if under_xdist else base) / "shared-exec-runs")
