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
    codemod = graph_plumbing.CODEMOD

    def explode(self, *args, **kwargs):
        raise ZeroDivisionError("rule bug")

    monkeypatch.setattr(codemod, "visit_Module", explode)
    quiet = CliRunner().invoke(cli.main, ["check", "--jobs", "1", "--no-cache", str(tmp_path)])
    assert quiet.exit_code == 2 and "internal error in" in quiet.output and "ZeroDivisionError" in quiet.output
    assert "Traceback" not in quiet.output
    loud = CliRunner().invoke(cli.main, ["check", "--jobs", "1", "--no-cache", "--debug", str(tmp_path)])
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


# --------------------------------------------------------------------------------------------------
# Interrupts: Ctrl-C (SIGINT to the process group), SIGTERM, and the main process killed outright
# --------------------------------------------------------------------------------------------------

BLOCK = '''
def model_{i}(inputs):
    with tf.variable_scope("m{i}"):
        w = tf.get_variable("w", shape=[4, 4])
        hidden = tf.nn.relu(tf.matmul(inputs, w))
        hidden = tf.layers.dense(hidden, 4)
        loss_{i} = tf.reduce_mean(tf.squared_difference(hidden, tf.to_float(inputs)), keep_dims=True)
        return tf.arg_max(loss_{i}, 1)
'''


def _slow_tree(folder: Path, files: int = 24, blocks: int = 40) -> dict[str, bytes]:
    for index in range(files):
        body = "import tensorflow as tf\n" + "".join(BLOCK.format(i=i) for i in range(blocks))
        write(folder / f"m{index:02d}.py", body)
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def _start_and_wait_for_workers(folder: Path):
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "tf2migrate", "fix", "--jobs", "2", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a foreground job
        env={**os.environ, "NO_COLOR": "1"},
    )
    start = time.monotonic()
    while len(_children(process.pid)) < 2 and time.monotonic() - start < 60:
        time.sleep(0.05)
    workers = _children(process.pid)
    assert len(workers) == 2, "the pool did not start"
    time.sleep(1.0)  # let the workers get into the files
    return process, workers


def _assert_tree_sound(folder: Path, before: dict[str, bytes]) -> None:
    import ast

    from tf2migrate.engine import migrate_source
    from tf2migrate.selection import Selection

    assert not [p.name for p in folder.iterdir() if p.name.startswith(".tf2migrate-")], "temporary files left"
    for name, data in before.items():
        now = (folder / name).read_bytes()
        if now != data:
            ast.parse(now)  # complete, never half-written
            # and the whole migration, not part of it
            assert now == migrate_source(data.decode(), Selection(), str(folder / name)).text.encode()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to see the workers")
@pytest.mark.parametrize("signum, whom, code", [(2, "group", 130), (15, "main", 143)], ids=["ctrl-c", "sigterm"])
def test_interrupt_stops_quickly_with_one_line_and_its_own_exit_status(tmp_path, signum, whom, code):
    import time

    before = _slow_tree(tmp_path)
    process, workers = _start_and_wait_for_workers(tmp_path)
    sent = time.monotonic()
    if whom == "group":
        os.killpg(process.pid, signum)
    else:
        os.kill(process.pid, signum)
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - sent < 2.0
    assert process.returncode == code
    assert not any(_alive(w) for w in workers), "workers left running"
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tf2migrate: interrupted by"), stderr
    _assert_tree_sound(tmp_path, before)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to see the workers")
def test_workers_end_when_the_main_process_is_killed(tmp_path):
    import signal
    import time

    before = _slow_tree(tmp_path)
    process, workers = _start_and_wait_for_workers(tmp_path)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    killed = time.monotonic()
    while any(_alive(w) for w in workers) and time.monotonic() - killed < 5:
        time.sleep(0.05)
    assert time.monotonic() - killed < 2.0, "workers outlived the main process"
    _assert_tree_sound(tmp_path, before)


def test_file_changed_by_someone_else_during_the_run_is_not_overwritten(tmp_path, monkeypatch):
    from tf2migrate import engine

    target = write(tmp_path / "a.py", TF1)
    theirs = TF1 + "y = 2  # written by someone else meanwhile\n"
    real_migrate = engine.migrate_text

    def migrate_while_someone_edits(*args, **kwargs):
        migration = real_migrate(*args, **kwargs)
        target.write_text(theirs, encoding="utf-8")
        return migration

    monkeypatch.setattr(engine, "migrate_text", migrate_while_someone_edits)
    result = engine.process_file(str(target), engine.Options(write=True))
    assert result.status.value == "failed" and result.reason == "changed during the run, not written"
    assert target.read_text(encoding="utf-8") == theirs
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


# --------------------------------------------------------------------------------------------------
# Dry-run patches carry the bytes of the file: BOM, latin-1 with a coding cookie, CR-only, CRLF
# --------------------------------------------------------------------------------------------------

ODD_FILES = {
    "bom.py": b"\xef\xbb\xbf" + TF1.encode("utf-8"),
    "latin1.py": ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + TF1 + "name = 'na\xefve'\n").encode("latin-1"),
    "cr_only.py": (TF1 + "y = tf.to_float(x)\n").replace("\n", "\r").encode("utf-8"),
    "crlf.py": TF1.replace("\n", "\r\n").encode("utf-8"),
    "no_final_newline.py": TF1.rstrip("\n").encode("utf-8"),
    "plain.py": TF1.encode("utf-8"),
}


def test_dry_run_patch_applies_with_git_for_every_encoding_and_line_ending(tmp_path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for name, data in ODD_FILES.items():
        write(tmp_path / "patched" / "pkg" / name, data)
        write(tmp_path / "fixed" / "pkg" / name, data)
    patch = subprocess.run(
        [*run_tool_args(), "fix", "--dry-run", "pkg"], cwd=tmp_path / "patched", capture_output=True, timeout=300
    )
    assert patch.returncode == 1, patch.stderr
    (tmp_path / "change.patch").write_bytes(patch.stdout)
    applied = subprocess.run(["git", "apply", str(tmp_path / "change.patch")], cwd=tmp_path / "patched", capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    fixed_run = subprocess.run([*run_tool_args(), "fix", "pkg"], cwd=tmp_path / "fixed", capture_output=True, timeout=300)
    assert fixed_run.returncode == 0, fixed_run.stderr
    assert fixed_run.stdout == patch.stdout, "fix prints the same patch as --dry-run"
    for name in ODD_FILES:
        fixed = (tmp_path / "fixed" / "pkg" / name).read_bytes()
        assert (tmp_path / "patched" / "pkg" / name).read_bytes() == fixed, name
        assert fixed != ODD_FILES[name] and b"compat.v1" in fixed


def test_cr_only_file_keeps_its_line_endings_and_the_last_one(tmp_path):
    target = write(tmp_path / "cr.py", ODD_FILES["cr_only.py"])
    assert run_tool("fix", str(target)).returncode == 0
    data = target.read_bytes()
    assert data == (TF1 + "y = tf.to_float(x)\n").replace("\n", "\r").encode().replace(
        b"import tensorflow as tf", b"import tensorflow.compat.v1 as tf\rtf.disable_v2_behavior()"
    ), data
    assert b"compat.v1" in data and b"\n" not in data
    assert data.endswith(b"\r")


def run_tool_args() -> list[str]:
    import sys

    return [sys.executable, "-m", "tf2migrate"]


def test_sarif_uris_are_percent_encoded(tmp_path):
    folder = tmp_path / "my models"
    write(folder / "caf\u00e9 #1.py", "from tensorflow.python.keras.engine import network\n")
    result = run_tool("check", "--format", "sarif", "caf\u00e9 #1.py", cwd=folder)
    location = json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "caf%C3%A9%20%231.py"
    absolute = json.loads(run_tool("check", "--format", "sarif", str(folder / "caf\u00e9 #1.py"), cwd=tmp_path.parent).stdout)
    uri = absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/my%20models/caf%C3%A9%20%231.py") and " " not in uri


# --------------------------------------------------------------------------------------------------
# Deep nesting and Python 2 hints
# --------------------------------------------------------------------------------------------------

DEEP_HEADER = "import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n"
DEEP_VALID = {
    "nots.py": "y = " + "not " * 500 + "x\n",
    "minus.py": "y = " + "-" * 500 + "x\n",
    "lambdas.py": "y = " + "lambda: " * 500 + "x\n",
    "ternary.py": "y = " + "x if x else " * 300 + "x\n",
    "power.py": "y = " + "x ** " * 300 + "x\n",
    "sum.py": "y = " + " + ".join(["x"] * 500) + "\n",
}


def test_deeply_nested_code_is_migrated_or_refused_with_a_clear_reason(tmp_path):
    import ast

    for name, body in DEEP_VALID.items():
        write(tmp_path / name, DEEP_HEADER + body)
    write(tmp_path / "calls.py", DEEP_HEADER + "y = " + "f(" * 500 + "x" + ")" * 500 + "\n")  # beyond CPython's parser
    write(tmp_path / "beyond.py", DEEP_HEADER + "y = " + "lambda: " * 5000 + "x\n")  # would crash LibCST's parser
    write(tmp_path / "octal.py", "import tensorflow as tf\nimport os\n\nos.chmod('run.sh', 0755)\n")
    result = run_tool("fix", "--format", "json", "--jobs", "1", str(tmp_path))
    assert "Traceback" not in result.stderr and result.returncode == 2, result.stderr
    files = files_of(result)
    for name in DEEP_VALID:
        assert files[name]["status"] == "changed", (name, files[name]["reason"])
        migrated = (tmp_path / name).read_text(encoding="utf-8")
        assert "compat.v1" in migrated and migrated.endswith(DEEP_VALID[name])
        ast.parse(migrated)
    assert files["calls.py"]["status"] == "failed"
    assert files["calls.py"]["reason"].startswith("syntax error at line 4") and "nested parentheses" in files["calls.py"]["reason"]
    assert files["beyond.py"]["status"] == "failed" and "too deeply nested" in files["beyond.py"]["reason"]
    assert files["octal.py"]["status"] == "failed" and "Python 2" in files["octal.py"]["reason"]
    for failed in ("calls.py", "beyond.py"):
        assert "internal error" not in files[failed]["reason"]
