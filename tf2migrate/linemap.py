"""Map line numbers of a rewritten text back to the text as it was read.

Rules run one after another on the same tree; when an earlier rule changed it, a later rule sees
new line numbers. Reports must name lines of the file as the user has it, so each finding's line
is mapped back through a line diff: unchanged lines map exactly, and so do lines of a block rewritten line for line; lines inside
any other rewritten block map to the first line of the block it replaced.
"""

from __future__ import annotations

import bisect
import difflib


class LineMap:
    def __init__(self, original: str, current: str) -> None:
        self._starts: list[int] = []  # current-text block starts (0-based)
        self._original_lines = max(1, len(original.splitlines()))
        self._blocks: list[tuple[int, int, int, int, str]] = []
        if original == current:
            return
        matcher = difflib.SequenceMatcher(None, original.splitlines(), current.splitlines(), autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            self._starts.append(j1)
            self._blocks.append((i1, i2, j1, j2, tag))

    def to_original(self, line: int) -> int:
        """1-based line in the current text -> 1-based line in the original text."""
        if not self._blocks:
            return line
        index = bisect.bisect_right(self._starts, line - 1) - 1
        if index < 0:
            return line
        i1, i2, j1, j2, tag = self._blocks[index]
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            return i1 + (line - 1 - j1) + 1  # unchanged, or rewritten line for line
        return min(i1 + 1, self._original_lines)
