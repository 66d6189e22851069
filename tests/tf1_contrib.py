"""The parts of TF1's `tf.contrib` that execution fixtures use, for `tests/tf1_runner.py` (TensorFlow 2.x has no
`tf.contrib`, so a TF1 program using them cannot otherwise run with TF1 semantics here).

- `tf.contrib.seq2seq.sequence_loss`: TF 1.15's computation on `tf.compat.v1` graph ops, as documented for TF 1.15
  (flattened logits, sparse softmax cross-entropy, times the flattened weights; averages divide by the weights' sum,
  sums by their number of non-zero entries, both with `div_no_nan`; TF1's rank checks on the static shapes).
- `tf.contrib.rnn`: TF1 re-exported the core cells of `tf.nn.rnn_cell` and `static_rnn` under it (the same objects).
- `tf.contrib.learn.preprocessing.VocabularyProcessor`: TF 1.15's pure-Python class, ported (tests/tf1_contrib_learn.py).
- `tf.contrib.factorization.KMeans`: TF 1.15's graph code over the clustering kernels, ported (tests/tf1_contrib_factorization.py).
- `tf.contrib.layers.fully_connected` / `batch_norm`, `tf.contrib.framework.arg_scope`: TF 1.15's code, ported
  (tests/tf1_contrib_layers.py), for programs that import `tensorflow.contrib.layers` or `.framework`.
"""

from __future__ import annotations

import sys
import types


def install_layers(tf) -> None:  # type: ignore[no-untyped-def]
    """Add `tf.contrib.layers` / `tf.contrib.framework` (tests/tf1_contrib_layers.py: TF1's layer code from tf_keras),
    for the programs that use them only (`install` first)."""
    from tf1_contrib_layers import contrib_modules

    tf.contrib.layers, tf.contrib.framework = contrib_modules(tf)


def install(tf) -> None:  # type: ignore[no-untyped-def]
    """Give the `tensorflow.compat.v1` module `tf` a `contrib` attribute with the parts above."""

    def sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True, sum_over_timesteps=False,
                      sum_over_batch=False, softmax_loss_function=None, name=None):  # fmt: skip
        if len(logits.get_shape()) != 3 or len(targets.get_shape()) != 2 or len(weights.get_shape()) != 2:
            raise ValueError("sequence_loss: logits [batch, time, classes], targets and weights [batch, time]")
        if (average_across_timesteps and sum_over_timesteps) or (average_across_batch and sum_over_batch):
            raise ValueError("sequence_loss: an average and a sum over the same axis")
        with tf.name_scope(name, "sequence_loss", [logits, targets, weights]):
            flat = tf.reshape(logits, [-1, tf.shape(logits)[2]])
            labels = tf.reshape(targets, [-1])
            if softmax_loss_function is None:
                loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=flat)
            else:
                loss = softmax_loss_function(labels=labels, logits=flat)
            loss = loss * tf.reshape(weights, [-1])
            if average_across_timesteps and average_across_batch:
                return tf.div_no_nan(tf.reduce_sum(loss), tf.reduce_sum(weights))
            if sum_over_timesteps and sum_over_batch:
                return tf.div_no_nan(tf.reduce_sum(loss), tf.cast(tf.count_nonzero(weights), loss.dtype))
            loss = tf.reshape(loss, tf.shape(logits)[0:2])
            if average_across_timesteps or average_across_batch:
                axis = [0] if average_across_batch else [1]
                return tf.div_no_nan(tf.reduce_sum(loss, axis=axis), tf.reduce_sum(weights, axis=axis))
            if sum_over_timesteps or sum_over_batch:
                axis = [0] if sum_over_batch else [1]
                return tf.div_no_nan(tf.reduce_sum(loss, axis=axis), tf.cast(tf.count_nonzero(weights, axis=axis), loss.dtype))
            return loss

    contrib, rnn, seq2seq = (types.ModuleType(name) for name in ("tensorflow.contrib", "tensorflow.contrib.rnn", "tensorflow.contrib.seq2seq"))
    cells = tf.nn.rnn_cell
    for name in ("BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell", "LSTMCell", "LSTMStateTuple", "MultiRNNCell",
                 "RNNCell", "ResidualWrapper"):  # fmt: skip
        try:
            setattr(rnn, name, getattr(cells, name))
        except Exception:  # noqa: BLE001 (without tf_keras the cells do not load: `needs_legacy_keras` asks for it)
            pass
    for name in ("static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn"):
        setattr(rnn, name, getattr(tf.nn, name))
    seq2seq.sequence_loss = sequence_loss
    contrib.rnn, contrib.seq2seq = rnn, seq2seq
    from tf1_contrib_learn import learn_module  # registers its own modules

    contrib.learn = learn_module(tf)
    from tf1_contrib_factorization import factorization_module  # registers its own module

    contrib.factorization = factorization_module()
    tf.contrib = contrib
    for module in (contrib, rnn, seq2seq):  # `from tensorflow.contrib import rnn` (the runner serves compat.v1 as `tensorflow`)
        sys.modules[module.__name__] = module
