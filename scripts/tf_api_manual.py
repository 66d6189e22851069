"""Hand-maintained part of the TF1 -> TF2 API table, merged by `scripts/generate_api_table.py`.

Only what introspection cannot know lives here: which names the scenario rules own, and the entries
whose *meaning* changes (an argument's value must be rewritten, a call becomes an expression). Every
entry is checked against the installed TensorFlow by the generator and by `tests/test_api_table.py`;
the `template`/`exprs` entries are also evaluated there against the TF1 function they replace.

Entry fields (see `codemods/api_table.py` for the full vocabulary):
    kind          one of the kinds in the generator's KINDS
    target        the TF2 name the call is renamed to (`tf` stands for the TensorFlow alias)
    auto_args     True: take kwargs / v1_args / keep_positional / defaults / drop / unsupported from the
                  signature comparison of the TF1 function with `target`; fields given here win
    kwargs        {tf1_keyword: tf2_keyword}
    exprs         {tf1_keyword: {"to": tf2_keyword, "expr": "1 - {}"}}: "{}" is the argument's source
                  (parenthesised by the rule unless atomic); or {"to": ..., "values": {tf1_literal: tf2_source}}
                  to map literal values (other expressions are kept as they are)
    drop          TF1 keywords that have no effect in TF2: removed from the call
    drop_if       {tf1_keyword: source}: TF2 behaves as if the keyword had this value; the argument is
                  removed when it has exactly this value, any other value falls back to tf.compat.v1
    required      keywords of drop_if whose TF1 default differs: a call that omits them falls back
    defaults      {tf2_keyword: source}: added when the call does not pass it (TF1's default differs)
    unsupported   TF1 keywords with no TF2 counterpart: a call that uses one falls back to tf.compat.v1
    dtype         for kind "cast": the dtype argument of tf.cast
    template      for kind "template": the replacement expression, with {tf1_parameter} placeholders
    unsafe        True: the TF2 call is close but not identical (the note says how); an unsafe fix
    note          one line for the finding message
"""

from __future__ import annotations

from typing import Any

# Names owned by the scenario rules (the table marks them "scenario" and the rename rule leaves them
# alone). Patterns: an exact name, `prefix.*` for a whole subtree, or `*` inside a segment.
SCENARIO: dict[str, str] = {
    # sessions, graphs and the TF1 training loop (TFM2xx)
    "tf.Session": "sessions",
    "tf.InteractiveSession": "sessions",
    "tf.placeholder": "sessions",
    "tf.placeholder_with_default": "sessions",
    "tf.sparse_placeholder": "sessions",
    "tf.ragged.placeholder": "sessions",
    "tf.get_default_session": "sessions",
    "tf.get_default_graph": "sessions",
    "tf.reset_default_graph": "sessions",
    "tf.global_variables_initializer": "sessions",
    "tf.local_variables_initializer": "sessions",
    "tf.initialize_all_variables": "sessions",
    "tf.initialize_local_variables": "sessions",
    "tf.initialize_variables": "sessions",
    "tf.variables_initializer": "sessions",
    "tf.tables_initializer": "sessions",
    "tf.initializers.global_variables": "sessions",
    "tf.initializers.local_variables": "sessions",
    "tf.initializers.variables": "sessions",
    "tf.initializers.tables_initializer": "sessions",
    "tf.report_uninitialized_variables": "sessions",
    "tf.assert_variables_initialized": "sessions",
    "tf.is_variable_initialized": "sessions",
    "tf.gradients": "sessions",
    "tf.hessians": "sessions",
    "tf.disable_eager_execution": "sessions",
    "tf.enable_eager_execution": "sessions",
    "tf.disable_v2_behavior": "sessions",
    "tf.enable_v2_behavior": "sessions",
    "tf.train.Saver": "sessions",
    "tf.train.MonitoredTrainingSession": "sessions",
    "tf.train.MonitoredSession": "sessions",
    "tf.train.SingularMonitoredSession": "sessions",
    "tf.train.start_queue_runners": "sessions",
    "tf.train.Optimizer": "sessions",
    "tf.train.*Optimizer": "sessions",
    "tf.train.get_global_step": "sessions",
    "tf.train.get_or_create_global_step": "sessions",
    "tf.train.create_global_step": "sessions",
    "tf.train.global_step": "sessions",
    # variables, scopes and collections (TFM1xx/TFM2xx)
    "tf.get_variable": "variables",
    "tf.get_local_variable": "variables",
    "tf.variable_scope": "variables",
    "tf.variable_op_scope": "variables",
    "tf.VariableScope": "variables",
    "tf.get_variable_scope": "variables",
    "tf.AUTO_REUSE": "variables",
    "tf.global_variables": "variables",
    "tf.local_variables": "variables",
    "tf.trainable_variables": "variables",
    "tf.all_variables": "variables",
    "tf.model_variables": "variables",
    "tf.moving_average_variables": "variables",
    "tf.get_collection": "variables",
    "tf.get_collection_ref": "variables",
    "tf.add_to_collection": "variables",
    "tf.add_to_collections": "variables",
    "tf.GraphKeys": "variables",
    "tf.make_template": "variables",
    # layers (gone: tf.compat.v1.layers no longer imports in TF 2.21)
    "tf.layers.*": "layers",
    "tf.nn.rnn_cell.*": "layers",
    # Keras (TF1's tf.keras was Keras 2): the Keras rules own it
    "tf.keras.*": "keras",
}

# Whole TF1 modules gone from TF 2.21 that tf_upgrade_v2's tables do not list.
REMOVED: dict[str, str] = {
    "tf.contrib": "tf.contrib was removed in TF 2.0; find the replacement in core TF, Keras or a community package",
    "tf.estimator": "tf.estimator was removed in TF 2.16; port the model_fn to Keras or a custom training loop",
}

# Notes added to every entry whose name matches the pattern (same syntax as SCENARIO).
NOTES: dict[str, str] = {
    "tf.flags": "tf.flags is absl.flags: use `from absl import flags`",
    "tf.flags.*": "tf.flags is absl.flags: use `from absl import flags`",
    "tf.app.flags": "tf.app.flags is absl.flags: use `from absl import flags`",
    "tf.app.flags.*": "tf.app.flags is absl.flags: use `from absl import flags`",
    "tf.app.run": "use absl.app.run, or call main() directly",
    "tf.logging.*": "TF2 has no tf.logging: use Python's logging module (or absl.logging)",
    "tf.losses.*": "TF1 losses: weighted, reduced and added to a collection; TF2 has tf.keras.losses",
    "tf.metrics.*": "TF1 streaming metrics return (value, update_op) for a Session; use tf.keras.metrics",
    "tf.summary.*": "TF1 summaries need a FileWriter and a Session; TF2 uses tf.summary.create_file_writer(...).as_default()",
    "tf.assert_*": "TF2's assertions return None and take their arguments in a different order",
    "tf.debugging.assert_*": "TF2's assertions return None and take their arguments in a different order",
}

_CASTS = {
    "tf.to_float": "tf.float32",
    "tf.to_double": "tf.float64",
    "tf.to_int32": "tf.int32",
    "tf.to_int64": "tf.int64",
    "tf.to_bfloat16": "tf.bfloat16",
    "tf.to_complex64": "tf.complex64",
    "tf.to_complex128": "tf.complex128",
}

_RESIZE_METHODS = {
    "0": "tf.image.ResizeMethod.BILINEAR",
    "1": "tf.image.ResizeMethod.NEAREST_NEIGHBOR",
    "2": "tf.image.ResizeMethod.BICUBIC",
    "3": "tf.image.ResizeMethod.AREA",
}
_RESIZE_NOTE = (
    "tf.image.resize uses half-pixel centers (TF1's half_pixel_centers=True): values differ slightly "
    "from TF1's default, and align_corners=True has no TF2 equivalent"
)

# tf.losses.*: with the default weights (1.0) and reduction (SUM_BY_NONZERO_WEIGHTS) each is the mean of
# the element-wise loss; `scope` is a name scope and `loss_collection` is ignored when executing eagerly.
_LOSS_ARGS: dict[str, Any] = {
    "drop": ["scope", "loss_collection"],
    "drop_if": {"weights": "1.0"},
    "unsupported": ["reduction"],
}

MANUAL: dict[str, dict[str, Any]] = {
    **{
        name: {
            "kind": "cast",
            "target": "tf.cast",
            "dtype": dtype,
            "note": f"{name}(x) is tf.cast(x, {dtype})",
        }
        for name, dtype in _CASTS.items()
    },
    "tf.nn.dropout": {
        "kind": "kwarg_expr",
        "target": "tf.nn.dropout",
        "auto_args": True,
        "exprs": {"keep_prob": {"to": "rate", "expr": "1 - {}"}},
        "note": "TF2's dropout takes the drop rate: rate = 1 - keep_prob",
    },
    "tf.nn.softmax_cross_entropy_with_logits": {
        "kind": "kwarg_expr",
        "target": "tf.nn.softmax_cross_entropy_with_logits",
        "auto_args": True,
        "exprs": {"labels": {"to": "labels", "expr": "tf.stop_gradient({})"}},
        "note": "TF1's version did not backpropagate into labels; TF2's does, so labels are wrapped in tf.stop_gradient",
    },
    "tf.image.resize_images": {
        "kind": "kwarg_expr",
        "target": "tf.image.resize",
        "auto_args": True,
        "exprs": {"method": {"to": "method", "values": _RESIZE_METHODS}},
        "drop_if": {"align_corners": "False"},
        "defaults": {},
        "unsafe": True,
        "note": _RESIZE_NOTE,
    },
    "tf.image.resize": {
        "kind": "kwarg_expr",
        "target": "tf.image.resize",
        "auto_args": True,
        "exprs": {"method": {"to": "method", "values": _RESIZE_METHODS}},
        "drop_if": {"align_corners": "False"},
        "defaults": {},
        "unsafe": True,
        "note": _RESIZE_NOTE,
    },
    **{
        f"tf.image.resize_{method.lower()}": {
            "kind": "rename",
            "target": "tf.image.resize",
            "auto_args": True,
            "defaults": {"method": f"tf.image.ResizeMethod.{method}"},
            "drop_if": {"align_corners": "False"},
            "drop": [] if method == "AREA" else ["half_pixel_centers"],  # resize_area never had it
            "unsafe": True,
            "note": _RESIZE_NOTE,
        }
        for method in ("BILINEAR", "NEAREST_NEIGHBOR", "BICUBIC", "AREA")
    },
    "tf.losses.mean_squared_error": {
        "kind": "template",
        "template": "tf.reduce_mean(tf.math.squared_difference("
        "tf.cast({predictions}, tf.float32), tf.cast({labels}, tf.float32)))",
        **_LOSS_ARGS,
        "note": "the mean of the squared differences, as TF1 computed it with default weights",
    },
    "tf.losses.absolute_difference": {
        "kind": "template",
        "template": "tf.reduce_mean(tf.abs(tf.subtract(tf.cast({predictions}, tf.float32), tf.cast({labels}, tf.float32))))",
        **_LOSS_ARGS,
        "note": "the mean of the absolute differences, as TF1 computed it with default weights",
    },
    "tf.losses.sparse_softmax_cross_entropy": {
        "kind": "template",
        "template": "tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels={labels}, logits={logits}))",
        **_LOSS_ARGS,
        "note": "the mean cross-entropy, as TF1 computed it with default weights",
    },
    "tf.losses.softmax_cross_entropy": {
        "kind": "template",
        "template": "tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
        "labels=tf.stop_gradient({onehot_labels}), logits={logits}))",
        **_LOSS_ARGS,
        "drop_if": {"weights": "1.0", "label_smoothing": "0"},
        "note": "the mean cross-entropy, as TF1 computed it with default weights and no label smoothing",
    },
    "tf.losses.sigmoid_cross_entropy": {
        "kind": "template",
        "template": "tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels={multi_class_labels}, logits={logits}))",
        **_LOSS_ARGS,
        "drop_if": {"weights": "1.0", "label_smoothing": "0"},
        "note": "the mean sigmoid cross-entropy, as TF1 computed it with default weights and no label smoothing",
    },
    "tf.constant": {
        "kind": "kwarg_rename",
        "target": "tf.constant",
        "auto_args": True,
        "drop_if": {"verify_shape": "False"},
        "note": "TF2's tf.constant behaves as TF1's verify_shape=False (a value of another shape is reshaped)",
    },
    "tf.name_scope": {
        "kind": "kwarg_rename",
        "target": "tf.name_scope",
        "auto_args": True,
        "drop": ["values"],
        "note": "TF2's name_scope takes only a name; default_name has no equivalent",
    },
    "tf.zeros_like": {
        "kind": "kwarg_rename",
        "target": "tf.zeros_like",
        "auto_args": True,
        "drop_if": {"optimize": "True"},
    },
    "tf.ones_like": {
        "kind": "kwarg_rename",
        "target": "tf.ones_like",
        "auto_args": True,
        "drop_if": {"optimize": "True"},
    },
    "tf.while_loop": {
        "kind": "kwarg_rename",
        "target": "tf.while_loop",
        "auto_args": True,
        "drop_if": {"return_same_structure": "True"},
        "unsafe": True,
        "note": "TF2's while_loop always returns loop_vars' structure: a one-element list is no longer unpacked",
    },
    "tf.cond": {
        "kind": "kwarg_rename",
        "target": "tf.cond",
        "auto_args": True,
        "drop_if": {"strict": "True"},
        "unsafe": True,
        "note": "TF2's cond behaves as strict=True: a branch returning a one-element list is no longer unpacked",
    },
    **{
        name: {
            "kind": "kwarg_rename",
            "target": name,
            "auto_args": True,
            "drop_if": {"partition_strategy": "'div'"},
            "unsafe": True,
            "note": "TF2 always uses partition_strategy='div' (TF1's default was 'mod'): "
            "the same result unless params is a list of several shards",
        }
        for name in (
            "tf.nn.embedding_lookup",
            "tf.nn.embedding_lookup_sparse",
            "tf.nn.safe_embedding_lookup_sparse",
            "tf.nn.nce_loss",
            "tf.nn.sampled_softmax_loss",
        )
    },
    "tf.nn.ctc_beam_search_decoder": {
        "kind": "kwarg_rename",
        "target": "tf.nn.ctc_beam_search_decoder",
        "auto_args": True,
        "drop_if": {"merge_repeated": "False"},
        "required": ["merge_repeated"],
        "note": "TF2's decoder behaves as merge_repeated=False (TF1's default was True)",
    },
    "tf.strings.split": {
        "kind": "kwarg_rename",
        "target": "tf.strings.split",
        "auto_args": True,
        "kwargs": {"source": "input"},
        "drop_if": {"result_type": "'RaggedTensor'"},
        "required": ["result_type"],
        "note": "TF2's strings.split returns a RaggedTensor (TF1's default was a SparseTensor)",
    },
    "tf.nn.dilation2d": {
        "kind": "kwarg_rename",
        "target": "tf.nn.dilation2d",
        "auto_args": True,
        "kwargs": {"filter": "filters", "rates": "dilations"},
        "defaults": {"data_format": "'NHWC'"},
    },
    "tf.nn.erosion2d": {
        "kind": "kwarg_rename",
        "target": "tf.nn.erosion2d",
        "auto_args": True,
        "kwargs": {"kernel": "filters", "rates": "dilations"},
        "defaults": {"data_format": "'NHWC'"},
    },
    "tf.nn.fractional_avg_pool": {
        "kind": "kwarg_rename",
        "target": "tf.nn.fractional_avg_pool",
        "auto_args": True,
        "drop_if": {"deterministic": "False", "seed2": "0"},
    },
    "tf.nn.fractional_max_pool": {
        "kind": "kwarg_rename",
        "target": "tf.nn.fractional_max_pool",
        "auto_args": True,
        "drop_if": {"deterministic": "False", "seed2": "0"},
    },
    "tf.image.extract_glimpse": {
        "kind": "kwarg_rename",
        "target": "tf.image.extract_glimpse",
        "auto_args": True,
        "drop_if": {"uniform_noise": "True"},
        "unsafe": True,
        "note": "TF2's extract_glimpse (ExtractGlimpseV2) rounds offsets differently from TF1's",
    },
    "tf.device": {
        "kind": "kwarg_rename",
        "target": "tf.device",
        "auto_args": True,
        "kwargs": {"device_name_or_function": "device_name"},
        "unsafe": True,
        "note": "TF2's tf.device takes a device name string only, not a function",
    },
    "tf.set_random_seed": {
        "kind": "rename",
        "target": "tf.random.set_seed",
        "auto_args": True,
        "note": "sets the global seed, as TF1 did when executing eagerly",
    },
    "tf.random.set_random_seed": {
        "kind": "rename",
        "target": "tf.random.set_seed",
        "auto_args": True,
        "note": "sets the global seed, as TF1 did when executing eagerly",
    },
    "tf.py_func": {
        "kind": "rename",
        "target": "tf.numpy_function",
        "auto_args": True,
        "note": "tf.numpy_function is TF2's name for tf.py_func (NumPy arrays in and out)",
    },
    "tf.data.Dataset": {
        "kind": "unchanged",
        "target": "tf.data.Dataset",
        "note": "TF2's Dataset has no make_one_shot_iterator/make_initializable_iterator: iterate it directly",
    },
}
