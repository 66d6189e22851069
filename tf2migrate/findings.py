"""Plain data shared by the engine, the workers and the reports: findings and per-file results.

Everything here is picklable (it crosses the process pool) and free of LibCST objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class FixKind(str, Enum):
    """What a rule can do about what it finds."""

    SAFE = "safe"  # rewritten automatically
    UNSAFE = "unsafe"  # a rewrite exists, applied only with --unsafe-fixes
    MANUAL = "manual"  # a person has to act; the code is left as it is


class FixState(str, Enum):
    """What happened to one finding (the `fix` field of the JSON report)."""

    APPLIED = "applied"  # the tool rewrites it (has, or would in check / --dry-run)
    UNSAFE = "unsafe"  # a rewrite exists but needs --unsafe-fixes
    MANUAL = "manual"  # needs a person


class FileStatus(str, Enum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class Finding:
    code: str
    rule: str
    line: int  # 1-based, in the file as it was read
    column: int  # 0-based offset in that line, in the file as it was read
    message: str
    fix: FixState
    cell: int | None = None  # notebooks: 1-based cell number; `line` is then the line in that cell

    @property
    def location(self) -> str:
        """`12:1`, or `cell 4:12:1` in a notebook (columns 1-based, as editors show them)."""
        where = f"{self.line}:{self.column + 1}"
        return f"cell {self.cell}:{where}" if self.cell is not None else where

    @property
    def needs_person(self) -> bool:
        return self.fix is not FixState.APPLIED

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["fix"] = self.fix.value
        if self.cell is None:
            del data["cell"]
        return data


@dataclass
class FileResult:
    path: str
    status: FileStatus
    reason: str = ""
    findings: list[Finding] = field(default_factory=list)
    diff: str = ""  # unified diff of the change ("" when unchanged)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "status": self.status.value,
            "reason": self.reason,
            "findings": [finding.to_json() for finding in self.findings],
        }


def internal_error(error: BaseException, debug: bool = False) -> str:
    """The reason reported for an unexpected exception: one line, or the whole traceback with `--debug`."""
    reason = f"internal error: {type(error).__name__}: {error}"
    return reason + "\n" + traceback_text(error) if debug else reason


def traceback_text(error: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(error)).rstrip()
