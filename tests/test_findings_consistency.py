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
