"""Reading and writing Python source files without ever damaging them.

A file is read as bytes, decoded the way Python itself would (BOM, PEP 263 encoding cookie,
UTF-8 by default), and written back with the same encoding, BOM, line endings (LibCST keeps them)
and mode bits, atomically: a temporary file in the same folder, then `os.replace`.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass

from tf2migrate import interrupts


class SourceError(Exception):
    """The file cannot be read, decoded or written; the message says why."""


@dataclass(frozen=True)
class SourceFile:
    path: str
    data: bytes
    text: str
    encoding: str  # codec used to decode the text (without the BOM)
    bom: bool

    def encode(self, text: str) -> bytes:
        """Encode new text the way this file was encoded."""
        try:
            body = text.encode(self.encoding)
        except UnicodeEncodeError as error:
            raise SourceError(f"the new text cannot be encoded as {self.encoding}: {error.reason}") from None
        return (codecs.BOM_UTF8 + body) if self.bom else body


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb", opener=_open_no_wait) as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                kind = "a folder" if os.path.isdir(path) else "not a regular file"
                raise SourceError(f"cannot read: {kind} (it was a file when the run started?)")
            return handle.read()
    except FileNotFoundError:
        raise SourceError("cannot read: the file is gone (deleted or moved during the run?)") from None
    except IsADirectoryError:
        raise SourceError("cannot read: a folder (it was a file when the run started?)") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


def _open_no_wait(path: str, flags: int) -> int:
    """Open without blocking on a named pipe (a FIFO named `x.py` must not hang the run)."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def decode(path: str, data: bytes) -> SourceFile:
    """Decode source bytes as CPython does; refuse binary data."""
    if b"\x00" in data:
        raise SourceError("binary file (contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        # detect_encoding also fails on non-UTF-8 bytes in the first two lines when there is no cookie
        raise SourceError(f"cannot decode: {error.msg if hasattr(error, 'msg') else error}") from None
    bom = data.startswith(codecs.BOM_UTF8)
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise SourceError(f"cannot decode as {encoding}: {error}") from None
    return SourceFile(path=path, data=data, text=text, encoding=encoding, bom=bom)


def ensure_writable(path: str) -> None:
    """Refuse files the user cannot write, or has marked read-only (no write bit; root included)."""
    try:
        read_only = stat.S_IMODE(os.stat(path).st_mode) & 0o222 == 0
    except OSError as error:
        raise SourceError(f"cannot stat: {error.strerror or error}") from None
    if read_only or not os.access(path, os.W_OK):
        raise SourceError("file is not writable (read-only); left untouched")


def atomic_write(path: str, data: bytes, expected: bytes | None = None) -> None:
    """Replace `path` with `data` in one step, keeping its permission bits.

    With `expected` (the bytes the new text was made from), a file someone else changed since it was
    read is not overwritten. SIGINT and SIGTERM wait until the replacement is done (or abandoned)."""
    with interrupts.protected():
        _replace(path, data, expected)


def _replace(path: str, data: bytes, expected: bytes | None) -> None:
    ensure_writable(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError as error:
        raise SourceError(f"cannot stat: {error.strerror or error}") from None
    if expected is not None and read_bytes(path) != expected:
        raise SourceError("changed during the run, not written")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(prefix=".tf2migrate-", suffix=".tmp", dir=folder)
    except OSError as error:
        raise SourceError(f"cannot create a temporary file beside it: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise SourceError(f"cannot write: {error.strerror or error}") from None
        raise
