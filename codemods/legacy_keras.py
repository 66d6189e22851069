"""The legacy-Keras route of the graph-mode fallback: `tf.layers` / `tf.nn.rnn_cell` on tf_keras.

What it knows
    TensorFlow 2.16+ serves `tf.compat.v1.layers`, `tf.compat.v1.nn.rnn_cell.*` (and `tf.keras`) from the
    `tf_keras` package (Keras 2) when `TF_USE_LEGACY_KERAS=1` is set before TensorFlow is first imported;
    under Keras 3 those names are missing. `codemods/data/legacy_keras_v1_names.txt` lists them (written by
    `scripts/generate_legacy_keras_names.py` from the installed packages).
What it writes (for `graph_plumbing`, only with `tf2migrate fix --legacy-keras-fallback`)
    In a file that falls back to graph mode (TFM260) and uses such names, two lines before its first
    import: `import os` and `os.environ["TF_USE_LEGACY_KERAS"] = "1"`. A file that already sets the
    variable at module level counts as opted in (so a second `fix` changes nothing).
Why
    That is TensorFlow's documented route for Keras 2 code on TF 2.16+, and it runs TF1's own layer and
    cell code (same variables, same numbers) where Keras 3 has nothing that works in v1 graph mode.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import libcst as cst

ENV_VARIABLE = "TF_USE_LEGACY_KERAS"
OPTION = "--legacy-keras-fallback"
_NAMES = Path(__file__).resolve().parent / "data" / "legacy_keras_v1_names.txt"


@cache
def _names() -> frozenset[str]:
    lines = _NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def exists(canonical: str) -> bool:
    """True if `tf.compat.v1.<canonical minus tf.>` exists once TF_USE_LEGACY_KERAS=1 is set (and not before)."""
    names = _names()
    if canonical in names:
        return True
    parts = canonical.split(".")
    # an attribute of a listed class (`tf.nn.rnn_cell.LSTMStateTuple.c`)
    return any(".".join(parts[:end]) in names and parts[end - 1][:1].isupper() for end in range(len(parts) - 1, 2, -1))


def opted_in(module: cst.Module) -> bool:
    """The file sets TF_USE_LEGACY_KERAS itself at module level (written by this route before)."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) or (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
                code = cst.Module(body=[]).code_for_node(small)
                if "environ" in code and (f'"{ENV_VARIABLE}"' in code or f"'{ENV_VARIABLE}'" in code):
                    return True
    return False


def env_statements() -> list[cst.SimpleStatementLine]:
    """`import os` and the line that switches TensorFlow to tf_keras (before TensorFlow is imported)."""
    return [
        cst.parse_statement("import os\n"),
        cst.parse_statement(f'os.environ["{ENV_VARIABLE}"] = "1"  # tf.layers / tf.nn.rnn_cell on tf_keras (pip install tf_keras)\n'),
    ]
