"""A Session program that stays in graph mode is reported with the reasons of the first pass, which saw the
rewrites the graph-mode pass leaves out (MorvanZhou 402_RNN_classification.py: its LSTM converts, and `tf.group`
of the initializers kept it in graph mode until codemods/session_metrics.py; here `tf.tuple` does)."""

from __future__ import annotations

from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

PROGRAM = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 5, 3])
cell = tf.nn.rnn_cell.LSTMCell(num_units=8)
outputs, (h_c, h_n) = tf.nn.dynamic_rnn(cell, x, initial_state=None, dtype=tf.float32, time_major=False)
loss = tf.reduce_mean(outputs[:, -1, :])
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

sess = tf.Session()
losses = tf.tuple([loss, loss])
sess.run(tf.group(tf.global_variables_initializer(), tf.local_variables_initializer()))
print(sess.run([train_op, loss], {x: [[[0.0] * 3] * 5]}))
"""


def test_the_reason_is_the_one_left_when_the_rnn_converts():
    migration = migrate_text(PROGRAM, Selection())
    assert "tensorflow.compat.v1" in migration.text and "GraphLSTMCell(num_units=8)" in migration.text  # the graph-mode fallback
    reasons = [f.message for f in migration.findings if f.code in ("TFM211", "TFM212", "TFM213", "TFM214")]
    assert reasons and all("tf.tuple" in message for message in reasons), reasons
    # TF 2.21 has no `tf.nn.rnn_cell` without tf_keras: the graph-mode pass writes TF1's cell into the file (TFM294)
    assert any(f.code == "TFM294" for f in migration.findings)
    assert not any(f.code == "TFM261" and "rnn_cell" in f.message for f in migration.findings)
