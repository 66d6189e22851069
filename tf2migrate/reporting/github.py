"""`--format github`: GitHub Actions workflow commands, one annotation per finding or failed file."""

from __future__ import annotations

from tf2migrate.findings import FileResult, FileStatus, FixState


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: list[FileResult]) -> str:
    lines = []
    for result in results:
        path = _escape_property(result.path)
        if result.status is FileStatus.FAILED:
            lines.append(f"::error file={path},title=tf2migrate::{_escape_data(result.reason)}")
        for finding in result.findings:
            level = "warning" if finding.fix is FixState.MANUAL else "notice"
            title = _escape_property(f"{finding.code} {finding.rule} ({finding.fix.value})")
            if finding.cell is not None:  # a notebook: a line of the JSON file would point nowhere useful
                title = _escape_property(f"{finding.code} {finding.rule} ({finding.fix.value}) at cell {finding.cell}:{finding.line}:{finding.column + 1}")
                lines.append(f"::{level} file={path},title={title}::{_escape_data(finding.message)}")
                continue
            lines.append(
                f"::{level} file={path},line={finding.line},col={finding.column + 1},title={title}::{_escape_data(finding.message)}"
            )
    return "\n".join(lines) + ("\n" if lines else "")
