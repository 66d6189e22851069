"""The real `tf2migrate` command: exit codes, report formats, and file safety."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from harness import FIXTURES, run_tool

SEED = (FIXTURES / "unused-graph-handle" / "seed_layer.py").read_text(encoding="utf-8")
SEED_EXPECTED = (FIXTURES / "unused-graph-handle" / "seed_layer.expected.py").read_text(encoding="utf-8")
CLEAN = "import tensorflow as tf\n\nx = tf.constant(1.0)\n"
MANUAL = "from tensorflow.python.keras.engine import network\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mode) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_help_and_version():
    assert run_tool("--help").returncode == 0
    result = run_tool("--version")
    assert result.returncode == 0 and "tf2migrate" in result.stdout


def test_fix_rewrites_in_place_and_prints_diff(tmp_path):
    target = write(tmp_path / "layer.py", SEED)
    result = run_tool("fix", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8") == SEED_EXPECTED
    assert result.stdout.startswith("--- a/") and "-        g = tf.keras.backend.get_graph()" in result.stdout
    assert "1 changed" in result.stderr


def test_dry_run_writes_nothing_and_exits_1(tmp_path):
    target = write(tmp_path / "layer.py", SEED)
    before = snapshot(tmp_path)
    result = run_tool("fix", "--dry-run", str(tmp_path))
    assert result.returncode == 1
    assert snapshot(tmp_path) == before
    assert "+++ b/" in result.stdout


def test_dry_run_output_is_a_patch_git_applies(tmp_path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    write(tmp_path / "pkg" / "layer.py", SEED)
    result = run_tool("fix", "--dry-run", "pkg", cwd=tmp_path)
    (tmp_path / "change.patch").write_text(result.stdout, encoding="utf-8")
    applied = subprocess.run(["git", "apply", "change.patch"], cwd=tmp_path, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    assert (tmp_path / "pkg" / "layer.py").read_text(encoding="utf-8") == SEED_EXPECTED


def test_exit_codes(tmp_path):
    clean = write(tmp_path / "clean" / "a.py", CLEAN)
    assert run_tool("check", str(clean.parent)).returncode == 0
    assert run_tool("fix", str(clean.parent)).returncode == 0
    manual = write(tmp_path / "manual" / "b.py", MANUAL)
    assert run_tool("check", str(manual.parent)).returncode == 1
    assert run_tool("fix", str(manual.parent)).returncode == 1, "a finding needing a person remains"
    fixable = write(tmp_path / "fixable" / "c.py", SEED)
    assert run_tool("check", str(fixable.parent)).returncode == 1, "check: changes are pending"
    assert run_tool("fix", str(fixable.parent)).returncode == 0, "fix: everything was applied"
    assert run_tool("fix", "--select", "NOPE", str(clean)).returncode == 2
    assert run_tool("fix", str(tmp_path / "missing.py")).returncode == 2
    assert run_tool("explain", "TFM999").returncode == 2


def test_json_report_schema(tmp_path):
    write(tmp_path / "a.py", SEED)
    write(tmp_path / "b.py", MANUAL)
    write(tmp_path / "c.py", "print('hello world')\n")
    write(tmp_path / "d.py", b"import tensorflow\nprint 'py2'\n")
    result = run_tool("fix", "--dry-run", "--format", "json", str(tmp_path))
    assert result.returncode == 2  # d.py cannot be parsed
    report = json.loads(result.stdout)
    assert report["version"] == 1
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert {f["status"] for f in report["files"]} <= {"changed", "unchanged", "skipped", "failed"}
    assert by_name["a.py"]["status"] == "changed"
    assert by_name["b.py"]["status"] == "unchanged"
    assert by_name["c.py"]["status"] == "skipped" and by_name["c.py"]["reason"]
    assert by_name["d.py"]["status"] == "failed" and "Python 2" in by_name["d.py"]["reason"]
    finding = by_name["a.py"]["findings"][0]
    assert set(finding) == {"code", "rule", "line", "column", "message", "fix"}
    assert (finding["code"], finding["rule"], finding["line"], finding["column"], finding["fix"]) == (
        "TFM002",
        "unused-graph-handle",
        7,
        8,
        "applied",
    )
    assert by_name["b.py"]["findings"][0]["fix"] == "manual"
    assert report["summary"] == {"files": 4, "changed": 1, "skipped": 1, "failed": 1, "findings": {"TFM001": 1, "TFM002": 1}, "manual": 1}


def test_github_and_sarif_formats(tmp_path):
    write(tmp_path / "b.py", MANUAL)
    github = run_tool("check", "--format", "github", str(tmp_path))
    assert github.stdout.startswith("::warning file=") and "TFM001" in github.stdout
    sarif = json.loads(run_tool("check", "--format", "sarif", str(tmp_path)).stdout)
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"][0]["ruleId"] == "TFM001"
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] == 1


def test_bad_files_are_reported_and_never_touched(tmp_path):
    write(tmp_path / "py2.py", "import tensorflow as tf\nprint 'hello'\n")
    write(tmp_path / "binary.py", b"import keras\x00\x01\x02\xff")
    write(tmp_path / "latin.py", b"import tensorflow\nname = '\xe9'\n")  # not UTF-8, no cookie
    readonly = write(tmp_path / "readonly.py", SEED)
    os.chmod(readonly, stat.S_IRUSR | stat.S_IRGRP)
    before = snapshot(tmp_path)
    try:
        result = run_tool("fix", "--format", "json", str(tmp_path))
        after = snapshot(tmp_path)
    finally:
        os.chmod(readonly, stat.S_IRUSR | stat.S_IWUSR)
    assert result.returncode == 2
    assert after == before
    reasons = {Path(f["path"]).name: f["reason"] for f in json.loads(result.stdout)["files"]}
    assert "Python 2" in reasons["py2.py"]
    assert "binary" in reasons["binary.py"]
    assert "decode" in reasons["latin.py"]
    assert "not writable" in reasons["readonly.py"]


@pytest.mark.parametrize(
    "raw",
    [
        SEED.replace("\n", "\r\n").encode("utf-8"),
        b"\xef\xbb\xbf" + SEED.encode("utf-8"),
        ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + SEED).encode("latin-1"),
    ],
    ids=["crlf", "bom", "latin1-cookie"],
)
def test_encodings_and_line_endings_round_trip(tmp_path, raw):
    target = write(tmp_path / "layer.py", raw)
    os.chmod(target, 0o751)
    result = run_tool("fix", str(target))
    assert result.returncode == 0, result.stderr
    data = target.read_bytes()
    assert b"get_graph" not in data
    assert data.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    assert (b"\r\n" in data) == (b"\r\n" in raw)
    if b"\r\n" in raw:
        assert b"\n" not in data.replace(b"\r\n", b"")
    if b"latin-1" in raw:
        assert "caf\xe9".encode("latin-1") in data
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tf2migrate-")], "no temporary file left"


def test_discovery_honours_gitignore_exclude_and_skips_venvs(tmp_path):
    write(tmp_path / ".gitignore", "generated/\nskip_me.py\n")
    write(tmp_path / "keep.py", SEED)
    write(tmp_path / "skip_me.py", SEED)
    write(tmp_path / "generated" / "g.py", SEED)
    write(tmp_path / "venv" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "venv" / "lib.py", SEED)
    write(tmp_path / ".hidden" / "h.py", SEED)
    write(tmp_path / "sub" / "excluded.py", SEED)
    write(tmp_path / "sub" / "included.py", SEED)
    result = run_tool("check", "--format", "json", "--exclude", "sub/excluded.py", ".", cwd=tmp_path)
    names = sorted(Path(f["path"]).as_posix() for f in json.loads(result.stdout)["files"])
    assert names == ["keep.py", "sub/included.py"]


def test_symlink_out_of_tree_is_not_followed(tmp_path):
    outside = write(tmp_path / "outside" / "layer.py", SEED)
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(outside, tree / "link.py")
    result = run_tool("fix", "--format", "json", str(tree))
    assert outside.read_text(encoding="utf-8") == SEED
    files = json.loads(result.stdout)["files"]
    assert files[0]["status"] == "skipped" and "link" in files[0]["reason"]


def test_select_and_ignore(tmp_path):
    target = write(tmp_path / "a.py", "from tensorflow.python.keras import backend as K\n" + SEED)
    only_imports = json.loads(run_tool("check", "--format", "json", "--select", "TFM001", str(target)).stdout)
    assert only_imports["summary"]["findings"] == {"TFM001": 1}
    no_imports = json.loads(run_tool("check", "--format", "json", "--ignore", "TFM001", str(target)).stdout)
    assert "TFM001" not in no_imports["summary"]["findings"]


def test_pool_matches_single_process(tmp_path):
    for index in range(12):
        write(tmp_path / f"m{index:02d}.py", SEED if index % 2 else MANUAL)
    one = json.loads(run_tool("check", "--format", "json", "--jobs", "1", str(tmp_path)).stdout)
    many = json.loads(run_tool("check", "--format", "json", "--jobs", "2", str(tmp_path)).stdout)
    assert one == many


def test_rules_and_explain():
    rules = run_tool("rules", "--format", "json")
    codes = [rule["code"] for rule in json.loads(rules.stdout)]
    assert codes == sorted(codes) and "TFM001" in codes
    for code in codes:
        page = run_tool("explain", code)
        assert page.returncode == 0, code
        assert code in page.stdout and "Before" in page.stdout and "After" in page.stdout
    assert run_tool("explain", "unused-graph-handle").returncode == 0


def test_help_is_fast():
    import time

    start = time.perf_counter()
    run_tool("--help")
    # generous bound against a regression to importing LibCST, rich or TensorFlow at start-up
    assert time.perf_counter() - start < 5
    probe = f"import sys, tf2migrate.cli; print(sorted(m for m in ('libcst', 'rich', 'tensorflow') if m in sys.modules))"
    import subprocess

    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip()
    assert loaded == "[]"
