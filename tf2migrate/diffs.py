"""Unified diffs that `git apply` and `patch -p1` accept, whatever the file's encoding, BOM or line endings.

The diff is made from the bytes of the file as they are on disk and as they would be written: a latin-1
file's lines stay latin-1, a BOM stays on the first line, and lines are split at `\\n` only, as git does
(a CR-only file is one line to git). The result is a `str` holding those bytes as UTF-8 with
`surrogateescape`: `diff_bytes()` gives them back exactly.
"""

from __future__ import annotations

import difflib
import os

NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    if before == after:
        return ""
    name = os.fsencode(path.replace("\\", "/").lstrip("/"))
    chunks = []
    for line in difflib.diff_bytes(
        difflib.unified_diff,
        _lines(before),
        _lines(after),
        fromfile=b"a/" + name,
        tofile=b"b/" + name,
    ):
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
