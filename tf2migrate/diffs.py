"""Unified diffs that `git apply` and `patch -p1` accept, whatever the file's encoding, BOM or line endings.

The diff is made from the bytes of the file as they are on disk and as they would be written: a latin-1
file's lines stay latin-1, a BOM stays on the first line, and lines are split at `\\n` only, as git does
(a CR-only file is one line to git). The result is a `str` holding those bytes as UTF-8 with
`surrogateescape`: `diff_bytes()` gives them back exactly.

Up to `linemap.EXACT_LIMIT` lines the hunks are `difflib.unified_diff`'s. Beyond, `difflib`'s matcher takes time
growing with the product of the lengths (a 50,000-line file: about 120 s for its diff alone), so the lines are
matched by `linemap.line_opcodes` (anchored on lines found once in both texts, near-linear) and the hunks are
written the way `difflib.unified_diff` writes them: same headers, 3 lines of context, same ranges.
"""

from __future__ import annotations

import difflib
import os
from typing import Iterator

from tf2migrate.linemap import EXACT_LIMIT, line_opcodes

NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    if before == after:
        return ""
    name = os.fsencode(path.replace("\\", "/").lstrip("/"))
    old, new = _lines(before), _lines(after)
    if len(old) + len(new) <= EXACT_LIMIT:
        lines: Iterator[bytes] = difflib.diff_bytes(difflib.unified_diff, old, new, fromfile=b"a/" + name, tofile=b"b/" + name)
    else:
        lines = _large_unified_diff(old, new, b"a/" + name, b"b/" + name)
    chunks = []
    for line in lines:
        chunks.append(line if line.endswith(b"\n") else line + b"\n" + NO_NEWLINE)
    return b"".join(chunks).decode("utf-8", "surrogateescape")


def _lines(data: bytes) -> list[bytes]:
    """Lines as git sees them: ended by `\\n` only (a `\\r` before it belongs to the line)."""
    lines = data.split(b"\n")
    last = lines.pop()
    result = [line + b"\n" for line in lines]
    if last:
        result.append(last)
    return result


def diff_bytes(diff: str) -> bytes:
    """The exact bytes of a diff made by `unified_diff`."""
    return diff.encode("utf-8", "surrogateescape")


def _large_unified_diff(old: list[bytes], new: list[bytes], fromfile: bytes, tofile: bytes, context: int = 3) -> Iterator[bytes]:
    """`difflib.unified_diff`'s output for the opcodes of `linemap.line_opcodes` (its grouping and range format)."""
    started = False
    for group in _grouped(line_opcodes(old, new), context):
        if not started:
            started = True
            yield b"--- " + fromfile + b"\n"
            yield b"+++ " + tofile + b"\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n".encode()
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (b" " + line for line in old[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from (b"-" + line for line in old[i1:i2])
            if tag in ("replace", "insert"):
                yield from (b"+" + line for line in new[j1:j2])


def _grouped(codes: list[tuple[str, int, int, int, int]], n: int) -> Iterator[list[tuple[str, int, int, int, int]]]:
    """`difflib.SequenceMatcher.get_grouped_opcodes(n)` for the given opcodes: changes with n lines of context."""
    codes = list(codes) or [("equal", 0, 1, 0, 1)]
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)
    group: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _range(start: int, stop: int) -> str:
    """A unified diff's range (`difflib._format_range_unified`)."""
    beginning = start + 1
    length = stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"
