"""Hand-checked part of the Keras 2 backend -> Keras 3 table, merged by `scripts/generate_keras_backend_table.py`.

Introspection finds the backend functions whose `keras.ops` namesake takes the same arguments with the same
defaults (kind "op", a plain rename). Everything else is written here, after reading both implementations
(tf_keras 2.21 `backend.py`, Keras 2.2.4 / 2.3.1 for the names tf_keras dropped, Keras 3.15 `keras.ops`):

    kind "rewrite"  `forms`: the first form whose conditions hold is written. A form is
                    {"expr": "keras.ops.argmax({x}, axis={axis})", ...} where `{param}` is the argument
                    passed for that Keras 2 parameter, or its Keras 2 default when the call omits it.
                    Optional conditions: "only": the parameters a call may pass (others: next form);
                    "forbid": {param: [literal sources]} values that rule the form out (`None` for a
                    `max_value` Keras 2 read as infinity); "need": parameters the call must pass.
                    `<<, name={name}>>` is written only when the call passes `name` (Keras 3's default is Keras 2's).
                    "unsafe": True when the result is close but not identical (the note says how).
    kind "op"       a rename: `target`, with `keywords` {keras2_keyword: keras3_keyword} when they differ.
    kind "keep"     still in Keras 3's `keras.backend` with the same meaning: left alone.
    kind "manual"   no exact Keras 3 counterpart: reported with `note` (what to write instead).
    kind "owned"    another rule reports or rewrites it (`owner` says which); this table only names it.

`params` / `defaults` give the Keras 2 signature for names tf_keras 2.21 no longer has (`identity`,
`logsumexp`, `image_dim_ordering`, ...: Keras 2.3.1's). `reference` is the expression Keras 2 evaluated
(over `tf`), for the numeric proof of those names (`tests/test_keras_backend_exec.py`).
"""

from __future__ import annotations

from typing import Any

F = "keras.config.floatx()"

MANUAL: dict[str, dict[str, Any]] = {
    # -- same name, other defaults or meaning ---------------------------------------------------------
    "argmax": {"kind": "rewrite", "forms": [{"expr": "keras.ops.argmax({x}, axis={axis})"}], "note": "Keras 3's default axis is None (the flattened index), Keras 2's was -1; the indices are int32 (Keras 2: int64)"},
    "argmin": {"kind": "rewrite", "forms": [{"expr": "keras.ops.argmin({x}, axis={axis})"}], "note": "Keras 3's default axis is None (the flattened index), Keras 2's was -1; the indices are int32 (Keras 2: int64)"},
    "concatenate": {"kind": "rewrite", "forms": [{"expr": "keras.ops.concatenate({tensors}, axis={axis})"}], "note": "Keras 3 joins on axis 0 by default, Keras 2 on axis -1"},
    "cumsum": {"kind": "rewrite", "forms": [{"expr": "keras.ops.cumsum({x}, axis={axis})"}], "note": "Keras 3 flattens the input by default, Keras 2 summed along axis 0"},
    "cumprod": {"kind": "rewrite", "forms": [{"expr": "keras.ops.cumprod({x}, axis={axis})"}], "note": "Keras 3 flattens the input by default, Keras 2 multiplied along axis 0"},
    "expand_dims": {"kind": "rewrite", "forms": [{"expr": "keras.ops.expand_dims({x}, {axis})"}], "note": "Keras 3 requires the axis (Keras 2's default was -1)"},
    "sqrt": {"kind": "rewrite", "forms": [{"expr": "keras.ops.sqrt(keras.ops.maximum({x}, 0.0))"}], "note": "Keras 2 clipped negative inputs to 0 before the square root; Keras 3 gives NaN"},
    "hard_sigmoid": {"kind": "rewrite", "forms": [{"expr": "keras.ops.clip({x} * 0.2 + 0.5, 0.0, 1.0)"}], "note": "Keras 3's hard_sigmoid is x / 6 + 0.5; Keras 2's was 0.2 * x + 0.5"},
    "relu": {
        "kind": "rewrite",
        "forms": [
            {"expr": "keras.ops.relu({x})", "only": ["x"]},
            {"expr": "keras.activations.relu({x}<<, negative_slope={alpha}>><<, max_value={max_value}>><<, threshold={threshold}>>)"},
        ],
        "note": "`keras.ops.relu` takes no `alpha` / `max_value` / `threshold`; `keras.activations.relu` does (`alpha` is `negative_slope`)",
    },
    "in_top_k": {"kind": "rewrite", "forms": [{"expr": "keras.ops.in_top_k({targets}, {predictions}, {k})"}], "note": "Keras 3 takes the targets first"},
    "batch_normalization": {
        "kind": "rewrite",
        "forms": [{"expr": "keras.ops.batch_normalization({x}, {mean}, {var}, axis={axis}, offset={beta}, scale={gamma}<<, epsilon={epsilon}>>)"}],
        "note": "Keras 3's fourth parameter is `axis`; `beta` / `gamma` are `offset` / `scale`",
    },
    "switch": {
        "kind": "rewrite",
        "forms": [{"expr": "keras.ops.where({condition}, {then_expression}, {else_expression})"}],
        "unsafe": True,
        "note": "`keras.ops.switch` picks a branch by index; `keras.ops.where` selects elementwise. Keras 2 expanded a "
        "condition of lower rank on the right (shape (n,) against (n, m) selects rows), `where` broadcasts numpy-style, "
        "and Keras 2 accepted callables as branches: check the ranks",
    },
    "repeat": {"kind": "rewrite", "forms": [{"expr": "keras.ops.repeat(keras.ops.expand_dims({x}, 1), {n}, axis=1)"}], "note": "Keras 2's `repeat` is RepeatVector ((batch, d) -> (batch, n, d)); `keras.ops.repeat` is numpy's"},
    "shape": {
        "kind": "rewrite",
        "forms": [{"expr": "keras.ops.shape({x})", "subscripted": True}],
        "note": "`keras.ops.shape` returns a tuple (Keras 2: a 1-D tensor); the same when indexed (`K.shape(x)[0]`). "
        "Elsewhere (arithmetic on the shape, `tf.stack`) write `tf.shape(x)` or `keras.ops.convert_to_tensor(keras.ops.shape(x))`",
    },
    "identity": {"kind": "rewrite", "params": ["x", "name"], "defaults": {"name": "None"}, "forms": [{"expr": "keras.ops.copy({x})", "only": ["x"]}], "reference": "tf.identity({x})", "note": "`keras.ops.identity(n)` builds an n x n identity matrix"},
    "clip": {
        "kind": "rewrite",
        "forms": [{"expr": "keras.ops.clip({x}, {min_value}, {max_value})", "forbid": {"min_value": ["None"], "max_value": ["None"]}}],
        "note": "argument names `x_min` / `x_max`; Keras 2 read a `None` bound as infinity",
    },
    "arange": {"kind": "rewrite", "forms": [{"expr": "keras.ops.arange({start}, {stop}, {step}, dtype={dtype})"}], "note": "Keras 2's default dtype was int32"},
    "zeros_like": {"kind": "rewrite", "forms": [{"expr": "keras.ops.zeros_like({x}<<, dtype={dtype}>>)", "only": ["x", "dtype", "name"]}], "note": "`keras.ops.zeros_like` (no `name=`)"},
    "ones_like": {"kind": "rewrite", "forms": [{"expr": "keras.ops.ones_like({x}<<, dtype={dtype}>>)", "only": ["x", "dtype", "name"]}], "note": "`keras.ops.ones_like` (no `name=`)"},
    "sparse_categorical_crossentropy": {"kind": "rewrite", "forms": [{"expr": "keras.ops.sparse_categorical_crossentropy({target}, {output}<<, from_logits={from_logits}>><<, axis={axis}>>)", "only": ["target", "output", "from_logits", "axis"]}], "note": "`keras.ops.sparse_categorical_crossentropy` (no `ignore_class=`)"},
    # -- renamed or moved -----------------------------------------------------------------------------
    "pow": {"kind": "op", "target": "keras.ops.power", "keywords": {"x": "x1", "a": "x2"}},
    "permute_dimensions": {"kind": "op", "target": "keras.ops.transpose", "keywords": {"pattern": "axes"}},
    "gather": {"kind": "rewrite", "forms": [{"expr": "keras.ops.take({reference}, {indices}, axis=0)"}], "note": "`keras.ops.take` flattens by default: axis=0 is Keras 2's gather"},
    "reverse": {"kind": "rewrite", "forms": [{"expr": "keras.ops.flip({x}, axis={axes})"}], "note": "renamed `keras.ops.flip`"},
    "repeat_elements": {"kind": "rewrite", "forms": [{"expr": "keras.ops.repeat({x}, {rep}, axis={axis})"}], "note": "renamed `keras.ops.repeat`"},
    "flatten": {"kind": "rewrite", "forms": [{"expr": "keras.ops.reshape({x}, (-1,))"}], "note": "a reshape to one dimension"},
    "batch_flatten": {"kind": "rewrite", "forms": [{"expr": "keras.ops.reshape({x}, (keras.ops.shape({x})[0], -1))"}], "note": "a reshape to (batch, -1)"},
    "l2_normalize": {"kind": "rewrite", "forms": [{"expr": "keras.ops.normalize({x}, axis={axis}, order=2)"}], "note": "renamed `keras.ops.normalize`; Keras 2's default axis None normalises the whole tensor, Keras 3's is -1"},
    "int_shape": {"kind": "rewrite", "forms": [{"expr": "tuple({x}.shape)"}], "note": "the static shape as a tuple"},
    "get_variable_shape": {"kind": "rewrite", "params": ["x"], "defaults": {}, "forms": [{"expr": "tuple({x}.shape)"}], "reference": "tuple({x}.shape.as_list())", "note": "the static shape as a tuple"},
    "count_params": {"kind": "rewrite", "forms": [{"expr": "int(keras.ops.size({x}))"}], "note": "the number of elements"},
    "logsumexp": {"kind": "op", "target": "keras.ops.logsumexp", "params": ["x", "axis", "keepdims"], "defaults": {"axis": "None", "keepdims": "False"}, "reference": "tf.reduce_logsumexp({x}, {axis}, {keepdims})"},
    "slice": {"kind": "op", "target": "keras.ops.slice", "params": ["x", "start", "size"], "defaults": {}, "keywords": {"x": "inputs", "start": "start_indices", "size": "shape"}, "reference": "tf.slice({x}, {start}, {size})"},
    "size": {"kind": "rewrite", "params": ["x", "name"], "defaults": {"name": "None"}, "forms": [{"expr": "keras.ops.size({x})", "only": ["x"]}], "reference": "tf.size({x})", "note": "`keras.ops.size`"},
    "eval": {"kind": "rewrite", "forms": [{"expr": "keras.ops.convert_to_numpy({x})"}], "note": "the value as a NumPy array"},
    "get_value": {"kind": "rewrite", "forms": [{"expr": "keras.ops.convert_to_numpy({x})"}], "note": "the value as a NumPy array"},
    "batch_get_value": {"kind": "rewrite", "forms": [{"expr": "[keras.ops.convert_to_numpy(value) for value in {tensors}]"}], "note": "the values as NumPy arrays"},
    "set_value": {"kind": "rewrite", "forms": [{"expr": "{x}.assign({value})"}], "note": "a Keras 3 variable is set with `assign`"},
    "update": {"kind": "rewrite", "forms": [{"expr": "{x}.assign({new_x})"}], "note": "`assign`"},
    "update_add": {"kind": "rewrite", "forms": [{"expr": "{x}.assign_add({increment})"}], "note": "`assign_add`"},
    "update_sub": {"kind": "rewrite", "forms": [{"expr": "{x}.assign_sub({decrement})"}], "note": "`assign_sub`"},
    "variable": {
        "kind": "rewrite",
        "forms": [{"expr": "keras.Variable({value}, dtype={dtype}<<, name={name}>>)", "only": ["value", "dtype", "name"], "defaults": {"dtype": F}}],
        "note": "`keras.Variable` (Keras 2's dtype default was floatx)",
    },
    "constant": {
        "kind": "rewrite",
        "forms": [{"expr": "keras.ops.convert_to_tensor({value}, dtype={dtype})", "only": ["value", "dtype", "name"], "defaults": {"dtype": F}}],
        "note": "`keras.ops.convert_to_tensor` (Keras 2's dtype default was floatx); with `shape=`: `keras.ops.full(shape, value)`",
    },
    "cast_to_floatx": {"kind": "rewrite", "forms": [{"expr": "keras.ops.cast({x}, " + F + ")"}], "unsafe": True, "note": "Keras 2 returned a NumPy array for NumPy input; `keras.ops.cast` returns a tensor (use `numpy.asarray(x, keras.config.floatx())` for data)"},
    "image_dim_ordering": {"kind": "rewrite", "params": [], "defaults": {}, "forms": [{"expr": "('tf' if keras.config.image_data_format() == 'channels_last' else 'th')"}], "reference": "'tf'", "note": "Keras 3 only has `keras.config.image_data_format()` ('channels_last' was 'tf')"},
    "set_image_dim_ordering": {"kind": "rewrite", "params": ["dim_ordering"], "defaults": {}, "forms": [{"expr": "keras.config.set_image_data_format('channels_last' if {dim_ordering} == 'tf' else 'channels_first')"}], "note": "`keras.config.set_image_data_format` ('tf' is 'channels_last', 'th' 'channels_first')"},
    "bias_add": {"kind": "rewrite", "forms": [{"expr": "keras.ops.add({x}, {bias})", "only": ["x", "bias"]}], "note": "an addition broadcast on the last axis (with `data_format='channels_first'`: reshape the bias by hand)"},
    "dropout": {"kind": "rewrite", "forms": [{"expr": "keras.random.dropout({x}, {level}<<, noise_shape={noise_shape}>>)", "only": ["x", "level", "noise_shape"]}], "random": True, "note": "`keras.random.dropout`: same distribution, other random draws (with `seed=`: create a `keras.random.SeedGenerator` and pass it)"},
    "random_normal": {"kind": "rewrite", "forms": [{"expr": "keras.random.normal({shape}<<, mean={mean}>><<, stddev={stddev}>><<, dtype={dtype}>>)", "only": ["shape", "mean", "stddev", "dtype"]}], "random": True, "note": "`keras.random.normal`: same distribution, other random draws (with `seed=`: pass a `keras.random.SeedGenerator`, an int seed repeats the same draw on every call)"},
    "random_uniform": {"kind": "rewrite", "forms": [{"expr": "keras.random.uniform({shape}<<, minval={minval}>><<, maxval={maxval}>><<, dtype={dtype}>>)", "only": ["shape", "minval", "maxval", "dtype"]}], "random": True, "note": "`keras.random.uniform`: same distribution, other random draws (with `seed=`: pass a `keras.random.SeedGenerator`)"},
    "truncated_normal": {"kind": "rewrite", "forms": [{"expr": "keras.random.truncated_normal({shape}<<, mean={mean}>><<, stddev={stddev}>><<, dtype={dtype}>>)", "only": ["shape", "mean", "stddev", "dtype"]}], "random": True, "note": "`keras.random.truncated_normal`: same distribution, other random draws (with `seed=`: pass a `keras.random.SeedGenerator`)"},
    "random_binomial": {"kind": "rewrite", "forms": [{"expr": "keras.random.binomial({shape}, counts=1, probabilities={p}<<, dtype={dtype}>>)", "only": ["shape", "p", "dtype"]}], "random": True, "note": "`keras.random.binomial(counts=1)`: same distribution, other random draws"},
    "random_bernoulli": {"kind": "rewrite", "forms": [{"expr": "keras.random.binomial({shape}, counts=1, probabilities={p}<<, dtype={dtype}>>)", "only": ["shape", "p", "dtype"]}], "random": True, "note": "`keras.random.binomial(counts=1)`: same distribution, other random draws"},
    "conv1d": {"kind": "rewrite", "forms": [{"expr": "keras.ops.conv({x}, {kernel}<<, strides={strides}>><<, padding={padding}>><<, data_format={data_format}>><<, dilation_rate={dilation_rate}>>)", "forbid": {"padding": ["'causal'", '"causal"']}}], "note": "`keras.ops.conv` (padding 'causal': pad on the left with `keras.ops.pad` first)"},
    "conv2d": {"kind": "rewrite", "forms": [{"expr": "keras.ops.conv({x}, {kernel}<<, strides={strides}>><<, padding={padding}>><<, data_format={data_format}>><<, dilation_rate={dilation_rate}>>)"}], "note": "`keras.ops.conv`"},
    "conv3d": {"kind": "rewrite", "forms": [{"expr": "keras.ops.conv({x}, {kernel}<<, strides={strides}>><<, padding={padding}>><<, data_format={data_format}>><<, dilation_rate={dilation_rate}>>)"}], "note": "`keras.ops.conv`"},
    "depthwise_conv2d": {"kind": "rewrite", "forms": [{"expr": "keras.ops.depthwise_conv({x}, {depthwise_kernel}<<, strides={strides}>><<, padding={padding}>><<, data_format={data_format}>><<, dilation_rate={dilation_rate}>>)"}], "note": "`keras.ops.depthwise_conv`"},
    # -- kept in keras.backend --------------------------------------------------------------------------
    **{name: {"kind": "keep"} for name in (
        "backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_keras_tensor",
        "set_epsilon", "set_floatx", "set_image_data_format",
    )},
    # -- reported or rewritten by other rules ------------------------------------------------------------
    "function": {"kind": "owned", "owner": "TFM504 (with `K.gradients`), else TFM330", "note": "call the model, or build `keras.Model(inputs, outputs)`; gradients with `tf.GradientTape`"},
    "gradients": {"kind": "owned", "owner": "TFM504", "note": "compute gradients with `tf.GradientTape` around a call of the model"},
    "placeholder": {"kind": "owned", "owner": "TFM330", "note": "use `keras.Input(shape=...)`"},
    "learning_phase": {"kind": "owned", "owner": "TFM505", "note": "pass `training=True/False` to the model or layer call"},
    "set_learning_phase": {"kind": "owned", "owner": "TFM505", "note": "pass `training=True/False` to the model or layer call"},
    "learning_phase_scope": {"kind": "owned", "owner": "TFM505", "note": "pass `training=True/False` to the model or layer call"},
    "in_train_phase": {"kind": "owned", "owner": "TFM505", "note": "give the layer's `call` a `training` argument: `x if training else alt`"},
    "in_test_phase": {"kind": "owned", "owner": "TFM505", "note": "give the layer's `call` a `training` argument: `alt if training else x`"},
    "get_session": {"kind": "owned", "owner": "TFM251/TFM254/TFM330", "note": "Keras 3 has no session"},
    "set_session": {"kind": "owned", "owner": "TFM251/TFM330", "note": "Keras 3 has no session"},
    "get_graph": {"kind": "owned", "owner": "TFM250/TFM254/TFM330", "note": "Keras 3 has no global graph"},
    # -- no exact counterpart --------------------------------------------------------------------------
    **{name: {"kind": "manual", "note": note} for name, note in {
        "batch_dot": "write `keras.ops.matmul(x, y)` for 3-D batches with the default axes, or `keras.ops.einsum` (Keras 2's `axes=` rules differ by rank)",
        "batch_set_value": "assign each pair: `for variable, value in tuples: variable.assign(value)`",
        "binary_focal_crossentropy": "`keras.losses.binary_focal_crossentropy` averages over the last axis (Keras 2's backend function did not)",
        "categorical_focal_crossentropy": "use `keras.losses.categorical_focal_crossentropy`",
        "conv2d_transpose": "use `keras.ops.conv_transpose` (it takes no `output_shape`: check the padding gives the shape you need)",
        "conv3d_transpose": "use `keras.ops.conv_transpose` (it takes no `output_shape`)",
        "separable_conv1d": "use `keras.ops.separable_conv`",
        "separable_conv2d": "use `keras.ops.separable_conv`",
        "ctc_batch_cost": "`keras.ops.ctc_loss(labels, keras.ops.log(y_pred), label_length[:, 0], input_length[:, 0], mask_index=num_classes - 1)`, expanded to (batch, 1): Keras 3 expects logits and the blank at index 0 by default",
        "ctc_decode": "`keras.ops.ctc_decode(keras.ops.log(y_pred), input_length, mask_index=num_classes - 1)`: Keras 3 expects logits and the blank at index 0 by default",
        "ctc_label_dense_to_sparse": "TensorFlow only: `tf.sparse.from_dense` / the code of Keras 2's function",
        "control_dependencies": "eager Keras 3 runs in order; under `tf.function` use `tf.control_dependencies`",
        "eager": "Keras 3 is eager: remove the decorator",
        "foldl": "use `keras.ops.scan(f, init, xs)` (its function returns `(carry, output)`)",
        "foldr": "use `keras.ops.scan(f, init, xs, reverse=True)`",
        "map_fn": "use `keras.ops.map(fn, elems)` (no `dtype=`)",
        "is_placeholder": "Keras 3 has no placeholders",
        "is_sparse": "TensorFlow only: `isinstance(x, tf.SparseTensor)`",
        "is_tensor": "`keras.ops.is_tensor` (a Keras 3 variable is not a tensor for it)",
        "is_variable": "`isinstance(x, keras.Variable)`",
        "local_conv1d": "Keras 3 has no locally connected layers: write the computation by hand",
        "local_conv2d": "Keras 3 has no locally connected layers: write the computation by hand",
        "manual_variable_initialization": "Keras 3 initialises variables when they are created: remove the call",
        "moving_average_update": "`x.assign(x * momentum + value * (1 - momentum))`",
        "name_scope": "`keras.name_scope(name)` (a Keras 3 name scope, not a TensorFlow graph scope)",
        "normalize_batch_in_training": "`mean, var = keras.ops.moments(x, axes)` then `keras.ops.batch_normalization`",
        "normalize_data_format": "Keras 3 has no public helper: `data_format or keras.config.image_data_format()`",
        "pool2d": "`keras.ops.max_pool` / `keras.ops.average_pool`, passing `strides=` (Keras 3's default is the pool size, Keras 2's was 1)",
        "pool3d": "`keras.ops.max_pool` / `keras.ops.average_pool`, passing `strides=` (Keras 3's default is the pool size, Keras 2's was 1)",
        "print_tensor": "`tf.print(message, x)` (TensorFlow) and return `x`",
        "random_normal_variable": "`keras.Variable(keras.initializers.RandomNormal(mean, scale)(shape))` (in a layer: `self.add_weight`)",
        "random_uniform_variable": "`keras.Variable(keras.initializers.RandomUniform(low, high)(shape))` (in a layer: `self.add_weight`)",
        "zeros": "Keras 2 returned a variable: `keras.Variable(keras.ops.zeros(shape))` for state (in a layer: `self.add_weight`), `keras.ops.zeros(shape)` for a value",
        "ones": "Keras 2 returned a variable: `keras.Variable(keras.ops.ones(shape))` for state (in a layer: `self.add_weight`), `keras.ops.ones(shape)` for a value",
        "eye": "Keras 2 returned a variable: `keras.Variable(keras.ops.eye(n))` for state, `keras.ops.eye(n)` for a value",
        "reset_uids": "Keras 3 has no uid reset: `keras.backend.clear_session()`",
        "resize_images": "use `keras.layers.UpSampling2D(size, interpolation=...)` or `keras.ops.image.resize`",
        "resize_volumes": "use `keras.layers.UpSampling3D(size)`",
        "rnn": "use `keras.layers.RNN` with a cell, or `keras.ops.scan`",
        "spatial_2d_padding": "use `keras.ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]])` (channels_last)",
        "spatial_3d_padding": "use `keras.ops.pad` with one pair per dimension",
        "temporal_padding": "use `keras.ops.pad(x, [[0, 0], [left, right], [0, 0]])`",
        "symbolic": "Keras 3 has no symbolic scope: remove the decorator",
        "to_dense": "TensorFlow only: `tf.sparse.to_dense(x)`",
        "tf": "`K.tf` was TensorFlow itself: `import tensorflow as tf`",
    }.items()},
}
