"""A results cache, so that `check` on an unchanged repository costs reading and hashing its files.

An entry holds one file's result (status, reason, findings, diff). Its key is a hash of the file's bytes,
its path as reported, the rule selection that applies to it (with `--unsafe-fixes`), and the fingerprint of
this tf2migrate: its version and the contents of its code and of the rule data tables (`codemods/data/`), so
an upgraded or edited tool never reads an older tool's results.

Where: `--cache-dir`, else `cache-dir` of the configuration, else `.tf2migrate_cache/` in the project root of
the first path given: the folder of its configuration file, else the nearest folder above it holding `.git`
or `pyproject.toml`, else the current folder. The cache folder gets its own `.gitignore` (`*`).
`--no-cache` (or the environment variable `TF2MIGRATE_NO_CACHE=1`) turns it off.

Safe to share: every entry is written to a temporary file and moved into place with `os.replace`, so a
reader sees a whole entry or none; an entry that cannot be read or decoded is ignored (and rewritten).
What is stored: results of runs that write nothing (`check`, `--dry-run`), and in `fix` only files left
unchanged (a changed file's old result describes text that is no longer there). A cached result in `fix`
is used only when it says there is nothing to write.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from tf2migrate import __version__
from tf2migrate.findings import FileResult, FileStatus, Finding, FixState

CACHE_FOLDER = ".tf2migrate_cache"
ENV_NO_CACHE = "TF2MIGRATE_NO_CACHE"
FORMAT = 1


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """The tool's version and the contents of its modules, rules and data tables."""
    digest = hashlib.sha256(f"tf2migrate {__version__} cache format {FORMAT}".encode())
    import tf2migrate.codemods as codemods

    for package in (Path(__file__).parent, Path(codemods.__file__).parent):
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".json", ".txt") and "__pycache__" not in path.parts and path.is_file():
                digest.update(path.relative_to(package).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def disabled_by_environment() -> bool:
    return os.environ.get(ENV_NO_CACHE, "").strip().lower() not in ("", "0", "false", "no")


def default_folder(paths: list[str], config_root: str | None) -> str:
    """`.tf2migrate_cache` in the project root of the first path (see the module docstring)."""
    if config_root:
        return os.path.join(config_root, CACHE_FOLDER)
    start = os.path.abspath(paths[0]) if paths else os.getcwd()
    folder = start if os.path.isdir(start) else os.path.dirname(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")) or os.path.isfile(os.path.join(folder, "pyproject.toml")):
            return os.path.join(folder, CACHE_FOLDER)
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(os.getcwd(), CACHE_FOLDER)
        folder = parent


class ResultCache:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.hits = 0
        self._prepared = False

    def _key(self, data: bytes, shown: str, selection: object) -> str:
        digest = hashlib.sha256(fingerprint().encode())
        digest.update(repr((shown, selection)).encode())
        digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    def _entry(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key[2:] + ".json")

    def key_for(self, path: str, shown: str, selection: object) -> str | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        return self._key(data, shown, selection)

    def load(self, key: str, shown: str) -> FileResult | None:
        try:
            with open(self._entry(key), encoding="utf-8") as handle:
                entry = json.load(handle)
            result = FileResult(
                shown,
                FileStatus(entry["status"]),
                entry["reason"],
                [
                    Finding(f["code"], f["rule"], f["line"], f["column"], f["message"], FixState(f["fix"]), f.get("cell"))
                    for f in entry["findings"]
                ],
                entry["diff"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, half-written by an older crash, or corrupt: recompute
        self.hits += 1
        return result

    def store(self, key: str, result: FileResult) -> None:
        entry = {**result.to_json(), "diff": result.diff}
        target = self._entry(key)
        try:
            self._prepare()
            os.makedirs(os.path.dirname(target), exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(target))
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entry, out)
            os.replace(temporary, target)
        except OSError:
            pass  # a cache that cannot be written is only slower

    def _prepare(self) -> None:
        if self._prepared:
            return
        os.makedirs(self.folder, exist_ok=True)
        ignore = os.path.join(self.folder, ".gitignore")
        if not os.path.exists(ignore):
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write("# created by tf2migrate: the results cache; safe to delete\n*\n")
            os.replace(temporary, ignore)
        self._prepared = True


def _storable(result: FileResult, write: bool) -> bool:
    """Failures are never stored: their cause may not be the file's content (a permission, a file that
    vanished, an interrupt, an internal error that `--debug` must be able to show again)."""
    if result.status is FileStatus.FAILED:
        return False
    if write:
        return result.status in (FileStatus.UNCHANGED, FileStatus.SKIPPED)
    return True


def run_cached(
    candidates: list,
    options,
    jobs: int | None,
    on_result: Callable[[FileResult], None] | None,
    run: Callable,
    cache: ResultCache,
) -> list[FileResult]:
    """`runner.run` over the files the cache does not answer for; results (and `on_result` calls) in
    discovery order, as `runner.run` gives them."""
    results: list[FileResult | None] = [None] * len(candidates)
    keys: dict[int, str] = {}
    misses: list[int] = []
    for index, candidate in enumerate(candidates):
        if candidate.skip_reason:
            misses.append(index)
            continue
        key = cache.key_for(candidate.path, candidate.path, options.selection_for(candidate.path))
        hit = cache.load(key, candidate.path) if key else None
        if hit is not None and options.write and hit.status is FileStatus.CHANGED:
            hit = None  # there is something to write: run it
        if hit is not None:
            results[index] = hit
            continue
        if key:
            keys[index] = key
        misses.append(index)

    emitted = 0

    def emit_ready() -> None:
        nonlocal emitted
        while emitted < len(results) and results[emitted] is not None:
            if on_result:
                on_result(results[emitted])  # type: ignore[arg-type]
            emitted += 1

    pending = {candidates[i].path: i for i in misses}

    def on_miss(result: FileResult) -> None:
        index = pending.pop(result.path)
        results[index] = result
        key = keys.get(index)
        if key and _storable(result, options.write):
            cache.store(key, result)
        emit_ready()

    emit_ready()
    run([candidates[i] for i in misses], options, jobs, on_miss)
    emit_ready()
    return [r for r in results if r is not None]
