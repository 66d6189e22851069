"""Property tests (hypothesis): mutants of every golden fixture and of generated TF1 programs — lines
deleted, duplicated, swapped, truncated, TF1 calls injected, encodings and line endings varied — never
crash the tool; what it writes parses, compiles where the input compiled, is a fixed point (a second
`fix` changes nothing), and is exactly what its dry-run patch gives under `git apply`.

Bounded (few examples, derandomized) so the suite stays fast and deterministic; `bench/fuzz.py` runs the
same properties on many more mutants and reports its figures in the README.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import ROOT, golden_cases

sys.path.insert(0, str(ROOT / "bench"))
import mutants  # noqa: E402  (bench/mutants.py: the mutation operators, shared with bench/fuzz.py)

SOURCES = [case.source.read_text(encoding="utf-8") for case in golden_cases()]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@st.composite
def mutant(draw) -> bytes:
    if draw(st.booleans()):
        text = draw(st.sampled_from(SOURCES))
    else:
        text = mutants.generated_tf1(draw(st.integers(0, 10_000)))
    operations = draw(st.lists(st.tuples(st.sampled_from(mutants.OPERATIONS), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=3))
    for name, first, second in operations:
        text = mutants.mutate(text, name, first, second)
    return mutants.encode(text, draw(st.sampled_from(mutants.NEWLINES)), draw(st.sampled_from(mutants.ENCODINGS)))


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=mutant())
def test_mutants_never_break_the_tool_and_fixes_are_final(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("mutant")
    problems = mutants.check(data, folder)
    assert not problems, problems


def test_check_reports_a_broken_property(tmp_path, monkeypatch):
    """The checker itself can fail: a fix that is not a fixed point is reported."""
    from tf2migrate import engine

    calls = {"n": 0}
    real = engine.migrate_text

    def drifting(text, *args, **kwargs):
        migration = real(text, *args, **kwargs)
        calls["n"] += 1
        migration.text = migration.text + f"\nz{calls['n']} = 1\n"
        return migration

    monkeypatch.setattr(engine, "migrate_text", drifting)
    problems = mutants.check(b"import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n", tmp_path)
    assert any("second fix" in p for p in problems)


def test_jobs_1_and_2_give_identical_reports_on_mutants(tmp_path):
    import random

    rng = random.Random(11)
    for index in range(10):
        text = rng.choice(SOURCES) if index % 2 else mutants.generated_tf1(index)
        name, first, second = rng.choice(mutants.OPERATIONS), rng.randrange(10**6), rng.randrange(10**6)
        data = mutants.encode(mutants.mutate(text, name, first, second), rng.choice(mutants.NEWLINES), rng.choice(mutants.ENCODINGS))
        (tmp_path / f"m{index:02d}.py").write_bytes(data)
    runs = [
        subprocess.run([sys.executable, "-m", "tf2migrate", "check", "--format", "json", "--jobs", jobs, "."], cwd=tmp_path, capture_output=True, timeout=300)
        for jobs in ("1", "2")
    ]
    assert runs[0].stdout == runs[1].stdout and runs[0].returncode == runs[1].returncode
    assert b'"files"' in runs[0].stdout
