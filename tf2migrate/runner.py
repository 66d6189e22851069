"""Run the engine over many files: in this process for a few files, over a process pool otherwise.

Results come back in discovery order whatever order the workers finish in, so reports are stable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from tf2migrate.discovery import Candidate
from tf2migrate.findings import FileResult, FileStatus

# Below this many files a pool costs more (worker start-up, imports) than it saves.
POOL_THRESHOLD = 8


def _process(task: tuple[str, object]) -> FileResult:
    from tf2migrate.engine import process_file

    path, options = task
    return process_file(path, options)  # type: ignore[arg-type]


def _warm_up() -> None:
    """Import the engine and every rule once per worker, not once per file."""
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
    work = [(i, c) for i, c in enumerate(candidates) if not c.skip_reason]
    for index, candidate in enumerate(candidates):
        if candidate.skip_reason:
            results[index] = FileResult(candidate.path, FileStatus.SKIPPED, candidate.skip_reason)
            if on_result:
                on_result(results[index])  # type: ignore[arg-type]
    for index, result in _results(work, options, jobs):
        results[index] = result
        if on_result:
            on_result(result)
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
    with ProcessPoolExecutor(max_workers=jobs, initializer=_warm_up) as pool:
        for position, result in zip(order, pool.map(_process, [tasks[i] for i in order], chunksize=chunksize)):
            done[position] = result
            while next_to_yield in done:
                yield work[next_to_yield][0], done.pop(next_to_yield)
                next_to_yield += 1


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
