"""Run `python SCRIPT ARGS...` through a per-process zygote (`tests/zygote.py`) that has imported TensorFlow.

`run(kind, argv, cwd, env, timeout)` returns what `subprocess.run(..., capture_output=True, text=True)` would:
a `CompletedProcess` with the exit code and the decoded output, or raises `subprocess.TimeoutExpired` after
killing the program. It returns None when no zygote can serve the request (the first request of a kind starts
one in the background and is not served; it is still importing; it could not start, it declared itself unfit, it died before forking, the pytest worker forked, TF2MIGRATE_TEST_NO_ZYGOTE is set): the caller
then runs a plain subprocess, so the zygote only ever saves time. A zygote serves the environment it was
started with, apart from the variables pytest changes from test to test (`VOLATILE`: `PYTEST_CURRENT_TEST`),
which nothing the zygote preloads reads and which the child gets from the request, as a subprocess would.
A process keeps up to `PER_KIND` zygotes of a kind, one per environment (the TF1 runner alternates between
the plain environment and TF_USE_LEGACY_KERAS=1; the cache tests turn the cache on): a request with yet
another environment replaces the one used least recently.
"""

from __future__ import annotations

import atexit
import json
import locale
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SERVER = Path(__file__).resolve().parent / "zygote.py"
DISABLE = "TF2MIGRATE_TEST_NO_ZYGOTE"


class ZygoteGone(Exception):
    """The zygote ended or misbehaved before it forked: the request was not run."""


class ZygoteLost(RuntimeError):
    """The zygote ended while a program ran: its result is unknown (the program is not run again)."""


class Zygote:
    def __init__(self, kind: str, env: dict[str, str]) -> None:
        self.kind = kind
        self.env = dict(env)
        self.owner = os.getpid()
        self.folder = tempfile.mkdtemp(prefix=f"zygote-{kind}-")
        self.buffer = b""
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER), kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            cwd=SERVER.parent,
        )
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.started = False

    def ready(self) -> bool:
        """Whether the zygote has finished its imports (it starts in the background: until then, and
        so for a test that times the command line, requests run as plain subprocesses)."""
        if not self.started:
            line = self._line(time.monotonic())
            if line is None:
                return False
            if line != "ready":
                raise ZygoteGone(f"the {self.kind} zygote did not start: {line}")
            self.started = True
        return True

    def _line(self, deadline: float | None) -> str | None:
        """The next reply line, or None at the deadline; ZygoteGone if the pipe closed."""
        while b"\n" not in self.buffer:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self.selector.select(wait):
                if deadline is not None and time.monotonic() >= deadline:
                    return None
                continue
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                raise ZygoteGone(f"the {self.kind} zygote ended")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()

    def run(self, argv: list[str], cwd: str, timeout: float | None, args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        out, err = os.path.join(self.folder, "stdout"), os.path.join(self.folder, "stderr")
        for stale in (out, err):
            Path(stale).unlink(missing_ok=True)
        request = {"argv": argv, "cwd": cwd, "env": self.env if env is None else env, "stdout": out, "stderr": err}
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
            started = self._line(None)
        except (OSError, ZygoteGone) as error:
            raise ZygoteGone(str(error)) from error
        if not started or not started.startswith("pid "):
            raise ZygoteGone(f"unexpected reply {started!r}")
        pid = int(started.split()[1])
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            finished = self._line(deadline)
            timed_out = finished is None
            if timed_out:  # kill the program as subprocess.run does, then collect what it wrote
                os.kill(pid, 9)
                finished = self._line(None)
        except ZygoteGone as error:
            raise ZygoteLost(f"{error} while running {argv}") from error
        except BaseException:
            os.kill(pid, 9)  # interrupted: the program must not outlive the test
            raise
        if not finished or not finished.startswith("exit "):
            raise ZygoteLost(f"unexpected reply {finished!r} while running {argv}")
        code = int(finished.split()[1])
        stdout, stderr = _text(out), _text(err)
        if timed_out:
            raise subprocess.TimeoutExpired(args, timeout, output=stdout, stderr=stderr)
        return subprocess.CompletedProcess(args, code, stdout, stderr)

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001 - best effort at exit
            self.process.kill()
            self.process.wait()
        self.selector.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _text(path: str) -> str:
    """Decoded as `subprocess.run(text=True)` decodes: locale encoding, universal newlines."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return ""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


# Environment variables pytest sets anew for every test: a zygote started under another test still serves.
VOLATILE = frozenset({"PYTEST_CURRENT_TEST"})
PER_KIND = 2

_Key = tuple[str, frozenset[tuple[str, str]]]
_zygotes: dict[_Key, Zygote | None] = {}  # in order of use, the most recent last
_latest: dict[str, _Key] = {}  # the key each kind was last requested with
_lock = threading.Lock()
served: dict[str, int] = {}  # requests each kind's zygotes ran, for the tests of the zygote itself


def _key(kind: str, env: dict[str, str]) -> _Key:
    return kind, frozenset((name, value) for name, value in env.items() if name not in VOLATILE)


def wait_ready(kind: str, timeout: float = 600) -> bool:
    """Wait until this process's zygote of `kind` for the environment of the last request of that kind
    (started by that request) serves requests."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            zygote = _zygotes.get(_latest[kind]) if kind in _latest else None
            try:
                if zygote is None or zygote.owner != os.getpid():
                    return False
                if zygote.ready():
                    return True
            except ZygoteGone:
                return False
        time.sleep(0.2)
    return False


def run(kind: str, argv: list[str], cwd: Path | str, env: dict[str, str], timeout: float | None, args: list[str]) -> subprocess.CompletedProcess[str] | None:
    """`argv` run as by `subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)`
    where args = [sys.executable, *argv]; None when no zygote can serve it (run a subprocess instead)."""
    if os.environ.get(DISABLE):
        return None
    with _lock:
        key = _key(kind, env)
        _latest[kind] = key
        if key in _zygotes:
            _zygotes[key] = _zygotes.pop(key)  # the most recently used last
        zygote = _zygotes.get(key)
        if zygote is not None and zygote.owner != os.getpid():  # inherited by a forked worker: not ours
            _zygotes.pop(key)
            zygote = None
        if zygote is None:
            if key in _zygotes:  # this kind failed to start before in this environment: do not pay for it again
                return None
            same_kind = [k for k, z in _zygotes.items() if k[0] == kind and z is not None]
            for old in same_kind[: max(0, len(same_kind) - PER_KIND + 1)]:  # the least recently used first
                stale = _zygotes.pop(old)
                if stale is not None and stale.owner == os.getpid():
                    stale.close()
            try:
                _zygotes[key] = Zygote(kind, {name: value for name, value in env.items() if name not in VOLATILE})
            except OSError:
                _zygotes[key] = None
            return None  # this request runs plainly while the zygote imports
        try:
            if not zygote.ready():
                return None
            done = zygote.run(argv, str(cwd), timeout, args, env)
            served[kind] = served.get(kind, 0) + 1
            return done
        except ZygoteGone:
            zygote.close()
            _zygotes[key] = None
            return None
        except BaseException:  # ZygoteLost, or interrupted while the program ran: start afresh next time
            zygote.close()
            _zygotes.pop(key)
            raise


@atexit.register
def _close_all() -> None:
    for zygote in _zygotes.values():
        if zygote is not None and zygote.owner == os.getpid():
            zygote.close()
