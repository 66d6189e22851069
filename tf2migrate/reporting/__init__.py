"""Report formats: `text` (people), `json` (scripts; the schema in DESIGN.md), `github` (workflow
annotations) and `sarif` (code-scanning tools). Each takes the list of `FileResult`s of one run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tf2migrate.findings import FileResult, FileStatus


@dataclass(frozen=True)
class Summary:
    files: int
    changed: int
    unchanged: int
    skipped: int
    failed: int
    findings: dict[str, int]
    needs_person: int
    fixable: int

    @classmethod
    def of(cls, results: list[FileResult]) -> "Summary":
        statuses = Counter(r.status for r in results)
        codes = Counter(f.code for r in results for f in r.findings)
        needs_person = sum(1 for r in results for f in r.findings if f.needs_person)
        return cls(
            files=len(results),
            changed=statuses[FileStatus.CHANGED],
            unchanged=statuses[FileStatus.UNCHANGED],
            skipped=statuses[FileStatus.SKIPPED],
            failed=statuses[FileStatus.FAILED],
            findings=dict(sorted(codes.items())),
            needs_person=needs_person,
            fixable=sum(codes.values()) - needs_person,
        )
