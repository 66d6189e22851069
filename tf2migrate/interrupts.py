"""Stopping a run on Ctrl-C (SIGINT) or SIGTERM quickly and cleanly, and never leaving workers behind.

Main process: `handled()` turns either signal into an `Interrupted` exception (exit status 128 + the
signal's number: 130, 143), which the runner answers by ending its workers and the command line by
printing one summary line. Workers ignore SIGINT (a Ctrl-C reaches the whole process group; the main
process decides), exit at once on SIGTERM, and are sent SIGTERM when the main process dies, however
it dies (Linux: `PR_SET_PDEATHSIG`; elsewhere a thread watching the parent's pid).

In either process a signal that arrives while a file is being replaced (`protected()`) waits until the
replacement is done: a file is either as it was or completely rewritten, and no temporary file stays.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_depth = 0  # > 0 while a file is being replaced
_pending: int | None = None  # a signal that arrived meanwhile
_worker = False
_main_pid: int | None = None


class Interrupted(BaseException):
    """The run was stopped by a signal. A BaseException, so no `except Exception` in a rule swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.done: int | None = None  # files whose results were in when the run stopped
        self.total: int | None = None

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def summary(self) -> str:
        name = signal.Signals(self.signum).name
        if self.total is None:
            return f"tf2migrate: interrupted by {name}; stopped."
        return (
            f"tf2migrate: interrupted by {name}; stopped with {self.done} of {self.total} files reported"
            " (files already rewritten stay rewritten; none is half-written)."
        )


@contextlib.contextmanager
def protected() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the block runs (replacing one file); act on them right after."""
    global _depth, _pending
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
    if _depth == 0 and _pending is not None:
        signum, _pending = _pending, None
        _act(signum)


def _act(signum: int) -> None:
    if _worker or (_main_pid is not None and os.getpid() != _main_pid):
        os._exit(128 + signum)  # a worker (or a child forked before its own handlers were set): no clean-up to do
    raise Interrupted(signum)


def _handler(signum: int, frame: object) -> None:
    global _pending
    if _depth:
        _pending = signum
        return
    _act(signum)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """In the main process: SIGINT and SIGTERM raise `Interrupted` inside the block."""
    global _main_pid
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _main_pid = os.getpid()
    previous = {signum: signal.signal(signum, _handler) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def become_worker(parent_pid: int) -> None:
    """In a worker process, first thing: ignore SIGINT, exit on SIGTERM, die with the parent."""
    global _worker
    _worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _handler)
    if not _parent_death_signal():
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="tf2migrate-parent-watch").start()
    if os.getppid() != parent_pid:  # the parent died before we could ask to be told
        os._exit(128 + signal.SIGTERM)


def _parent_death_signal() -> bool:
    """Ask Linux to send SIGTERM when the parent dies; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    import time

    while os.getppid() == parent_pid:
        time.sleep(0.25)
    os.kill(os.getpid(), signal.SIGTERM)
