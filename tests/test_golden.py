"""Golden fixtures: every `fixtures/<rule>/<case>.py` migrates to `<case>.expected.py` with the
findings in `<case>.findings`, and migrating the expected output changes nothing (idempotency)."""

from __future__ import annotations

import pytest

from harness import GoldenCase, golden_cases, parse_findings
from tf2migrate.cli import _selection, fix
from tf2migrate.engine import migrate_text
from tf2migrate.handoff import CHECK_VARIABLE

CASES = golden_cases()


@pytest.fixture(autouse=True)
def _check_handed_on_trees(monkeypatch):
    """Every tree the engine hands to the next codemod is compared with a parse of the whole text
    (`tf2migrate/handoff.py`): the fixtures run with that check on."""
    monkeypatch.setenv(CHECK_VARIABLE, "1")


def _selection_for(case: GoldenCase):
    """The Selection the case's directive asks for, through the CLI's own option parsing."""
    params = fix.make_context("fix", [*case.options(), str(case.source)]).params
    return _selection(params["select"], params["ignore"], params["unsafe_fixes"], params["legacy_keras_fallback"])


def test_there_are_golden_cases():
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(case: GoldenCase):
    source = case.source.read_text(encoding="utf-8")
    selection = _selection_for(case)
    migration = migrate_text(source, selection, filename=str(case.source))

    expected = case.expected.read_text(encoding="utf-8") if case.expected.exists() else source
    assert migration.text == expected

    assert case.findings_file.exists(), f"missing {case.findings_file.name}"
    want = parse_findings(case.findings_file.read_text(encoding="utf-8"))
    got = [(f.code, f.line, f.column, f.fix.value) for f in migration.findings]
    assert got == want, "\n".join(f"{f.code} {f.line}:{f.column} {f.fix.value} {f.message}" for f in migration.findings)
    for finding in migration.findings:
        assert finding.message.strip(), "every finding says what to do"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_idempotent(case: GoldenCase):
    selection = _selection_for(case)
    expected_path = case.expected if case.expected.exists() else case.source
    expected = expected_path.read_text(encoding="utf-8")
    again = migrate_text(expected, selection, filename=str(expected_path))
    assert again.text == expected
    assert all(f.fix.value != "applied" for f in again.findings), "a second run must have nothing left to apply"
