"""The text of a whole module for the rules that read it: see `tf2migrate.module_text` (rendered once per
tree, never for a tree the engine parsed from a text)."""

from __future__ import annotations

from tf2migrate.module_text import module_text, remember

__all__ = ["module_text", "remember"]
