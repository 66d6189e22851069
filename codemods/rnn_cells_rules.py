"""TFM247/TFM248's rule docs (`codemods/rnn_cells.py` has what they match and write)."""

from __future__ import annotations

from tf2migrate.findings import FixKind

from .base import Rule


RNN_RULE = Rule(
    code="TFM247",
    name="tf1-rnn-cell",
    fix=FixKind.SAFE,
    summary="TF1 RNN cells run by `dynamic_rnn` / `static_rnn` / the bidirectional runs become Keras RNN layers with the same outputs and states.",
    explanation="""
        `tf.nn.rnn_cell.*`, `tf.contrib.rnn.*` and `tf.nn.dynamic_rnn` do not run under eager TensorFlow 2.21
        with Keras 3. A cell (`BasicLSTMCell`, `LSTMCell`, `GRUCell`, `BasicRNNCell`, `MultiRNNCell` of them)
        run by `dynamic_rnn`, `static_rnn`, `bidirectional_dynamic_rnn` or `static_bidirectional_rnn` becomes
        the Keras layer built and called where the call was (`LSTM` / `GRU` / `SimpleRNN`, or `RNN(StackedRNNCells([...]))`), which
        TFM234 then creates once. Outputs and states keep TF1's structure: `sequence_length` becomes a mask
        with zero outputs past each length (the final state is the one at the last valid step, as in TF1),
        an LSTM state `(c, h)` is read from Keras' `h, c`, `static_rnn`'s list of steps is stacked and
        unstacked, the backward outputs of `bidirectional_dynamic_rnn` are put back in input order, and a
        `cell.zero_state(...)` initial state is Keras' own zero state. `cell.state_size` is the cell's `num_units`
        (GRU, basic RNN); an LSTM's (TF1's `LSTMStateTuple(c, h)` of sizes) becomes `(num_units, num_units)` where
        its value is never read (bound to a name nobody reads, directly or through a helper's returned tuple).

        Cell semantics: TF1's `forget_bias=1.0` (added to the forget gate at every step, bias starting at
        0) is Keras' `unit_forget_bias=True` (bias starting at 1.0): the gradients are the same, so a model
        trained from scratch follows the same trajectory; `forget_bias=0.0` is `unit_forget_bias=False`.
        A `DropoutWrapper(cell, input_keep_prob=, output_keep_prob=)` around the run's cell drew a new mask
        for every step: it becomes `tf.nn.dropout(..., rate=1 - keep_prob)` on the whole input / output
        sequence, the same distribution (Keras' `dropout=` draws one mask per sequence, inside the gates,
        so it is not used). `GRUCell` is Keras' `GRUCell(reset_after=False)` with TF1's gate bias start (1.0 on the update and
        reset gates). An elementwise `initializer` (constant, uniform, normal) goes to both Keras kernels;
        without one, the random initial weights are drawn by Keras' defaults (Glorot-uniform input kernel,
        orthogonal recurrent kernel) instead of TF1's Glorot-uniform over the joint kernel. TF1 checkpoints
        do not fit Keras' variables (joint kernel, gate order i-j-f-o vs i-f-c-o): a program that restores
        one is reported (TFM248), as is everything without an exact counterpart.
    """,
    before="""
        cell = tf.nn.rnn_cell.BasicLSTMCell(64)
        outputs, _states = tf.nn.dynamic_rnn(cell, X, sequence_length=lengths, dtype=tf.float32)
        last = outputs[:, -1]
    """,
    after="""
        outputs = tf.keras.layers.LSTM(64, return_sequences=True, zero_output_for_mask=True)(X, mask=tf.sequence_mask(lengths, maxlen=tf.shape(X)[1]))
        last = outputs[:, -1]
    """,
)

RNN_MANUAL = Rule(
    code="TFM248",
    name="tf1-rnn-not-converted",
    fix=FixKind.MANUAL,
    summary="A TF1 RNN construct without an exact Keras counterpart (peepholes, projections, state dropout, ...): the file's RNN code is left as it is.",
    explanation="""
        TFM247 converts a file's TF1 RNN cells only when every one of them has an exact Keras counterpart;
        otherwise it changes none (the Session program then stays in graph mode, TFM260/TFM261) and says
        what stopped it. No exact counterpart: a `DropoutWrapper` inside a `MultiRNNCell` or a bidirectional
        run, or with `state_keep_prob` / `variational_recurrent` (TF1 dropped the recurrent state, or drew one
        mask per sequence; Keras' `dropout=` / `recurrent_dropout=` apply their one mask per sequence inside
        the gates), `use_peepholes`, `cell_clip`, `num_proj`, a `forget_bias` other than 0 or 1, `state_is_tuple=False`,
        `reuse`, a shape-dependent or seeded initializer (TF1 drew it over the joint
        kernel), `MultiRNNCell([cell] * n)` (one cell object on every layer), an initial state other than
        `cell.zero_state(...)`, a final state read in a structure Keras does not return, a cell used for
        anything else (called directly, `cell.output_size`, an LSTM's `cell.state_size` that is read), and programs that restore a checkpoint (TF1's
        RNN variables are one joint kernel with gate order i-j-f-o; Keras keeps a kernel and a recurrent
        kernel with gate order i-f-c-o). Rewrite the RNN with `tf.keras.layers.LSTM` / `GRU` / `RNN` by
        hand, or keep the program in graph mode (`--legacy-keras-fallback`).
    """,
    before="""
        cell = tf.nn.rnn_cell.LSTMCell(64, use_peepholes=True)
        outputs, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    """,
    after="""
        cell = tf.nn.rnn_cell.LSTMCell(64, use_peepholes=True)  # TFM248: Keras' LSTM has no peepholes
        outputs, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    """,
)

# TF1 cell classes: canonical-name suffix -> (parameters in positional order, Keras cell, kind).
