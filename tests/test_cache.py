"""The results cache: same output from the cache, keys that see every input, corrupt entries ignored."""

from __future__ import annotations

import json
from pathlib import Path

from harness import run_tool
from tf2migrate.cache import CACHE_FOLDER, ResultCache, default_folder
from tf2migrate.findings import FileResult, FileStatus, Finding, FixState
from tf2migrate.selection import Selection

SOURCE = "import tensorflow as tf\nx = tf.log(2.0)\nfrom tensorflow.python.keras.engine import network\n"
CACHED = {"TF2MIGRATE_NO_CACHE": ""}  # the harness turns the cache off; these tests turn it on


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.json"))


def test_second_run_answers_from_cache_with_the_same_output(tmp_path):
    (tmp_path / ".git").mkdir()  # the project root: the cache goes there
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "pkg" / "b.py").write_text("import os\n", encoding="utf-8")
    first = run_tool("fix", "--dry-run", "pkg", cwd=tmp_path, env=CACHED)
    cache = tmp_path / CACHE_FOLDER
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(entries(cache)) == 2
    stamps = {p: p.stat().st_mtime_ns for p in entries(cache)}
    second = run_tool("fix", "--dry-run", "pkg", cwd=tmp_path, env=CACHED)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    assert {p: p.stat().st_mtime_ns for p in entries(cache)} == stamps  # nothing recomputed
    # the selection is part of the key; so is the content
    run_tool("check", "--select", "TFM4", "pkg", cwd=tmp_path, env=CACHED)
    assert len(entries(cache)) == 4
    (tmp_path / "pkg" / "a.py").write_text(SOURCE + "x = 1\n", encoding="utf-8")
    third = run_tool("check", "--format", "json", "pkg", cwd=tmp_path, env=CACHED)
    assert len(entries(cache)) == 5 and '"line": 3' in third.stdout


def test_fix_writes_what_a_cached_check_found_and_no_cache_writes_nothing(tmp_path):
    (tmp_path / "a.py").write_text(SOURCE, encoding="utf-8")
    assert run_tool("check", "--cache-dir", "c", "a.py", cwd=tmp_path, env=CACHED).returncode == 1
    fixed = run_tool("fix", "--cache-dir", "c", "a.py", cwd=tmp_path, env=CACHED)
    assert "tf.math.log(2.0)" in (tmp_path / "a.py").read_text() and "1 changed" in fixed.stderr
    (tmp_path / "b.py").write_text(SOURCE, encoding="utf-8")
    run_tool("check", "--no-cache", "--cache-dir", "d", "b.py", cwd=tmp_path, env=CACHED)
    assert not (tmp_path / "d").exists()


def test_corrupt_entry_is_ignored_and_rewritten(tmp_path):
    (tmp_path / "a.py").write_text(SOURCE, encoding="utf-8")
    first = run_tool("check", "--format", "json", "--cache-dir", "c", "a.py", cwd=tmp_path, env=CACHED)
    [entry] = entries(tmp_path / "c")
    entry.write_text('{"status": "unchanged", "reas', encoding="utf-8")
    second = run_tool("check", "--format", "json", "--cache-dir", "c", "a.py", cwd=tmp_path, env=CACHED)
    assert second.stdout == first.stdout
    assert json.loads(entry.read_text())["status"] == "changed"


def test_entries_round_trip_including_notebook_cells(tmp_path):
    cache = ResultCache(str(tmp_path / "c"))
    result = FileResult("nb.ipynb", FileStatus.CHANGED, "", [Finding("TFM401", "r", 2, 0, "m", FixState.APPLIED, 4)], "diff\n")
    source = tmp_path / "nb.ipynb"
    source.write_text("{}", encoding="utf-8")
    key = cache.key_for(str(source), "nb.ipynb", Selection())
    assert cache.load(key, "nb.ipynb") is None
    cache.store(key, result)
    assert cache.load(key, "nb.ipynb") == result
    assert cache.key_for(str(source), "nb.ipynb", Selection(unsafe_fixes=True)) != key


def test_default_folder_is_the_project_root(tmp_path, monkeypatch):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "src").mkdir()
    assert default_folder([str(tmp_path / "repo" / "src")], None) == str(tmp_path / "repo" / CACHE_FOLDER)
    assert default_folder([str(tmp_path / "repo" / "src")], "/cfg") == "/cfg/" + CACHE_FOLDER
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loose").mkdir()
    assert Path(default_folder([str(tmp_path / "loose")], None)).parent in (tmp_path, Path("/"))
