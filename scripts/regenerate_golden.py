"""Rewrite the expected output and findings of golden fixtures from what the tool does now.

    python scripts/regenerate_golden.py fixtures/<rule>/<case>.py [...]

For a deliberate change of behaviour only: review `git diff fixtures/` afterwards; the golden test
compares against these files, so regenerating hides whatever changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from harness import GoldenCase  # noqa: E402
from test_golden import _selection_for  # noqa: E402
from tf2migrate.engine import migrate_text  # noqa: E402


def regenerate(source: Path) -> None:
    case = GoldenCase(source.resolve())
    text = source.read_text(encoding="utf-8")
    migration = migrate_text(text, _selection_for(case), filename=str(source))
    if migration.text != text:
        case.expected.write_text(migration.text, encoding="utf-8")
    elif case.expected.exists():
        case.expected.unlink()
    rows = [f"{f.code} {f.line}:{f.column} {f.fix.value}\n" for f in migration.findings]
    case.findings_file.write_text("".join(rows), encoding="utf-8")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        regenerate(Path(name))
