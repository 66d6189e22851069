"""TFM281 (`codemods/graph_contrib_layers.py`) beside the other graph-mode layer rules: the functions it writes are
the file's own graph code for them (golden and execution fixtures: fixtures/graph-contrib-layer*/,
fixtures/exec/contrib_layers/)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from tf2migrate.codemods import graph_contrib_layers, graph_layers, graph_shared_layers

EXPECTED = Path(__file__).resolve().parent.parent / "fixtures" / "graph-contrib-layer" / "lab10_arg_scope.expected.py"


def test_the_written_functions_do_not_make_the_file_share_variables():
    """Their `reuse=reuse` passes a parameter on: a file is not judged to share variables by name for it (else
    tf1_variables would leave its contrib dropout alone), but a `reuse=True` of the file itself still counts."""
    text = EXPECTED.read_text(encoding="utf-8")
    assert "reuse=reuse" in text and graph_layers._WRITTEN == graph_contrib_layers.MARK
    assert not graph_layers.shares_variables(text)
    assert graph_layers.shares_variables(text + "\nwith tf.variable_scope('a', reuse=True):\n    pass\n")


def test_tf1_variables_keeps_the_written_functions_as_they_are():
    module = cst.parse_module(EXPECTED.read_text(encoding="utf-8"))
    written = graph_shared_layers.written_names(module)
    assert {"graph_fully_connected", "graph_batch_norm"} <= written
