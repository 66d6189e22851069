"""Unified diffs that `git apply` and `patch -p1` accept, including files without a final newline."""

from __future__ import annotations

import difflib


def unified_diff(path: str, before: str, after: str) -> str:
    if before == after:
        return ""
    name = path.replace("\\", "/").lstrip("/")
    lines = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    ):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)
