"""Deeply nested code (`not not ... x` 500 times, a 500-term sum, 500 nested lambdas) is valid Python
that LibCST parses, but walking its tree takes a Python frame or more per level and runs into the
recursion limit. Such a file is migrated again in a thread with a large stack and a higher limit;
what is still too deep there is reported as too deeply nested, not as an internal error."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

STACK_BYTES = 512 * 1024 * 1024  # reserved address space; pages are only used as deep as the code goes
RECURSION_LIMIT = 60_000
_limit_lock = threading.Lock()


def is_recursion(error: BaseException | None) -> bool:
    """True when `error` is, or was caused by, a RecursionError (also one a rule's error message names)."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, RecursionError) or "RecursionError" in str(error):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def call_with_deep_stack(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in a thread with a large stack and a high recursion limit; its exception is re-raised."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed back to the caller
            outcome["error"] = error

    with _limit_lock:
        previous_stack = threading.stack_size()
        previous_limit = sys.getrecursionlimit()
        try:
            threading.stack_size(STACK_BYTES)
            worker = threading.Thread(target=target, name="tf2migrate-deep", daemon=True)
            worker.start()
        finally:
            threading.stack_size(previous_stack)
        # The limit is per interpreter: raised only while this one migration runs (this process runs one at a time).
        sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
        try:
            worker.join()
        finally:
            sys.setrecursionlimit(previous_limit)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
