"""The text of a whole module, rendered once per tree and shared by the rules that read it.

Several rules test the module's text (`"gradients" in module.code`) or split it into lines. Rendering a
module costs about as much as a codemod's whole pass over it; the tree does not change while the rules
that share it run (a rule that changes it hands the next rules a new tree), so its text is kept for the
last trees asked about. LibCST nodes are immutable and compared by identity, so an entry is valid for
as long as the very same module object is asked about (the entry holds it, so its id is not reused).
"""

from __future__ import annotations

import libcst as cst

_KEEP = 2
_TEXTS: list[tuple[cst.Module, str]] = []  # most recent first


def module_text(module: cst.Module) -> str:
    """`module.code`, rendered once per module object."""
    for index, (known, text) in enumerate(_TEXTS):
        if known is module:
            if index:
                _TEXTS.insert(0, _TEXTS.pop(index))
            return text
    text = module.code
    _TEXTS.insert(0, (module, text))
    del _TEXTS[_KEEP:]
    return text
