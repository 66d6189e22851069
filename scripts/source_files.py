"""The Python files the checking scripts compare tf2migrate's answers with LibCST's on
(`check_import_bindings.py`, `check_import_uses.py`, `check_scope_visitor.py`): every `.py` file under the given
folders (or the files themselves), read as UTF-8; a file that cannot be read or parsed is skipped."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import TypeVar

import libcst as cst

Result = TypeVar("Result")

UNREADABLE = (cst.ParserSyntaxError, UnicodeDecodeError, RecursionError, SyntaxError, ValueError)


def python_files(paths: list[str]) -> Iterator[str]:
    for path in paths:
        if os.path.isdir(path):
            for root, _, files in os.walk(path):
                yield from (os.path.join(root, f) for f in sorted(files) if f.endswith(".py"))
        else:
            yield path


def compared(paths: list[str], compare: Callable[[str], Result]) -> Iterator[tuple[str, Result]]:
    """(path, `compare(text)`) for each file that can be read and parsed; deep nesting allowed, warnings silenced."""
    sys.setrecursionlimit(10000)
    warnings.simplefilter("ignore")
    for path in python_files(paths):
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            result = compare(text)
        except UNREADABLE:
            continue
        yield path, result
