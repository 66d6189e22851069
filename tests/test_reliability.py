"""Problems with one path never end the run: each is reported for that path with a reason, and no
traceback reaches the user (except with --debug). Through the real command where a user would see it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness import run_tool

TF1 = "import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def files_of(result) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}


@pytest.mark.parametrize("command", ["check", "fix"])
def test_symlink_loops_and_dangling_links_are_reported_and_the_rest_migrated(tmp_path, command):
    write(tmp_path / "good.py", TF1)
    os.symlink("b.py", tmp_path / "a.py")
    os.symlink("a.py", tmp_path / "b.py")
    os.symlink("self.py", tmp_path / "self.py")
    os.symlink("missing.py", tmp_path / "dangling.py")
    os.symlink("loop_dir", tmp_path / "loop_dir")  # a folder link to itself (not a .py name: not even looked at)
    result = run_tool(command, "--format", "json", str(tmp_path))
    assert "Traceback" not in result.stderr, result.stderr
    files = files_of(result)
    for name in ("a.py", "b.py", "self.py"):
        assert files[name]["status"] == "failed" and "symbolic link loop" in files[name]["reason"]
    assert files["dangling.py"]["status"] == "skipped" and "dangling" in files["dangling.py"]["reason"]
    assert files["good.py"]["status"] == "changed"
    assert result.returncode == 2  # a path could not be read
    if command == "fix":
        assert "compat.v1" in (tmp_path / "good.py").read_text(encoding="utf-8")


def test_text_report_names_the_broken_path(tmp_path):
    write(tmp_path / "good.py", TF1)
    os.symlink("self.py", tmp_path / "self.py")
    result = run_tool("check", str(tmp_path))
    assert "Traceback" not in result.stderr
    assert "self.py: failed: symbolic link loop" in result.stdout


def test_named_pipe_is_not_read(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    write(tmp_path / "good.py", TF1)
    os.mkfifo(tmp_path / "pipe.py")
    result = run_tool("check", "--format", "json", str(tmp_path), timeout=60)
    files = files_of(result)
    assert files["pipe.py"]["status"] == "skipped" and "regular file" in files["pipe.py"]["reason"]
    assert files["good.py"]["status"] == "changed"


def test_folder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    from tf2migrate import discovery

    write(tmp_path / "good.py", TF1)
    write(tmp_path / "locked" / "x.py", TF1)
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    found = {Path(c.path).name: c for c in discovery.discover([str(tmp_path)])}
    assert found["locked"].error == "cannot list folder: Permission denied"
    assert not found["good.py"].error


def test_file_that_vanished_or_became_a_folder_is_reported(tmp_path):
    from tf2migrate.engine import Options, process_file

    gone = process_file(str(tmp_path / "gone.py"), Options())
    assert gone.status.value == "failed" and "gone" in gone.reason
    (tmp_path / "now_a_folder.py").mkdir()
    folder = process_file(str(tmp_path / "now_a_folder.py"), Options())
    assert folder.status.value == "failed" and "folder" in folder.reason


def _broken_diff(*args, **kwargs):
    raise KeyError("boom")


@pytest.mark.parametrize("debug", [False, True])
def test_unexpected_exception_is_reported_for_its_file_and_the_run_goes_on(tmp_path, monkeypatch, debug):
    from tf2migrate import cli, engine

    write(tmp_path / "a.py", TF1)
    write(tmp_path / "b.py", "import tensorflow as tf\n\ny = tf.constant(1)\n")  # unchanged: never diffed
    monkeypatch.setattr(engine, "unified_diff", _broken_diff)
    args = ["check", "--format", "json", "--jobs", "1", str(tmp_path)] + (["--debug"] if debug else [])
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 2
    files = files_of(result)
    assert files["a.py"]["status"] == "failed"
    assert files["a.py"]["reason"].startswith("internal error: KeyError: 'boom'")
    assert ("Traceback" in files["a.py"]["reason"]) == debug
    assert files["b.py"]["status"] == "unchanged"


def test_exception_inside_a_rule_is_reported_with_traceback_only_under_debug(tmp_path, monkeypatch):
    from tf2migrate import cli
    from tf2migrate.codemods import graph_plumbing

    write(tmp_path / "a.py", TF1)
    codemod = next(c for c in vars(graph_plumbing).values() if isinstance(c, type) and hasattr(c, "RULES"))

    def explode(self, *args, **kwargs):
        raise ZeroDivisionError("rule bug")

    monkeypatch.setattr(codemod, "visit_Module", explode)
    quiet = CliRunner().invoke(cli.main, ["check", "--jobs", "1", str(tmp_path)])
    assert quiet.exit_code == 2 and "internal error in" in quiet.output and "ZeroDivisionError" in quiet.output
    assert "Traceback" not in quiet.output
    loud = CliRunner().invoke(cli.main, ["check", "--jobs", "1", "--debug", str(tmp_path)])
    assert "Traceback" in loud.output and "rule bug" in loud.output


def test_error_outside_any_file_is_one_line_without_debug(tmp_path, monkeypatch):
    from tf2migrate import cli, discovery

    write(tmp_path / "a.py", TF1)

    def broken(*args, **kwargs):
        raise RuntimeError("discovery bug")

    monkeypatch.setattr(discovery, "discover", broken)
    result = CliRunner().invoke(cli.main, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "tf2migrate: internal error: RuntimeError: discovery bug" in result.output
    assert "Traceback" not in result.output
    loud = CliRunner().invoke(cli.main, ["check", "--debug", str(tmp_path)])
    assert "Traceback" in loud.output
