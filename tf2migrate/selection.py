"""Which rules run and which fixes may be applied: `--select`, `--ignore`, `--unsafe-fixes`."""

from __future__ import annotations

from dataclasses import dataclass


def parse_codes(value: str | None) -> tuple[str, ...]:
    """'TFM1, TFM201' -> ('TFM1', 'TFM201'); empty or None -> ()."""
    if not value:
        return ()
    return tuple(part.strip().upper() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()  # code prefixes; empty means all
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    legacy_keras_fallback: bool = False  # graph-mode fallback files may run on tf_keras (TF_USE_LEGACY_KERAS=1)

    def enabled(self, code: str) -> bool:
        """A rule runs when a selected prefix matches it and no ignored prefix is more specific."""
        selected = [p for p in self.select if code.startswith(p)] if self.select else [""]
        if not selected:
            return False
        ignored = [p for p in self.ignore if code.startswith(p)]
        if not ignored:
            return True
        # ruff's rule: the longest matching prefix wins (`--select TFM101 --ignore TFM1` keeps TFM101).
        return max(map(len, selected)) > max(map(len, ignored))
