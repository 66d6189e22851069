"""Project configuration: `[tool.tf2migrate]` in `pyproject.toml`, or a `tf2migrate.toml` (keys at top level).

Found as ruff finds its configuration: for each file, the closest folder at or above it holding a
`tf2migrate.toml`, or a `pyproject.toml` with a `[tool.tf2migrate]` table (`tf2migrate.toml` wins in the same
folder); `--config PATH` uses that one file for every path instead. Relative patterns (`exclude`,
`extend-exclude`, `per-file-ignores`) are matched against paths relative to the folder of the file that sets
them, against any leading part of that path (so `"legacy"` excludes `legacy/x.py`) and against the file name.
Keys:

    select, ignore          lists of rule code prefixes (CLI --select / --ignore replace them)
    exclude                 globs skipped in folder walks (CLI --exclude replaces it)
    extend-exclude          more globs, always skipped
    per-file-ignores        {glob = [codes]}: rules ignored in the files the glob matches
    unsafe-fixes            true / false (CLI --unsafe-fixes / --no-unsafe-fixes replace it)
    jobs                    worker processes (CLI --jobs replaces it)
    cache-dir               the cache folder, relative to the configuration file (CLI --cache-dir replaces it)

As ruff does, a file named on the command line is processed even when an exclude pattern matches it.
An unknown key, a value of the wrong type or an unknown rule code is a `ConfigError` naming the file and
the key (the command line exits with status 2).
"""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from tf2migrate.selection import Selection

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_FILES = ("tf2migrate.toml", "pyproject.toml")
KEYS = ("select", "ignore", "exclude", "extend-exclude", "per-file-ignores", "unsafe-fixes", "jobs", "cache-dir")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    path: str  # the file it was read from
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unsafe_fixes: bool | None = None
    jobs: int | None = None
    cache_dir: str | None = None

    @property
    def root(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))


def _codes(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of rule code prefixes, like [\"TFM1\", \"TFM201\"]")
    return tuple(v.strip().upper() for v in value if v.strip())


def _globs(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of glob patterns, like [\"legacy/*\"]")
    return tuple(value)


def _check_codes(codes: tuple[str, ...], where: str, known: list[str]) -> None:
    unknown = [p for p in codes if not any(code.startswith(p) for code in known)]
    if unknown:
        raise ConfigError(f"{where}: no rule code starts with {', '.join(unknown)} (see `tf2migrate rules`)")


def parse(table: dict, path: str, known_codes: list[str]) -> Config:
    """A Config from the `[tool.tf2migrate]` table (or a tf2migrate.toml's top level) of `path`."""
    section = "[tool.tf2migrate]" if os.path.basename(path) == "pyproject.toml" else ""

    def where(key: str) -> str:
        return f"{path}: {section + ' ' if section else ''}key {key!r}"

    unknown = [key for key in table if key not in KEYS]
    if unknown:
        hint = " (in tf2migrate.toml the keys go at the top level)" if unknown == ["tool"] else ""
        raise ConfigError(f"{where(unknown[0])} is unknown{hint}; known keys: {', '.join(KEYS)}")
    values: dict[str, object] = {}
    for key in ("select", "ignore"):
        if key in table:
            values[key] = _codes(table[key], where(key))
            _check_codes(values[key], where(key), known_codes)  # type: ignore[arg-type]
    for key in ("exclude", "extend-exclude"):
        if key in table:
            values[key.replace("-", "_")] = _globs(table[key], where(key))
    if "per-file-ignores" in table:
        mapping = table["per-file-ignores"]
        if not isinstance(mapping, dict):
            raise ConfigError(f"{where('per-file-ignores')}: expected a table of glob = [codes]")
        entries = []
        for pattern, codes in mapping.items():
            parsed = _codes(codes, f"{where('per-file-ignores')} ({pattern!r})")
            _check_codes(parsed, f"{where('per-file-ignores')} ({pattern!r})", known_codes)
            entries.append((pattern, parsed))
        values["per_file_ignores"] = tuple(entries)
    if "unsafe-fixes" in table:
        if not isinstance(table["unsafe-fixes"], bool):
            raise ConfigError(f"{where('unsafe-fixes')}: expected true or false")
        values["unsafe_fixes"] = table["unsafe-fixes"]
    if "jobs" in table:
        jobs = table["jobs"]
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
            raise ConfigError(f"{where('jobs')}: expected a whole number of at least 1")
        values["jobs"] = jobs
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str) or not table["cache-dir"]:
            raise ConfigError(f"{where('cache-dir')}: expected a folder path")
        values["cache_dir"] = table["cache-dir"]
    return Config(path=path, **values)  # type: ignore[arg-type]


def read(path: str, known_codes: list[str], explicit: bool = False) -> Config | None:
    """The configuration in one file; None for a pyproject.toml without `[tool.tf2migrate]` (unless `explicit`)."""
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if os.path.basename(path) == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("tf2migrate") if isinstance(tool, dict) else None
        if table is None:
            if explicit:
                raise ConfigError(f"{path}: no [tool.tf2migrate] table")
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.tf2migrate] must be a table")
        return parse(table, path, known_codes)
    return parse(document, path, known_codes)


class ConfigFinder:
    """The configuration that applies to each path, read once per file."""

    def __init__(self, known_codes: list[str], forced: str | None = None) -> None:
        self._known = known_codes
        self._forced = read(forced, known_codes, explicit=True) if forced else None
        self._by_folder: dict[str, Config | None] = {}

    def for_path(self, path: str) -> Config | None:
        if self._forced is not None:
            return self._forced
        absolute = os.path.abspath(path)
        folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        visited = []
        found: Config | None = None
        while True:
            if folder in self._by_folder:
                found = self._by_folder[folder]
                break
            visited.append(folder)
            for name in CONFIG_FILES:
                candidate = os.path.join(folder, name)
                if os.path.isfile(candidate) and (found := read(candidate, self._known)) is not None:
                    break
            if found is not None:
                break
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        for seen in visited:
            self._by_folder[seen] = found
        return found


def matches(path: str, root: str, patterns: tuple[str, ...]) -> bool:
    """`path` (a file) matches a glob relative to `root`, a leading part of that relative path, or its name."""
    if not patterns:
        return False
    absolute = os.path.abspath(path)
    try:
        relative = Path(os.path.relpath(absolute, root)).as_posix()
    except ValueError:
        relative = Path(absolute).as_posix()
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))] if not relative.startswith("../") else [relative]
    name = os.path.basename(absolute)
    return any(fnmatch.fnmatchcase(p, pattern) for pattern in patterns for p in (*prefixes, name))


@dataclass(frozen=True)
class Scope:
    """What one configuration file decides, with the command line's overrides applied (picklable)."""

    root: str
    selection: Selection
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    everywhere: bool = False  # `--config PATH`: this configuration applies to every file


@dataclass(frozen=True)
class PerFileSelections:
    """The engine's view of the configuration: the Selection for each file (`Options.selection_for`)."""

    scopes: tuple[Scope, ...] = ()  # deepest root first
    default: Selection = field(default_factory=Selection)

    def scope_for(self, path: str) -> Scope | None:
        absolute = os.path.abspath(path)
        for scope in self.scopes:
            if scope.everywhere or absolute == scope.root or absolute.startswith(scope.root.rstrip(os.sep) + os.sep):
                return scope
        return None

    def selection_for(self, path: str) -> Selection:
        scope = self.scope_for(path)
        selection = scope.selection if scope else self.default
        for pattern, codes in scope.per_file_ignores if scope else ():
            if matches(path, scope.root, (pattern,)):  # type: ignore[union-attr]
                selection = replace(selection, ignore=selection.ignore + codes)
        return selection


@dataclass(frozen=True)
class Settings:
    per_file: PerFileSelections
    jobs: int | None
    cache_dir: str | None  # from a configuration file, absolute; None when none sets it
    config_root: str | None  # folder of the configuration of the first path

    def keep(self, candidates: list, given: list[str]) -> list:
        """Drop files found by walking a folder that their configuration excludes."""
        named = {os.path.realpath(p) for p in given if os.path.isfile(p)}
        kept = []
        for candidate in candidates:
            scope = self.per_file.scope_for(candidate.path)
            if scope and scope.exclude and os.path.realpath(candidate.path) not in named:
                if matches(candidate.path, scope.root, scope.exclude):
                    continue
            kept.append(candidate)
        return kept


def resolve(
    paths: list[str],
    candidates: list,
    *,
    known_codes: list[str],
    config_file: str | None = None,
    select: tuple[str, ...] | None = None,
    ignore: tuple[str, ...] | None = None,
    unsafe_fixes: bool | None = None,
    exclude: tuple[str, ...] | None = None,
    jobs: int | None = None,
    legacy_keras_fallback: bool = False,
) -> Settings:
    """Settings for a run: the configuration of each given path and of each file found (ruff's hierarchical
    lookup), overridden by what the command line says (a None override: not given). Run-wide values (`jobs`,
    `cache-dir`) come from the configuration of the first path."""
    finder = ConfigFinder(known_codes, config_file)
    configs: list[Config] = []
    first: Config | None = None
    for index, path in enumerate([*paths, *(c.path for c in candidates)]):
        config = finder.for_path(path)
        if index == 0:
            first = config
        if config is not None and config not in configs:
            configs.append(config)

    def scope(config: Config) -> Scope:
        selection = Selection(
            select=select if select is not None else (config.select or ()),
            ignore=ignore if ignore is not None else (config.ignore or ()),
            unsafe_fixes=unsafe_fixes if unsafe_fixes is not None else bool(config.unsafe_fixes),
            legacy_keras_fallback=legacy_keras_fallback,
        )
        patterns = (exclude if exclude is not None else (config.exclude or ())) + config.extend_exclude
        return Scope(config.root, selection, config.per_file_ignores, patterns, everywhere=bool(config_file))

    scopes = sorted((scope(c) for c in configs), key=lambda s: len(s.root), reverse=True)
    default = Selection(
        select=select or (), ignore=ignore or (), unsafe_fixes=bool(unsafe_fixes), legacy_keras_fallback=legacy_keras_fallback
    )
    return Settings(
        per_file=PerFileSelections(tuple(scopes), default),
        jobs=jobs if jobs is not None else (first.jobs if first else None),
        cache_dir=os.path.join(first.root, first.cache_dir) if first and first.cache_dir else None,
        config_root=first.root if first else None,
    )
