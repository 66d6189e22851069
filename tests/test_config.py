"""`[tool.tf2migrate]` in pyproject.toml and tf2migrate.toml: lookup, keys, overrides, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import run_tool
from tf2migrate.config import ConfigError, ConfigFinder, matches, read

SOURCE = "import tensorflow as tf\nx = tf.log(2.0)\nfrom tensorflow.python.keras.engine import network\n"  # TFM401, TFM001
CODES = ["TFM001", "TFM401", "TFM900"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes_by_file(tmp_path: Path, *args: str) -> dict[str, list[str]]:
    result = run_tool("check", "--format", "json", *args, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return {f["path"]: sorted({x["code"] for x in f["findings"]}) for f in json.loads(result.stdout)["files"]}


def test_pyproject_select_and_nested_tf2migrate_toml(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.tf2migrate]\nselect = ["TFM4"]\n')
    write(tmp_path / "a.py", SOURCE)
    write(tmp_path / "sub" / "tf2migrate.toml", 'ignore = ["TFM4"]\n')
    write(tmp_path / "sub" / "b.py", SOURCE)
    assert codes_by_file(tmp_path, ".") == {"a.py": ["TFM401"], "sub/b.py": ["TFM001"]}
    # the command line replaces the configuration's select
    assert codes_by_file(tmp_path, "--select", "TFM0", "a.py") == {"a.py": ["TFM001"]}


def test_tf2migrate_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tf2migrate]\nselect = ["TFM4"]\n')
    write(tmp_path / "tf2migrate.toml", 'select = ["TFM0"]\n')
    write(tmp_path / "a.py", SOURCE)
    assert codes_by_file(tmp_path, ".") == {"a.py": ["TFM001"]}


def test_exclude_extend_exclude_and_per_file_ignores(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[tool.tf2migrate]\nexclude = ["legacy"]\nextend-exclude = ["*_gen.py"]\n'
        '[tool.tf2migrate.per-file-ignores]\n"tests/*" = ["TFM0"]\n',
    )
    for name in ("a.py", "legacy/old.py", "model_gen.py", "tests/t.py"):
        write(tmp_path / name, SOURCE)
    assert codes_by_file(tmp_path, ".") == {"a.py": ["TFM001", "TFM401"], "tests/t.py": ["TFM401"]}
    # a file named on the command line is processed even when excluded (as ruff does)
    assert codes_by_file(tmp_path, "legacy/old.py") == {"legacy/old.py": ["TFM001", "TFM401"]}
    # --exclude replaces `exclude`; `extend-exclude` still applies
    assert set(codes_by_file(tmp_path, "--exclude", "tests", ".")) == {"a.py", "legacy/old.py"}


def test_unsafe_fixes_and_jobs_from_config_and_no_unsafe_fixes_flag(tmp_path):
    write(tmp_path / "tf2migrate.toml", "unsafe-fixes = true\njobs = 1\n")
    write(tmp_path / "a.py", SOURCE)
    assert codes_by_file(tmp_path, ".")  # accepted
    finder = ConfigFinder(CODES)
    config = finder.for_path(str(tmp_path / "a.py"))
    assert config is not None and config.unsafe_fixes is True and config.jobs == 1


def test_explicit_config_file_applies_everywhere(tmp_path):
    write(tmp_path / "conf" / "strict.toml", 'select = ["TFM0"]\n')
    write(tmp_path / "pyproject.toml", '[tool.tf2migrate]\nselect = ["TFM4"]\n')
    write(tmp_path / "src" / "a.py", SOURCE)
    assert codes_by_file(tmp_path, "--config", "conf/strict.toml", "src") == {"src/a.py": ["TFM001"]}


@pytest.mark.parametrize(
    "name, text, needle",
    [
        ("pyproject.toml", '[tool.tf2migrate]\nselct = ["TFM4"]\n', "key 'selct' is unknown"),
        ("pyproject.toml", '[tool.tf2migrate]\nselect = "TFM4"\n', "key 'select': expected a list"),
        ("tf2migrate.toml", 'ignore = ["XYZ"]\n', "key 'ignore': no rule code starts with XYZ"),
        ("tf2migrate.toml", "jobs = 0\n", "key 'jobs': expected a whole number"),
        ("tf2migrate.toml", 'unsafe-fixes = "yes"\n', "key 'unsafe-fixes': expected true or false"),
        ("tf2migrate.toml", '[per-file-ignores]\n"a.py" = "TFM4"\n', "key 'per-file-ignores'"),
        ("tf2migrate.toml", "[tool.tf2migrate]\nselect = []\n", "keys go at the top level"),
        ("tf2migrate.toml", "select = [\n", "not valid TOML"),
    ],
)
def test_bad_configuration_names_file_and_key_and_exits_2(tmp_path, name, text, needle):
    config = write(tmp_path / name, text)
    write(tmp_path / "a.py", SOURCE)
    result = run_tool("check", "a.py", cwd=tmp_path)
    assert result.returncode == 2
    assert needle in result.stderr and str(config) in result.stderr.replace("\n", ""), result.stderr
    with pytest.raises(ConfigError):
        read(str(config), CODES)


def test_pyproject_without_table_is_passed_over(tmp_path):
    write(tmp_path / "tf2migrate.toml", 'select = ["TFM0"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n')
    assert ConfigFinder(CODES).for_path(str(tmp_path / "pkg" / "m.py")).path == str(tmp_path / "tf2migrate.toml")


def test_pattern_matching():
    assert matches("/r/legacy/x/y.py", "/r", ("legacy",))
    assert matches("/r/a/model_gen.py", "/r", ("*_gen.py",))
    assert matches("/r/tests/t.py", "/r", ("tests/*",))
    assert not matches("/r/src/tests.py", "/r", ("tests/*",))


def test_per_file_settings_cross_the_process_pool(tmp_path):
    write(tmp_path / "tf2migrate.toml", '[per-file-ignores]\n"gen_*.py" = ["TFM4"]\n')
    for i in range(6):
        write(tmp_path / f"gen_{i}.py", SOURCE)
        write(tmp_path / f"mod_{i}.py", SOURCE)
    found = codes_by_file(tmp_path, "--jobs", "2", ".")
    assert len(found) == 12
    assert all(codes == (["TFM001"] if name.startswith("gen_") else ["TFM001", "TFM401"]) for name, codes in found.items())
