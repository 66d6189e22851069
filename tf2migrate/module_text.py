"""The text of a whole module, rendered once per tree (or known from the text it was parsed from).

Several rules test the module's text (`"gradients" in module.code`) or split it into lines, and positions
are computed from it (`tf2migrate.metadata`). Rendering a module costs about as much as a codemod's whole
pass over it; the tree does not change while the rules that share it run (a rule that changes it hands the
next rules a new tree), so its text is kept for the last trees asked about. The engine parses every tree it
hands to the rules from a text and says so (`remember`): LibCST renders a parsed module as exactly the text
it was parsed from, so those trees are never rendered for their text. LibCST nodes are immutable and
compared by identity, so an entry is valid for as long as the very same module object is asked about (the
entry holds it, so its id is not reused).
"""

from __future__ import annotations

import ast
import warnings

import libcst as cst

_KEEP = 2
_TEXTS: list[list] = []  # [module, text, CPython ast of the text or None, derived], most recent first


def remember(module: cst.Module, text: str, python: ast.Module | None = None) -> None:
    """Note that `module` renders as `text` (it was parsed from that text); `python` is CPython's `ast` of
    the same text when the caller has it (`tf2migrate.metadata` reads statement lines from it)."""
    for index, entry in enumerate(_TEXTS):
        if entry[0] is module:
            del _TEXTS[index]
            break
    _TEXTS.insert(0, [module, text, python, {}])
    del _TEXTS[_KEEP:]


def _entry(module: cst.Module) -> list | None:
    for index, entry in enumerate(_TEXTS):
        if entry[0] is module:
            if index:
                _TEXTS.insert(0, _TEXTS.pop(index))
            return entry
    return None


def known_text(module: cst.Module) -> str | None:
    """The text of `module` if it is known without rendering, else None."""
    entry = _entry(module)
    return None if entry is None else entry[1]


def known_ast(module: cst.Module) -> ast.Module | None:
    """CPython's `ast` of the text `module` was parsed from (parsed once, then kept with it); None when the
    text is not known or CPython does not parse it."""
    entry = _entry(module)
    if entry is None:
        return None
    if entry[2] is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                entry[2] = ast.parse(entry[1])
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    return entry[2]


def derived(module: cst.Module) -> dict | None:
    """A dictionary kept with `module` for as long as its text is (and dropped with it by `forget`), for what
    is derived once per tree and read by several rules (`tf2migrate.traversal` keeps its walk of the module
    there); None when nothing is kept for `module`."""
    entry = _entry(module)
    return None if entry is None else entry[3]


def module_text(module: cst.Module) -> str:
    """`module.code`, rendered once per module object."""
    text = known_text(module)
    if text is None:
        text = module.code
        remember(module, text)
    return text


def forget(module: cst.Module) -> None:
    """Drop what is kept for `module` (the engine is done with that tree: it is not kept alive for its text)."""
    for index, entry in enumerate(_TEXTS):
        if entry[0] is module:
            del _TEXTS[index]
            return
