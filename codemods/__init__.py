"""The rules of tf2migrate: one LibCST codemod module per scenario, plus shared helpers.

`CODEMOD_MODULES` is the order in which the engine runs them over a file (one parse, one pipeline).
Imports come first so later rules see public module paths; renames of plain API symbols come last,
after the scenario rules have rewritten the constructs they own.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Codemod, Rule

CODEMOD_MODULES: tuple[str, ...] = (
    "tf0_renames",  # first: TF 0.x spellings become TF 1.x names, which the TF1 -> TF2 rules know
    "tf1_flags",  # TF <= 1.4's private tf.flags API (FLAGS._parse_flags(), FLAGS.__flags) on absl's public one (TFM289/TFM299)
    "unused_graph_handles",
    "eager_programs",  # TF1 eager programs: enable_eager_execution, tf.contrib.eager, optimizers used eagerly
    "private_keras_imports",
    "layer_variables",
    "contrib_layers",
    "vocabulary_processor",  # tf.contrib.learn's VocabularyProcessor written into the file (TFM297-298)
    "seq2seq_loss",  # before sessions: the contrib loss becomes a plain function the Session rewrite follows
    "rnn_cells",  # before tf1_variables: its Keras RNN layers are created once by TFM234
    "contrib_rnn_names",  # after rnn_cells: what it left of tf.contrib.rnn gets its core tf.nn names
    "graph_shared_layers",  # before tf1_variables: tf.layers sharing variables by name in a graph-mode file (TFM293)
    "graph_contrib_layers",  # before tf1_variables: contrib fully_connected + batch_norm normalizer in a graph-mode file (TFM281-282)
    "tf1_variables",
    "session_graph_values",  # before session_rebinding: lists grown by appends, helpers reading graph globals (TFM276-277)
    "session_rebinding",  # before sessions: renames a graph name bound again when that lets sessions convert
    "session_datasets",  # before sessions: tf.data iterators read by sess.run become Python iterators when that lets sessions convert
    "sessions",
    "graph_rnn_cells",  # after sessions (which judges the file on TF1's cells), before graph_plumbing: RNN cells in a graph-mode file (TFM294-TFM296)
    "graph_kmeans",  # after sessions (a graph-mode file only), before graph_plumbing: tf.contrib.factorization.KMeans written into the file (TFM283-TFM284)
    "graph_plumbing",
    "keras3_modules",
    "keras3_layers",
    "keras3_input_tensors",  # before keras3_training, whose TFM539 reports `target_tensors=` it cannot rewrite
    "keras3_functional_loss",  # before keras3_training, whose TFM539 reports the `add_loss` calls it cannot rewrite
    "keras3_training",
    "keras3_saving",
    "keras3_history_keys",  # TFM548: Keras 2.2's 'acc' history key
    "keras_backend",
    "mnist_reader",
    "unused_removed_imports",  # before legacy_calls: an unused tf.contrib import goes (TFM311) instead of being reported (TFM310)
    "legacy_calls",
    "numpy_aliases",
    "api_renames",
    "keras_seed",  # after api_renames (it reads the seed call as the file now spells it), before missing_names (TFM546)
    "missing_names",  # last: reports what the output still uses that TF 2.21 / Keras 3 lacks
)


@cache
def load_codemods() -> tuple[type["Codemod"], ...]:
    """The codemod classes in pipeline order (each module exposes its class as `CODEMOD`)."""
    classes = []
    for name in CODEMOD_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        classes.append(module.CODEMOD)
    return tuple(classes)


@cache
def all_rules() -> tuple["Rule", ...]:
    rules = [rule for codemod in load_codemods() for rule in codemod.RULES]
    from .meta import META_RULES

    rules.extend(META_RULES)
    codes = [rule.code for rule in rules]
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise RuntimeError(f"rule codes defined twice: {sorted(duplicates)}")
    return tuple(sorted(rules, key=lambda rule: rule.code))


def rules_by_code() -> dict[str, "Rule"]:
    return {rule.code: rule for rule in all_rules()}
