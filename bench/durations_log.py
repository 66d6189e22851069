"""pytest plugin for measuring the test suite: one line per finished test phase, written as it finishes.

    PYTHONPATH=bench TFM_DURATIONS_LOG=/tmp/d.tsv python -m pytest -p durations_log ...

Each line: nodeid, phase, seconds, outcome, worker, the worker's CPU seconds so far (itself plus the children
it has reaped). Unlike `--durations`, the log survives a run killed by a timeout.
"""

from __future__ import annotations

import os
import resource
import time

_PATH = os.environ.get("TFM_DURATIONS_LOG")


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pytest_runtest_logreport(report) -> None:  # noqa: ANN001 - pytest hook
    if not _PATH or os.environ.get("PYTEST_XDIST_WORKER") is None and hasattr(report, "node"):
        return
    if os.environ.get("PYTEST_XDIST_WORKER") is None and getattr(report, "worker_id", None) is not None:
        return  # the controller sees the workers' reports again: each worker logs its own
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(_PATH, "a", encoding="utf-8") as log:
        log.write(f"{report.nodeid}\t{report.when}\t{report.duration:.3f}\t{report.outcome}\t{worker}\t{_cpu():.2f}\t{time.time():.1f}\n")
