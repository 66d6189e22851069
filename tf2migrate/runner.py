"""Run the engine over many files: in this process for a few files, over a process pool otherwise.

Results come back in discovery order whatever order the workers finish in, so reports are stable.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from tf2migrate import interrupts
from tf2migrate.discovery import Candidate
from tf2migrate.findings import FileResult, FileStatus, internal_error

# Below this many files a pool costs more (worker start-up, imports) than it saves.
POOL_THRESHOLD = 8


def _process(task: tuple[str, object]) -> FileResult:
    from tf2migrate.engine import process_file

    path, options = task
    try:
        return process_file(path, options)  # type: ignore[arg-type]
    except Exception as error:  # noqa: BLE001 - one file's problem must not end the run
        return FileResult(path, FileStatus.FAILED, internal_error(error, getattr(options, "debug", False)))


def _warm_up(parent_pid: int) -> None:
    """Set the worker's signal handling, then import the engine and every rule once per worker, not once per file."""
    interrupts.become_worker(parent_pid)
    from tf2migrate.codemods import all_rules, load_codemods

    load_codemods()
    all_rules()


def run(
    candidates: list[Candidate],
    options: object,
    jobs: int | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[FileResult | None] = [None] * len(candidates)
    work = [(i, c) for i, c in enumerate(candidates) if not (c.skip_reason or c.error)]
    for index, candidate in enumerate(candidates):
        if candidate.skip_reason or candidate.error:
            status = FileStatus.FAILED if candidate.error else FileStatus.SKIPPED
            results[index] = FileResult(candidate.path, status, candidate.error or candidate.skip_reason)
            if on_result:
                on_result(results[index])  # type: ignore[arg-type]
    stream = _results(work, options, jobs)
    try:
        for index, result in stream:
            results[index] = result
            if on_result:
                on_result(result)
    except BaseException as stop:
        stream.close()  # ends the workers now, wherever the exception came from
        if not isinstance(stop, interrupts.Interrupted):
            raise
        done = [r for r in results if r is not None]
        stop.done, stop.total = len(done), len(candidates)
        raise
    return [r for r in results if r is not None]


def _results(work: list[tuple[int, Candidate]], options: object, jobs: int) -> Iterator[tuple[int, FileResult]]:
    tasks = [(c.path, options) for _, c in work]
    if jobs == 1 or len(work) < POOL_THRESHOLD:
        for (index, _), task in zip(work, tasks):
            yield index, _process(task)
        return
    # Largest files first, in small chunks: a file of several thousand lines takes a hundred times
    # longer than a small one, and when it comes last one worker finishes it while the others idle.
    # Results are still handed on in discovery order, as soon as all earlier ones are in.
    order = sorted(range(len(tasks)), key=lambda i: _size(tasks[i][0]), reverse=True)
    chunksize = max(1, min(8, len(tasks) // (jobs * 16)))
    done: dict[int, FileResult] = {}
    next_to_yield = 0
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_warm_up, initargs=(os.getpid(),))
    try:
        # Chunks submitted one by one rather than `pool.map`, whose clean-up cancels pending futures: after
        # an interrupt that races with the pool's own handling of the workers it ends (a thread traceback).
        chunks = [order[start : start + chunksize] for start in range(0, len(order), chunksize)]
        futures = [pool.submit(_process_chunk, [tasks[i] for i in chunk]) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            for position, result in zip(chunk, future.result()):
                done[position] = result
            while next_to_yield in done:
                yield work[next_to_yield][0], done.pop(next_to_yield)
                next_to_yield += 1
    except BaseException:
        _end_workers(pool)
        raise
    pool.shutdown()


def _process_chunk(tasks: list[tuple[str, object]]) -> list[FileResult]:
    return [_process(task) for task in tasks]


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: SIGTERM (a worker replacing a file finishes that file first), SIGKILL after a second."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # concurrent.futures keeps them there
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + 1.0
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(0.2)
    pool.shutdown(wait=False)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
