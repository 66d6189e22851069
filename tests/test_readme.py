"""The README stays true: its rule table lists every rule with its name and fix kind."""

from __future__ import annotations

import re

from harness import ROOT
from tf2migrate.codemods import all_rules


def test_rule_table_matches_the_rules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r"^\| (TFM\d{3}) \| ([a-z0-9-]+) \| (\w+) \|", readme, re.M)}
    assert rows == {rule.code: (rule.name, rule.fix.value) for rule in all_rules()}


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]" && python3 -m pytest' in readme
    assert "tf2migrate fix --dry-run examples/" in readme
    assert (ROOT / "examples").is_dir()
