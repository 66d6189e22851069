"""Shared test helpers: where fixtures are, how their directives read, how to run the real command."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import zygote_client

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXEC_FIXTURES = FIXTURES / "exec"
EXEC_MARKER = "TFM-EXEC-OK"
TEST_DIRECTIVE = "# tf2migrate-test:"
EXEC_DIRECTIVE = "# tf2migrate-exec:"
# Files beside golden or execution fixtures that are not inputs themselves.
NOT_INPUTS = (".expected.py", ".target.py", ".fallback.py")


@dataclass(frozen=True)
class GoldenCase:
    source: Path

    @property
    def id(self) -> str:
        return f"{self.source.parent.name}/{self.source.stem}"

    @property
    def expected(self) -> Path:
        return self.source.with_name(self.source.stem + ".expected.py")

    @property
    def findings_file(self) -> Path:
        return self.source.with_name(self.source.stem + ".findings")

    def options(self) -> list[str]:
        first = self.source.read_text(encoding="utf-8").splitlines()[:1]
        if first and first[0].startswith(TEST_DIRECTIVE):
            return shlex.split(first[0][len(TEST_DIRECTIVE) :])
        return []


def golden_cases() -> list[GoldenCase]:
    cases = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "exec"):
        for source in sorted(folder.rglob("*.py")):
            if not source.name.endswith(NOT_INPUTS):
                cases.append(GoldenCase(source))
    return cases


@dataclass(frozen=True)
class ExecCase:
    source: Path
    flags: frozenset[str]
    options: tuple[str, ...]

    @property
    def id(self) -> str:
        return str(self.source.relative_to(EXEC_FIXTURES).with_suffix(""))


def exec_cases() -> list[ExecCase]:
    cases = []
    for source in sorted(EXEC_FIXTURES.rglob("*.py")):
        if source.name.endswith(NOT_INPUTS):
            continue
        for line in source.read_text(encoding="utf-8").splitlines()[:5]:
            if line.startswith(EXEC_DIRECTIVE):
                words = line[len(EXEC_DIRECTIVE) :].split()
                options: tuple[str, ...] = ()
                flags = set()
                for word in words:
                    if word.startswith("options="):
                        options = tuple(o.replace("=", " ", 1) if o.startswith("--select=") or o.startswith("--ignore=") else o for o in word[len("options=") :].split(","))
                    else:
                        flags.add(word)
                cases.append(ExecCase(source, frozenset(flags), tuple(part for o in options for part in o.split())))
                break
    return cases


def run_tool(*args: str, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it (`python -m tf2migrate ...`; forked from a zygote that has
    imported LibCST, click, rich and the tool already, one zygote per environment, see `tests/zygote.py`)."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "TF2MIGRATE_NO_CACHE": "1", **(env or {})}
    args = [sys.executable, "-m", "tf2migrate", *args]
    done = zygote_client.run("cli", args[1:], cwd if cwd is not None else os.getcwd(), full_env, timeout, args)
    if done is not None:
        return done
    return subprocess.run(args, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, env=full_env)


def run_python(path: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a program under the installed TensorFlow, on the CPU, quietly."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PYTHONHASHSEED": "0"}
    return _run_program("tf2", [str(path)], path, timeout, env)


def run_tf1(path: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a TF1-era program with TF1 semantics (`tests/tf1_runner.py`: compat.v1, v2 behaviour off)."""
    from tf1_runner import needs_legacy_keras

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PYTHONHASHSEED": "0"}
    if needs_legacy_keras(path.read_text(encoding="utf-8")):
        env["TF_USE_LEGACY_KERAS"] = "1"  # before TensorFlow loads: a zygote of its own
    runner = Path(__file__).resolve().parent / "tf1_runner.py"
    return _run_program("tf1", [str(runner), str(path)], path, timeout, env)


def run_keras2(path: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a Keras 2-era program with Keras 2 semantics (`tests/keras2_runner.py`: tf_keras, TF_USE_LEGACY_KERAS=1)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PYTHONHASHSEED": "0", "TF_USE_LEGACY_KERAS": "1"}
    runner = Path(__file__).resolve().parent / "keras2_runner.py"
    return _run_program("keras2", [str(runner), str(path)], path, timeout, env)


# A program that sets environment variables may do so before importing TensorFlow: it gets a fresh interpreter.
SETS_ENVIRONMENT = ("environ", "putenv")


def _run_program(kind: str, argv: list[str], path: Path, timeout: float, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python *argv` in the program's folder: forked from a zygote that has imported TensorFlow already
    (`tests/zygote_client.py`, same result without the 3-5 s import), else a plain subprocess."""
    args = [sys.executable, *argv]
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = SETS_ENVIRONMENT[0]
    if not any(word in text for word in SETS_ENVIRONMENT):
        done = zygote_client.run(kind, argv, path.parent, env, timeout, args)
        if done is not None:
            return done
    return subprocess.run(args, cwd=path.parent, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, env=env)


def parse_findings(text: str) -> list[tuple[str, int, int, str]]:
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            code, position, fix = line.split()
            row, column = position.split(":")
            rows.append((code, int(row), int(column), fix))
    return rows
