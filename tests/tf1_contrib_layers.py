"""TF1's `tf.contrib.layers.fully_connected` / `batch_norm` and `tf.contrib.framework.arg_scope`, for
`tests/tf1_runner.py` (via `tests/tf1_contrib.py`): the reference the execution fixtures of TFM281
(`codemods/graph_contrib_layers.py`) are compared with.

TF 1.15 is not installed here, so its code is ported from tensorflow/contrib/layers/python/layers/layers.py and
contrib/framework/python/ops/arg_scope.py (TF 1.15), for the subset the fixtures use:
- `fully_connected` runs TF1's own `tf.layers.Dense` (tf_keras' `legacy_tf_layers.core`, the TF1 layer code) in
  `variable_scope(scope, 'fully_connected', [inputs], reuse=reuse, custom_getter=...)` with TF1's layer variable
  getter (`kernel` -> `weights`, `bias` -> `biases`, created as model variables), no bias under a normalizer,
  then `normalizer_fn(outputs, **normalizer_params)` and the activation;
- `batch_norm` is TF 1.15's `_fused_batch_norm` (the path it took for inputs of rank 2 and 4): model variables
  `beta` / `gamma` / `moving_mean` / `moving_variance`, `nn.fused_batch_norm` under TF1's `smart_cond`, the
  moving averages updated by TF's own `moving_averages.assign_moving_average` (in place with
  `updates_collections=None`, otherwise added to the collection);
- `arg_scope` / `add_arg_scope`: defaults per function, the call's own keywords first.
Apache License 2.0, Copyright 2016 The TensorFlow Authors.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import types

_SCOPES: list[dict] = [{}]


def _key(function) -> str:  # type: ignore[no-untyped-def]
    return getattr(function, "_key_op", function.__name__)


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):  # type: ignore[no-untyped-def]
    current = {key: dict(value) for key, value in _SCOPES[-1].items()}
    for op in list_ops_or_scope:
        current.setdefault(_key(op), {}).update(kwargs)
    _SCOPES.append(current)
    try:
        yield current
    finally:
        _SCOPES.pop()


def add_arg_scope(function):  # type: ignore[no-untyped-def]
    @functools.wraps(function)
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        defaults = dict(_SCOPES[-1].get(_key(function), {}))
        defaults.update(kwargs)
        return function(*args, **defaults)

    wrapped._key_op = function.__name__  # type: ignore[attr-defined]
    return wrapped


def contrib_modules(tf):  # type: ignore[no-untyped-def]
    """`tensorflow.contrib.layers` and `tensorflow.contrib.framework` modules on `tf` (compat.v1)."""
    from tensorflow.python.framework import smart_cond, tensor_util
    from tensorflow.python.training import moving_averages
    from tf_keras.src.legacy_tf_layers import core as core_layers

    model_collections = [tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.MODEL_VARIABLES]

    def model_variable(name, shape=None, dtype=tf.float32, initializer=None, trainable=True, collections=None, **kwargs):  # type: ignore[no-untyped-def]
        return tf.get_variable(name, shape=shape, dtype=dtype, initializer=initializer, trainable=trainable,
                               collections=list(model_collections) + list(collections or []), **kwargs)  # fmt: skip

    def layer_variable_getter(getter, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        rename = {"kernel": "weights", "bias": "biases"}
        parts = name.split("/")
        if parts[-1] in rename:
            parts[-1] = rename[parts[-1]]
        kwargs["collections"] = list(model_collections) + list(kwargs.get("collections") or [])
        kwargs.pop("use_resource", None)
        return getter("/".join(parts), *args, **kwargs)

    @add_arg_scope
    def fully_connected(inputs, num_outputs, activation_fn=tf.nn.relu, normalizer_fn=None, normalizer_params=None,
                        weights_initializer=None, weights_regularizer=None, biases_initializer=tf.zeros_initializer(),
                        biases_regularizer=None, reuse=None, variables_collections=None, outputs_collections=None,
                        trainable=True, scope=None):  # fmt: skip
        if weights_initializer is None:
            weights_initializer = tf.glorot_uniform_initializer()  # TF1: initializers.xavier_initializer()
        with tf.variable_scope(scope, "fully_connected", [inputs], reuse=reuse, custom_getter=layer_variable_getter) as sc:
            inputs = tf.convert_to_tensor(inputs)
            layer = core_layers.Dense(units=num_outputs, activation=None, use_bias=not normalizer_fn and biases_initializer,
                                      kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
                                      kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                                      activity_regularizer=None, trainable=trainable, name=sc.name,
                                      dtype=inputs.dtype.base_dtype, _scope=sc, _reuse=reuse)  # fmt: skip
            outputs = layer.apply(inputs)
            if normalizer_fn is not None:
                if not normalizer_params:
                    normalizer_params = {}
                outputs = normalizer_fn(outputs, **normalizer_params)
            if activation_fn is not None:
                outputs = activation_fn(outputs)
            return outputs

    @add_arg_scope
    def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None, param_initializers=None,
                   updates_collections=tf.GraphKeys.UPDATE_OPS, is_training=True, reuse=None, trainable=True, scope=None,
                   fused=None, data_format="NHWC", zero_debias_moving_mean=False):  # fmt: skip
        with tf.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse):
            inputs = tf.convert_to_tensor(inputs)
            original_shape = inputs.get_shape()
            original_inputs = inputs
            if original_shape.ndims == 2:
                channels = inputs.get_shape().dims[-1].value
                inputs = tf.reshape(inputs, [-1, 1, 1, channels])
            inputs_shape = inputs.get_shape()
            params_shape = inputs_shape[-1:]
            variable_dtype = inputs.dtype
            if not param_initializers:
                param_initializers = {}
            if center:
                beta = model_variable("beta", shape=params_shape, dtype=variable_dtype, initializer=param_initializers.get("beta", tf.zeros_initializer()), trainable=trainable)
            else:
                beta = tf.constant(0.0, dtype=variable_dtype, shape=params_shape)
            if scale:
                gamma = model_variable("gamma", shape=params_shape, dtype=variable_dtype, initializer=param_initializers.get("gamma", tf.ones_initializer()), trainable=trainable)
            else:
                gamma = tf.constant(1.0, dtype=variable_dtype, shape=params_shape)
            with tf.variable_scope(tf.get_variable_scope()) as local_scope:
                local_scope.set_partitioner(None)
                moving_mean = model_variable("moving_mean", shape=params_shape, dtype=variable_dtype, initializer=param_initializers.get("moving_mean", tf.zeros_initializer()), trainable=False)
                moving_variance = model_variable("moving_variance", shape=params_shape, dtype=variable_dtype, initializer=param_initializers.get("moving_variance", tf.ones_initializer()), trainable=False)

            def _fused_batch_norm_training():  # type: ignore[no-untyped-def]
                return tf.nn.fused_batch_norm(inputs, gamma, beta, epsilon=epsilon, data_format=data_format)

            def _fused_batch_norm_inference():  # type: ignore[no-untyped-def]
                return tf.nn.fused_batch_norm(inputs, gamma, beta, mean=moving_mean, variance=moving_variance, epsilon=epsilon, is_training=False, data_format=data_format)

            outputs, mean, variance = smart_cond.smart_cond(is_training, _fused_batch_norm_training, _fused_batch_norm_inference)
            is_training_value = tensor_util.constant_value(is_training) if not isinstance(is_training, bool) else is_training
            need_updates = is_training_value is None or is_training_value
            if need_updates:
                if updates_collections is None:
                    no_updates = lambda: outputs  # noqa: E731

                    def _force_updates():  # type: ignore[no-untyped-def]
                        update_moving_mean = moving_averages.assign_moving_average(moving_mean, mean, decay, zero_debias=zero_debias_moving_mean)
                        update_moving_variance = moving_averages.assign_moving_average(moving_variance, variance, decay, zero_debias=False)
                        with tf.control_dependencies([update_moving_mean, update_moving_variance]):
                            return tf.identity(outputs)

                    outputs = smart_cond.smart_cond(is_training, _force_updates, no_updates)
                else:
                    moving_vars_fn = lambda: (moving_mean, moving_variance)  # noqa: E731

                    def _delay_updates():  # type: ignore[no-untyped-def]
                        update_moving_mean = moving_averages.assign_moving_average(moving_mean, mean, decay, zero_debias=zero_debias_moving_mean)
                        update_moving_variance = moving_averages.assign_moving_average(moving_variance, variance, decay, zero_debias=False)
                        return update_moving_mean, update_moving_variance

                    update_mean, update_variance = smart_cond.smart_cond(is_training, _delay_updates, moving_vars_fn)
                    tf.add_to_collections(updates_collections, update_mean)
                    tf.add_to_collections(updates_collections, update_variance)
            outputs.set_shape(inputs_shape)
            if original_shape.ndims == 2:
                outputs = tf.reshape(outputs, tf.shape(original_inputs))
            if activation_fn is not None:
                outputs = activation_fn(outputs)
            return outputs

    layers = types.ModuleType("tensorflow.contrib.layers")
    layers.fully_connected, layers.batch_norm = fully_connected, batch_norm
    framework = types.ModuleType("tensorflow.contrib.framework")
    framework.arg_scope, framework.add_arg_scope = arg_scope, add_arg_scope
    layers.arg_scope = arg_scope
    for module in (layers, framework):
        sys.modules[module.__name__] = module
    return layers, framework
