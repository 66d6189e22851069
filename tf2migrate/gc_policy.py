"""Python's cyclic garbage collector while one text is migrated: full collections where trees are let go.

What it does, within `collector_policy()` (entered by `engine.migrate_text`):
- full (generation 2) collections triggered by allocation counts become 100x rarer (threshold 10 -> 1000 young
  collections);
- the tree parsed first is frozen (`gc.freeze()`, `tree_parsed`): it and everything alive then leave the
  collector's generations, so no collection walks them again; frozen objects are still freed by reference counting
  when dropped (LibCST trees hold no reference cycles);
- when a pass lets its tree go (`tree_released`), one full collection frees the reference cycles of that tree's
  metadata (scope analyses make many), so that they do not pile up until the next full collection.

Why: a LibCST tree is ~0.8 kB a node, millions of objects for a large file, and most of the first tree is kept
across passes since trees are handed on (`tf2migrate/handoff.py`). With the default thresholds every tenth
generation-1 collection walked all of them. Measured on a generated 8,039-line TF1 file (in-process CPU, one run
each, idle machine): default 23.9 s / 350 MB peak; this policy 18.9 s / 349 MB; rarer full collections alone
18.8 s but 515 MB.

Process-wide state is changed only for the duration of one migration and restored on exit (thresholds; frozen
objects unfrozen, and only if this call froze them). A caller that disabled the collector, or that froze objects
itself, gets no policy at all: its settings are left exactly as they were.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

RARE_FULL_COLLECTIONS = 1000  # young collections between two full ones (CPython's default: 10)

_active = False  # inside collector_policy(), with the policy in force
_froze = False  # this policy has frozen the objects alive at the first parse


@contextmanager
def collector_policy() -> Iterator[None]:
    global _active, _froze
    if _active or not gc.isenabled() or gc.get_freeze_count():
        yield  # nested call, or a caller with settings of its own
        return
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], RARE_FULL_COLLECTIONS)
    _active, _froze = True, False
    try:
        yield
    finally:
        if _froze:
            gc.unfreeze()
        gc.set_threshold(*thresholds)
        _active = _froze = False


def tree_parsed() -> None:
    """The first tree of a migration is parsed: freeze what is alive (once per migration)."""
    global _froze
    if _active and not _froze:
        gc.freeze()
        _froze = True


def tree_released() -> None:
    """A pass let its tree (and that tree's metadata) go: collect the reference cycles it leaves."""
    if _active:
        gc.collect()
