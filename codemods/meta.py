"""Rules about tf2migrate itself rather than about TensorFlow code (TFM9xx)."""

from __future__ import annotations

from tf2migrate.findings import FixKind

from .base import Rule

UNUSED_SUPPRESSION = Rule(
    code="TFM900",
    name="unused-suppression",
    fix=FixKind.MANUAL,
    summary="A `# tf2migrate: ignore[...]` comment silences nothing.",
    explanation="""
        A suppression comment names rule codes that reported nothing on its line (or on the line below,
        for a comment on a line of its own). The code it once silenced has changed or been migrated.
        Remove the comment, or correct the codes it names. Only codes of rules that ran are judged, so
        `--select` never makes a comment look unused.
    """,
    before="""
        x = compute()  # tf2migrate: ignore[TFM301]
    """,
    after="""
        x = compute()
    """,
)

META_RULES = (UNUSED_SUPPRESSION,)
