"""The pre-commit hooks: the manifest pre-commit reads, and the real `pre-commit` blocking a TF1 file, then passing it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TF1 = "import tensorflow as tf\n\ntf.set_random_seed(1)\nx = tf.random_normal([2])\n"

pre_commit = pytest.importorskip("pre_commit")


def test_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert hooks["tf2migrate"]["entry"] == "tf2migrate fix"
    assert hooks["tf2migrate-check"]["entry"] == "tf2migrate check"
    assert all(set(h["types_or"]) == {"python", "jupyter"} for h in hooks.values())


def _git(repo: Path, *args: str, env: dict) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env)


def test_real_pre_commit_blocks_a_tf1_file_then_lets_the_fixed_file_through(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
        "TF2MIGRATE_NO_CACHE": "1", "NO_COLOR": "1",
    }
    # the hooks of .pre-commit-hooks.yaml, as a `repo: local` config (no network: language system, this Python)
    entry = f"{sys.executable} -m tf2migrate"
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n"
        f"  - id: tf2migrate\n    name: tf2migrate\n    entry: {entry} fix\n    language: system\n    types_or: [python, jupyter]\n"
        f"  - id: tf2migrate-check\n    name: tf2migrate check\n    entry: {entry} check\n    language: system\n    types_or: [python, jupyter]\n"
        "    stages: [manual]\n",
        encoding="utf-8",
    )
    (repo / "train.py").write_text(TF1, encoding="utf-8")
    assert _git(repo, "init", "-q", env=env).returncode == 0
    hook = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, capture_output=True, text=True, env=env)
    assert hook.returncode == 0, hook.stderr
    _git(repo, "add", ".", env=env)

    # check (manual stage) reports and fails without touching the file
    check = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "tf2migrate-check", "--hook-stage", "manual", "--files", "train.py"],
        cwd=repo, capture_output=True, text=True, env=env,
    )
    assert check.returncode == 1 and "TFM401" in check.stdout and (repo / "train.py").read_text() == TF1

    blocked = _git(repo, "commit", "-qm", "tf1", env=env)
    assert blocked.returncode != 0, blocked.stdout
    assert "files were modified by this hook" in blocked.stdout + blocked.stderr
    fixed = (repo / "train.py").read_text(encoding="utf-8")
    assert "tf.random.set_seed(1)" in fixed and "tf.random.normal([2])" in fixed
    assert _git(repo, "log", "--oneline", env=env).returncode != 0  # nothing committed

    _git(repo, "add", ".", env=env)
    passed = _git(repo, "commit", "-qm", "migrated", env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _git(repo, "log", "--oneline", env=env).stdout.count("\n") == 1
