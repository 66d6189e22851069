"""One cheap summary of a text, computed once and shared by every codemod's trigger test.

A codemod that finds nothing in a file still costs a whole transformer pass (and, for the first one, a
scope analysis). Most rules can only act where a given identifier is written: a method name
(`fit_generator`), a keyword (`lr=`), the last part of a TensorFlow name they know (`Session`,
`get_default_graph`). A qualified name is always made of identifiers the file spells (an import spells
the module path, an attribute chain spells the rest), so when none of a rule's identifiers occurs in the
file, the rule cannot find anything there.

`identifiers(text)` is the set of every word that could be an identifier token: each maximal run of word
characters that does not start with a digit, taken from the whole text (code, strings and comments
alike). It is a superset of the identifier tokens of the file (an identifier token is a maximal run of
word characters starting with a letter or `_`; a text that parses never has one glued to a number), so a
test "one of these identifiers occurs" made on it is a necessary condition, never a wrong "no".

The engine asks for the text it is about to hand to a codemod; the last texts asked about are kept (a
codemod that changes nothing leaves the text as it was, so the following codemods share one summary).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d]\w*")
_KEEP = 2
_KNOWN: list[tuple[str, frozenset[str]]] = []  # most recent first


def identifiers(text: str) -> frozenset[str]:
    """Every identifier-like word of `text` (see the module docstring), computed once per text object."""
    for index, (known, words) in enumerate(_KNOWN):
        if known is text:
            if index:
                _KNOWN.insert(0, _KNOWN.pop(index))
            return words
    words = frozenset(_WORD.findall(text))
    _KNOWN.insert(0, (text, words))
    del _KNOWN[_KEEP:]
    return words


def mentions_any(text: str, wanted: frozenset[str]) -> bool:
    """True when one of the identifiers `wanted` occurs in `text` (a necessary condition, see above)."""
    return not wanted.isdisjoint(identifiers(text))
