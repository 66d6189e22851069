"""TFM294-TFM296 (codemods/graph_rnn_cells.py) on small programs: only in the graph-mode pass, names that do not
clash with the file's own, what a program that converts natively never sees. No TensorFlow is imported here: the
numbers are compared by fixtures/exec/rnn/graph_rnn_cells_equivalent.py."""

from __future__ import annotations

from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

FED_STATE = """\
import numpy as np
import tensorflow as tf

GraphLSTMCell = "a name of the program's own"
x = tf.placeholder(tf.float32, [1, 4, 2])
cell = tf.nn.rnn_cell.LSTMCell(3, state_is_tuple=True)
init = cell.zero_state(1, tf.float32)
outputs, final = tf.nn.dynamic_rnn(cell, x, initial_state=init)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
state = None
for _ in range(3):
    feed = {x: np.ones((1, 4, 2))}
    if state is not None:
        feed[init] = state
    state = sess.run(final, feed)
"""


def codes(text: str) -> list[str]:
    return [f.code for f in migrate_text(text, Selection()).findings]


def test_a_fallback_gets_the_cell_class_under_a_free_name():
    migration = migrate_text(FED_STATE, Selection())
    text = migration.text
    assert "tensorflow.compat.v1" in text and "tf.nn.rnn_cell.LSTMCell(" not in text
    assert "cell = GraphLSTMCell_(3)" in text  # the program's own GraphLSTMCell is left alone; state_is_tuple=True dropped
    assert "class GraphLSTMCell_(GraphBasicRNNCell):" in text and "import collections" in text
    assert text.index("class GraphBasicRNNCell:") < text.index("class GraphLSTMCell_(") < text.index("cell = GraphLSTMCell_(3)")
    assert migrate_text(text, Selection()).text == text  # a second fix changes nothing
    found = [f.code for f in migration.findings]
    assert "TFM294" in found and "TFM261" not in found


def test_a_program_that_converts_natively_never_gets_the_classes():
    program = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 5, 3])
cell = tf.nn.rnn_cell.GRUCell(4)
outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(outputs, {x: [[[0.0] * 3] * 5]}))
"""
    migration = migrate_text(program, Selection())
    assert "Session" not in migration.text and "GraphGRUCell" not in migration.text
    assert not {"TFM294", "TFM295", "TFM296"} & {f.code for f in migration.findings}


def test_the_legacy_keras_route_keeps_tf1s_cells():
    migration = migrate_text(FED_STATE, Selection(legacy_keras_fallback=True))
    assert "tf.nn.rnn_cell.LSTMCell(3, state_is_tuple=True)" in migration.text and "GraphLSTMCell_" not in migration.text
    assert not {"TFM294", "TFM295", "TFM296"} & {f.code for f in migration.findings}
