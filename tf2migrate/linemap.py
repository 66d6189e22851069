"""Map line numbers of a rewritten text back to the text as it was read.

Rules run one after another on the same tree; when an earlier rule changed it, a later rule sees
new line numbers. Reports must name lines of the file as the user has it, so each finding's line
is mapped back through a line diff: unchanged lines map exactly, and so do lines of a block rewritten line for
line; in any other rewritten block a line whose text is that of one of the block's original lines but for its
indentation maps to it (a `with` block unwrapped), the others to the first line of the block it replaced.

Small texts are diffed with `difflib.SequenceMatcher`, whose time grows with the product of the two
lengths (a text of thousands of lines with many equal lines — blank ones, `return x` — takes
seconds). Large ones are first cut at their common start and end and at lines that occur exactly once
in both (patience diffing); only the small gaps between those anchors go to `SequenceMatcher`.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter

EXACT_LIMIT = 2000  # total lines up to which the whole texts go to SequenceMatcher (as they always did)
GAP_LIMIT = 250_000  # largest (lines x lines) gap handed to SequenceMatcher


class LineMap:
    def __init__(self, original: str, current: str) -> None:
        # The diff is made when a line is first mapped: most rewritten texts never need it.
        self._texts: tuple[str, str] | None = (original, current)
        self._original_lines = 1
        self._starts_list: list[int] = []  # current-text block starts (0-based)
        self._blocks_list: list[tuple[int, int, int, int, str]] = []
        self._lines: tuple[list[str], list[str]] | None = None  # both texts' lines, kept for `_moved`
        self._moved_cache: dict[int, dict[int, int]] = {}

    def _diff(self) -> None:
        assert self._texts is not None
        original, current = self._texts
        self._texts = None
        self._original_lines = max(1, len(original.splitlines()))
        if original == current:
            return
        self._lines = (original.splitlines(), current.splitlines())
        for tag, i1, i2, j1, j2 in line_opcodes(*self._lines):
            self._starts_list.append(j1)
            self._blocks_list.append((i1, i2, j1, j2, tag))

    @property
    def _blocks(self) -> list[tuple[int, int, int, int, str]]:
        if self._texts is not None:
            self._diff()
        return self._blocks_list

    @property
    def _starts(self) -> list[int]:
        if self._texts is not None:
            self._diff()
        return self._starts_list

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
        if tag == "replace":
            moved = self._moved(index).get(line - 1)
            if moved is not None:
                return moved + 1  # the same line, indented otherwise (a `with` block unwrapped, ...)
        return min(i1 + 1, self._original_lines)

    def _moved(self, index: int) -> dict[int, int]:
        """For a rewritten block of another length: its current lines whose text, indentation aside, is an original
        line of the block (matched in order), mapped to that line (0-based)."""
        cached = self._moved_cache.get(index)
        if cached is None:
            i1, i2, j1, j2, _ = self._blocks[index]
            assert self._lines is not None
            old, new = [line.strip() for line in self._lines[0][i1:i2]], [line.strip() for line in self._lines[1][j1:j2]]
            cached = {}
            if len(old) * len(new) <= GAP_LIMIT:
                for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
                    if tag == "equal":
                        for offset in range(b2 - b1):
                            if new[b1 + offset]:  # a blank line says nothing of where it came from
                                cached[j1 + b1 + offset] = i1 + a1 + offset
            self._moved_cache[index] = cached
        return cached


def line_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """`SequenceMatcher.get_opcodes()` of two lists of lines, in time close to linear for large ones."""
    if len(a) + len(b) <= EXACT_LIMIT:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    opcodes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for ai, bj, size in [*_matching_blocks(a, b), (len(a), len(b), 0)]:
        tag = "replace" if i < ai and j < bj else "delete" if i < ai else "insert" if j < bj else ""
        if tag:
            opcodes.append((tag, i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            opcodes.append(("equal", ai, i, bj, j))
    return opcodes


def _matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    pairs: list[tuple[int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            pairs.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            pairs.append((ahi, bhi))
        if alo == ahi or blo == bhi:
            continue
        if (ahi - alo) * (bhi - blo) <= GAP_LIMIT:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for i, j, size in matcher.get_matching_blocks():
                pairs.extend((alo + i + k, blo + j + k) for k in range(size))
            continue
        previous_i, previous_j = alo, blo
        for i, j in _unique_anchors(a, alo, ahi, b, blo, bhi):
            pairs.append((i, j))
            stack.append((previous_i, i, previous_j, j))
            previous_i, previous_j = i + 1, j + 1
        if (previous_i, previous_j) != (alo, blo):
            stack.append((previous_i, ahi, previous_j, bhi))
        # no anchor at all: the whole gap counts as rewritten
    pairs.sort()
    blocks: list[tuple[int, int, int]] = []
    for i, j in pairs:
        if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + 1)
        else:
            blocks.append((i, j, 1))
    return blocks


def _unique_anchors(a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int) -> list[tuple[int, int]]:
    """Lines found exactly once in each range, the longest run of them in the same order in both."""
    in_a = Counter(a[alo:ahi])
    in_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if in_b[b[j]] == 1 and in_a.get(b[j]) == 1}
    candidates = [(i, where_b[a[i]]) for i in range(alo, ahi) if a[i] in where_b]
    # longest increasing subsequence of the b positions (patience sorting)
    tails: list[int] = []  # b position ending the best run of each length
    tail_index: list[int] = []
    previous: list[int] = []
    for index, (_, j) in enumerate(candidates):
        k = bisect.bisect_left(tails, j)
        previous.append(tail_index[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
    run: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(candidates[index])
        index = previous[index]
    return run[::-1]
