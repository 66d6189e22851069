"""Cross-rule consistency of findings in the full pipeline (fixtures in `fixtures/cross-rule/`).

One construct gets one finding, from the rule with the most specific guidance; a file that `fix`
migrates completely is not left with a stale manual finding (which would make `fix` exit 1).
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from harness import run_tool

ROOT = Path(__file__).resolve().parent.parent
CROSS = ROOT / "fixtures" / "cross-rule"
SEED = ROOT / "examples" / "seed_old_library.py"


def _check(path: Path) -> list[dict]:
    result = run_tool("check", "--format", "json", str(path))
    report = json.loads(result.stdout)
    (entry,) = report["files"]
    return entry["findings"]


def _one_code_per_line(findings: list[dict]) -> None:
    codes: dict[int, set[str]] = defaultdict(set)
    for finding in findings:
        codes[finding["line"]].add(finding["code"])
    assert all(len(c) == 1 for c in codes.values()), dict(codes)


@pytest.mark.parametrize("name", ["seed_old_library.py", "cross-rule/seed_graph_to_library.py"])
def test_seed_third_example_yields_one_finding(name):
    path = SEED if name == "seed_old_library.py" else CROSS / "seed_graph_to_library.py"
    findings = _check(path)
    assert [(f["code"], f["fix"]) for f in findings] == [("TFM301", "manual")], findings
    call_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if "some_function(" in line)
    assert findings[0]["line"] == call_line


@pytest.mark.parametrize("name", ["serving_flask_app.py", "plumbing_beside_program.py"])
def test_serving_pattern_fixed_completely(name, tmp_path):
    target = tmp_path / name
    shutil.copy(CROSS / name, target)
    before = _check(target)
    assert not [f for f in before if f["fix"] != "applied"], before  # nothing stale before the fix either
    result = run_tool("fix", str(target))
    assert result.returncode == 0, result.stdout + result.stderr
    text = target.read_text()
    assert "Session" not in text and "set_session" not in text and "as_default" not in text
    assert _check(target) == []  # migrated: nothing left to report


def test_removed_keras_session_function_yields_one_finding():
    findings = _check(CROSS / "get_session_removed_use.py")
    _one_code_per_line(findings)
    at_get_session = [f for f in findings if f["line"] == 6]
    assert [(f["code"], f["fix"]) for f in at_get_session] == [("TFM330", "manual")], findings


def test_unswitchable_import_reported_once():
    """A graph driver behind an import the fallback cannot switch: TFM261 says what to do, TFM407 stays quiet."""
    findings = _check(CROSS / "unswitchable_import_get_session.py")
    _one_code_per_line(findings)
    assert [(f["code"], f["line"]) for f in findings] == [("TFM261", 4), ("TFM330", 5)], findings


def test_import_the_fallback_cannot_switch_reported_once():
    """TensorFlow imported inside a function: TFM261 at each graph-mode name says how to import it; neither
    sessions (TFM214) nor api_renames (TFM407 on `tf.global_variables_initializer`) repeat it."""
    findings = _check(CROSS / "import_inside_function.py")
    assert [(f["code"], f["line"]) for f in findings] == [("TFM261", 5), ("TFM261", 6)], findings


CROSS_INPUTS = sorted(p.name for p in CROSS.glob("*.py") if not p.name.endswith(".expected.py"))


@pytest.mark.parametrize("name", CROSS_INPUTS)
def test_one_code_per_line(name):
    _one_code_per_line(_check(CROSS / name))


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("default_graph_to_library.py", "TFM301"),  # not also TFM254 (graph_plumbing) or TFM407 (api_renames)
        ("session_handed_to_library.py", "TFM301"),  # not also TFM211 (sessions)
        ("handle_to_local_function.py", "TFM302"),  # not also TFM330 on `K.get_graph()`
        ("set_session_and_run.py", "TFM330"),  # `K.set_session(sess)`: not also TFM211 on `sess`
        ("session_keyword_to_library.py", "TFM301"),  # not also TFM214 (sessions) on the call
    ],
)
def test_handle_handed_over_is_legacy_calls_finding(name, owner):
    manual = [f for f in _check(CROSS / name) if f["fix"] != "applied"]
    assert [f["code"] for f in manual] == [owner], manual


def test_graph_handle_used_otherwise_reported_once():
    """`graph = tf.get_default_graph()` used for a lookup: graph_plumbing's TFM254 says what to do;
    api_renames does not add TFM407 on `tf.get_default_graph`."""
    findings = _check(CROSS / "default_graph_lookup.py")
    assert [(f["code"], f["line"]) for f in findings] == [("TFM254", 7)], findings
