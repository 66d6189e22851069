"""Glue between the command line and a project's settings: its configuration files and the results cache.

Kept out of `cli.py` so that the command line only asks for `settings(...)` and `cached_runner(...)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from tf2migrate.config import ConfigError, Settings, resolve
from tf2migrate.selection import parse_codes

__all__ = ["ConfigError", "cached_runner", "settings"]


def settings(
    paths: list[str], candidates: list, config_file, select, ignore, unsafe_fixes, exclude, jobs, legacy_keras_fallback: bool = False
) -> Settings:
    """The configuration for a run; command-line values (None or empty: not given) override it."""
    from tf2migrate.codemods import all_rules

    return resolve(
        paths,
        candidates,
        known_codes=[rule.code for rule in all_rules()],
        config_file=config_file,
        select=parse_codes(select) if select else None,
        ignore=parse_codes(ignore) if ignore else None,
        unsafe_fixes=unsafe_fixes,
        exclude=tuple(exclude) if exclude else None,
        jobs=jobs,
        legacy_keras_fallback=legacy_keras_fallback,
    )


def cached_runner(paths: list[str], settings: Settings, no_cache: bool, cache_dir: str | None, run: Callable) -> Callable:
    """`run` (runner.run's signature), answered from the results cache where it can be."""
    from tf2migrate import cache

    if no_cache or cache.disabled_by_environment():
        return run
    folder = cache_dir or settings.cache_dir or cache.default_folder(paths, settings.config_root)
    return functools.partial(_run_cached, run=run, results_cache=cache.ResultCache(folder))


def _run_cached(candidates, options, jobs, on_result, *, run, results_cache):
    from tf2migrate.cache import run_cached

    return run_cached(candidates, options, jobs, on_result, run, results_cache)
