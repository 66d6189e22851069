"""Find the Python files (and Jupyter notebooks) to migrate under the paths given on the command line.

Files named explicitly are always taken. Folders are walked in a stable order, skipping hidden
folders, virtual environments, `__pycache__`, `site-packages` and `node_modules`, whatever
`.gitignore` files (of the folder, its parents up to the repository root, and every subfolder)
ignore, and what `--exclude` globs match. Symbolic links are not followed out of the tree.
"""

from __future__ import annotations

import errno
import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

SOURCE_SUFFIXES = (".py", ".ipynb")  # notebooks: see tf2migrate/notebooks.py
SKIPPED_FOLDERS = {"__pycache__", "site-packages", "node_modules", "venv"}


@dataclass(frozen=True)
class Candidate:
    path: str  # as shown in reports (relative to the working folder where possible)
    skip_reason: str = ""  # set when the file is found but must not be touched
    error: str = ""  # set when the path is broken (a symbolic link loop, a folder that cannot be listed)


@dataclass
class _IgnoreFile:
    base: Path
    spec: pathspec.PathSpec

    def matches(self, path: Path, is_dir: bool) -> bool:
        try:
            relative = path.relative_to(self.base).as_posix()
        except ValueError:
            return False
        return self.spec.match_file(relative + "/" if is_dir else relative)


def _load_ignore(folder: Path) -> _IgnoreFile | None:
    ignore = folder / ".gitignore"
    try:
        lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _IgnoreFile(folder, pathspec.PathSpec.from_lines("gitwildmatch", lines))


def _parent_ignores(folder: Path) -> list[_IgnoreFile]:
    """.gitignore files above `folder`, up to the repository root (the folder holding `.git`)."""
    chain: list[Path] = []
    current = folder.parent
    while True:
        chain.append(current)
        if (current / ".git").exists() or current.parent == current:
            break
        current = current.parent
    if not any((p / ".git").exists() for p in chain):
        return []  # not inside a repository: parent .gitignore files do not apply
    return [ignore for p in reversed(chain) if (ignore := _load_ignore(p)) is not None]


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _excluded(path: Path, root: Path, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        relative = path.as_posix()
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(_display(path), p) for p in patterns)


def discover(paths: list[str], exclude: tuple[str, ...] = ()) -> list[Candidate]:
    """Every file to process, in a stable order, without duplicates."""
    seen: set[str] = set()
    found: list[Candidate] = []

    def add(candidate: Candidate, real: str) -> None:
        if real not in seen:
            seen.add(real)
            found.append(candidate)

    for given in paths:
        root = Path(given)
        if root.is_file():
            add(Candidate(_display(root)), os.path.realpath(root))
            continue
        if not root.is_dir():
            continue
        real_root = os.path.realpath(root)
        ignores = _parent_ignores(root.resolve())
        for candidate, real in _walk(root, real_root, ignores, exclude):
            add(candidate, real)
    return found


def _broken_link(path: Path) -> Candidate | None:
    """A symbolic link that loops or points nowhere, as a candidate saying so; None for a link that resolves."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Candidate(_display(path), error="symbolic link loop; not followed")
        if error.errno == errno.ENOENT:
            return Candidate(_display(path), f"dangling symbolic link (its target {os.readlink(path)!r} does not exist)")
        return Candidate(_display(path), error=f"cannot follow symbolic link: {error.strerror or error}")
    return None


def _walk(root: Path, real_root: str, inherited: list[_IgnoreFile], exclude: tuple[str, ...]):
    stack: list[tuple[Path, list[_IgnoreFile]]] = [(root, inherited)]
    while stack:
        folder, ignores = stack.pop()
        own = _load_ignore(Path(os.path.abspath(folder)))
        if own is not None:
            ignores = [*ignores, own]
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            if folder != root or os.path.exists(folder):  # a folder that vanished meanwhile is simply gone
                yield Candidate(_display(folder), error=f"cannot list folder: {error.strerror or error}"), f"{os.path.abspath(folder)}#folder"
            continue
        subfolders: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith(".") or entry.name in SKIPPED_FOLDERS or _is_virtualenv(path):
                    continue
                if any(i.matches(Path(os.path.abspath(path)), True) for i in ignores) or _excluded(path, root, exclude):
                    continue
                subfolders.append(path)
                continue
            if not entry.name.endswith(SOURCE_SUFFIXES):
                continue
            if any(i.matches(Path(os.path.abspath(path)), False) for i in ignores) or _excluded(path, root, exclude):
                continue
            if entry.is_symlink():
                problem = _broken_link(path)
                if problem:
                    yield problem, f"{os.path.abspath(path)}#link"
                    continue
            real = os.path.realpath(path)
            if entry.is_symlink():
                if not (real == real_root or real.startswith(real_root + os.sep)):
                    yield Candidate(_display(path), "symbolic link out of the tree; not followed"), real + "#link"
                    continue
                if not os.path.isfile(real):
                    yield Candidate(_display(path), "symbolic link to something that is not a file; not followed"), real + "#link"
                    continue
            elif not entry.is_file(follow_symlinks=False):
                yield Candidate(_display(path), "not a regular file (a named pipe, socket or device); not read"), real
                continue
            yield Candidate(_display(path)), real
        stack.extend((sub, ignores) for sub in reversed(subfolders))
