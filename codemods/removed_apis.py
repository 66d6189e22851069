"""What TensorFlow 1.x and Keras 2 had that TensorFlow 2.16+ / Keras 3 no longer has, and what to use instead.

Plain data, consulted by the legacy-calls rules (TFM3xx) and open to any other rule. Every entry is keyed by
the *canonical* name of `codemods.names` (`tf.X` for the TF1 `tf` namespace, `keras.X` for every Keras
spelling, other packages under their own name) and matched by dotted prefix, longest first:

    find("tf.contrib.layers.xavier_initializer")  -> the xavier_initializer entry
    find("tf.contrib.layers.flatten")             -> the generic tf.contrib.layers entry
    find("keras.engine.topology.Layer")           -> the keras.engine.topology entry

Three families:

* `CONTRIB`: `tf.contrib.*`, removed in TF 2.0, with the closest TF2 / Keras / community replacement.
* `REMOVED_TF`: modules and APIs of the `tf` namespace that TF 2.16+ no longer has (`in_compat_v1` says whether
  a `tf.compat.v1` shim still exists in TF 2.21; the advice is the native replacement either way).
* `REMOVED_KERAS`: Keras 2 modules and names that Keras 3.15 (`keras` and `tf.keras` alike) does not have, and
  `REMOVED_KERAS_METHODS`, `Model` methods Keras 3 dropped.

`use` lists the replacement names in a form `tests/test_removed_apis.py` checks against the installed
TensorFlow 2.21 / Keras 3.15 (`tf.*`, `keras.*`, or an importable module such as `absl.flags`); packages that
are not installed (`tf_slim`, `tensorflow_probability`, ...) are named in `advice` only. The same test checks
that every entry really is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

Family = Literal["contrib", "tf", "keras"]


@dataclass(frozen=True)
class Removal:
    name: str  # canonical dotted name (prefix) of what is gone
    family: Family
    advice: str  # what to do, one sentence, naming the replacement
    use: tuple[str, ...] = ()  # replacement names that exist in TF 2.21 / Keras 3.15 (checked by the tests)
    in_compat_v1: bool = False  # TF only: a `tf.compat.v1` shim of it still exists in TF 2.21


def _contrib(name: str, advice: str, *use: str) -> Removal:
    return Removal("tf.contrib" + (("." + name) if name else ""), "contrib", advice, tuple(use))


CONTRIB: tuple[Removal, ...] = (
    _contrib("", "find the replacement in core TF (`tf.*`), Keras (`tf.keras.*`), or a community package"),
    # tf.contrib.layers
    _contrib("layers", "use the Keras layer of the same purpose (`tf.keras.layers.*`), called as an object", "tf.keras.layers"),
    _contrib(
        "layers.xavier_initializer",
        "use `tf.keras.initializers.GlorotUniform()` (`uniform=False`: `GlorotNormal()`)",
        "tf.keras.initializers.GlorotUniform",
        "tf.keras.initializers.GlorotNormal",
    ),
    _contrib(
        "layers.xavier_initializer_conv2d",
        "use `tf.keras.initializers.GlorotUniform()` (`uniform=False`: `GlorotNormal()`)",
        "tf.keras.initializers.GlorotUniform",
    ),
    _contrib(
        "layers.variance_scaling_initializer",
        "use `tf.keras.initializers.VarianceScaling(scale=factor, mode=mode.lower())` (the defaults factor=2.0, "
        "mode='FAN_IN' are `HeNormal()`)",
        "tf.keras.initializers.VarianceScaling",
        "tf.keras.initializers.HeNormal",
    ),
    _contrib(
        "layers.l2_regularizer",
        "use `tf.keras.regularizers.L2(scale / 2)`: contrib computed scale * sum(w**2) / 2, Keras L2(l2) computes "
        "l2 * sum(w**2)",
        "tf.keras.regularizers.L2",
    ),
    _contrib(
        "layers.l1_regularizer",
        "use `tf.keras.regularizers.L1(scale)` (same factor: scale * sum(|w|))",
        "tf.keras.regularizers.L1",
    ),
    _contrib(
        "layers.l1_l2_regularizer",
        "use `tf.keras.regularizers.L1L2(l1=scale_l1, l2=scale_l2 / 2)` (contrib's L2 part was halved)",
        "tf.keras.regularizers.L1L2",
    ),
    _contrib("layers.fully_connected", "use a `tf.keras.layers.Dense(units, activation=...)` layer", "tf.keras.layers.Dense"),
    _contrib("layers.conv2d", "use a `tf.keras.layers.Conv2D(filters, kernel_size, ...)` layer", "tf.keras.layers.Conv2D"),
    _contrib("layers.convolution2d", "use a `tf.keras.layers.Conv2D(filters, kernel_size, ...)` layer", "tf.keras.layers.Conv2D"),
    _contrib("layers.convolution2d_transpose", "use a `tf.keras.layers.Conv2DTranspose` layer", "tf.keras.layers.Conv2DTranspose"),
    _contrib("layers.linear", "use a `tf.keras.layers.Dense(units)` layer (no activation)", "tf.keras.layers.Dense"),
    _contrib("layers.conv2d_transpose", "use a `tf.keras.layers.Conv2DTranspose` layer", "tf.keras.layers.Conv2DTranspose"),
    _contrib("layers.separable_conv2d", "use a `tf.keras.layers.SeparableConv2D` layer", "tf.keras.layers.SeparableConv2D"),
    _contrib("layers.max_pool2d", "use a `tf.keras.layers.MaxPooling2D` layer", "tf.keras.layers.MaxPooling2D"),
    _contrib("layers.avg_pool2d", "use a `tf.keras.layers.AveragePooling2D` layer", "tf.keras.layers.AveragePooling2D"),
    _contrib("layers.flatten", "use a `tf.keras.layers.Flatten` layer", "tf.keras.layers.Flatten"),
    _contrib(
        "layers.batch_norm",
        "use a `tf.keras.layers.BatchNormalization(momentum=decay)` layer and call it with `training=`",
        "tf.keras.layers.BatchNormalization",
    ),
    _contrib("layers.layer_norm", "use a `tf.keras.layers.LayerNormalization` layer", "tf.keras.layers.LayerNormalization"),
    _contrib(
        "layers.dropout",
        "use a `tf.keras.layers.Dropout(rate=1 - keep_prob)` layer, called with `training=`",
        "tf.keras.layers.Dropout",
    ),
    _contrib("layers.embed_sequence", "use a `tf.keras.layers.Embedding` layer", "tf.keras.layers.Embedding"),
    _contrib(
        "layers.optimize_loss",
        "compute gradients with `tf.GradientTape` and apply them with a `tf.keras.optimizers` optimizer (e.g. `Adam`)",
        "tf.GradientTape",
        "tf.keras.optimizers.Adam",
    ),
    # tf.contrib.rnn
    _contrib(
        "rnn",
        "use the Keras RNN cells and layers (`tf.keras.layers.LSTMCell`, `GRUCell`, `SimpleRNNCell` inside "
        "`tf.keras.layers.RNN`, or `LSTM` / `GRU` layers directly)",
        "tf.keras.layers.RNN",
        "tf.keras.layers.LSTM",
    ),
    _contrib("rnn.BasicLSTMCell", "use `tf.keras.layers.LSTMCell(units)` inside `tf.keras.layers.RNN`, or a `tf.keras.layers.LSTM` layer", "tf.keras.layers.LSTMCell"),
    _contrib("rnn.LSTMCell", "use `tf.keras.layers.LSTMCell(units)` inside `tf.keras.layers.RNN`, or a `tf.keras.layers.LSTM` layer", "tf.keras.layers.LSTMCell"),
    _contrib("rnn.LSTMBlockCell", "use `tf.keras.layers.LSTMCell(units)` inside `tf.keras.layers.RNN`, or a `tf.keras.layers.LSTM` layer", "tf.keras.layers.LSTMCell"),
    _contrib("rnn.GRUCell", "use `tf.keras.layers.GRUCell(units)` inside `tf.keras.layers.RNN`, or a `tf.keras.layers.GRU` layer", "tf.keras.layers.GRUCell"),
    _contrib("rnn.BasicRNNCell", "use `tf.keras.layers.SimpleRNNCell(units)` inside `tf.keras.layers.RNN`", "tf.keras.layers.SimpleRNNCell"),
    _contrib("rnn.MultiRNNCell", "use `tf.keras.layers.StackedRNNCells([...])` inside `tf.keras.layers.RNN`", "tf.keras.layers.StackedRNNCells"),
    _contrib(
        "rnn.DropoutWrapper",
        "pass `dropout=` / `recurrent_dropout=` (rates, 1 - keep_prob) to the Keras cell or layer "
        "(`tf.keras.layers.LSTMCell(units, dropout=...)`)",
        "tf.keras.layers.LSTMCell",
    ),
    _contrib("rnn.static_rnn", "use a `tf.keras.layers.RNN(cell)` layer (or `LSTM` / `GRU`)", "tf.keras.layers.RNN"),
    _contrib(
        "rnn.static_bidirectional_rnn",
        "use `tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(units, return_sequences=True))`",
        "tf.keras.layers.Bidirectional",
    ),
    _contrib("cudnn_rnn", "use `tf.keras.layers.LSTM` / `GRU`: they use cuDNN automatically on a GPU", "tf.keras.layers.LSTM", "tf.keras.layers.GRU"),
    # other contrib modules with a core successor
    _contrib(
        "data",
        "use `tf.data` (`tf.data.AUTOTUNE`; `map_and_batch` -> `.map(...).batch(...)`; `shuffle_and_repeat` -> "
        "`.shuffle(...).repeat(...)`; `batch_and_drop_remainder(n)` -> `.batch(n, drop_remainder=True)`)",
        "tf.data.Dataset",
        "tf.data.AUTOTUNE",
    ),
    _contrib(
        "slim",
        "TF-Slim is not part of TF2: rewrite the model with Keras layers (`tf.keras.layers.Conv2D`, `Dense`, ...), or "
        "install the `tf-slim` package (`import tf_slim as slim`, graph mode through tf.compat.v1 only)",
        "tf.keras.layers.Conv2D",
    ),
    _contrib("slim.conv2d", "use a `tf.keras.layers.Conv2D` layer (slim's default activation is ReLU)", "tf.keras.layers.Conv2D"),
    _contrib("slim.fully_connected", "use a `tf.keras.layers.Dense` layer (slim's default activation is ReLU)", "tf.keras.layers.Dense"),
    _contrib("slim.max_pool2d", "use a `tf.keras.layers.MaxPooling2D` layer", "tf.keras.layers.MaxPooling2D"),
    _contrib("slim.avg_pool2d", "use a `tf.keras.layers.AveragePooling2D` layer", "tf.keras.layers.AveragePooling2D"),
    _contrib("slim.flatten", "use a `tf.keras.layers.Flatten` layer", "tf.keras.layers.Flatten"),
    _contrib("slim.batch_norm", "use a `tf.keras.layers.BatchNormalization` layer", "tf.keras.layers.BatchNormalization"),
    _contrib("slim.dropout", "use a `tf.keras.layers.Dropout(rate=1 - keep_prob)` layer", "tf.keras.layers.Dropout"),
    _contrib(
        "slim.arg_scope",
        "Keras has no arg_scope: pass the shared arguments to each layer (e.g. through `functools.partial`)",
    ),
    _contrib("learn", "tf.contrib.learn is gone: build a `tf.keras.Model` and train it with `Model.fit`", "tf.keras.Model"),
    _contrib(
        "learn.datasets.mnist",
        "use `tf.keras.datasets.mnist.load_data()` (numpy arrays; scale to [0, 1] and one-hot encode yourself)",
        "tf.keras.datasets.mnist.load_data",
    ),
    _contrib("keras", "use `tf.keras` (Keras 3) or `import keras`", "tf.keras"),
    _contrib("distributions", "use TensorFlow Probability (`tensorflow_probability.distributions`)"),
    _contrib("bayesflow", "use TensorFlow Probability (`tensorflow_probability`)"),
    _contrib(
        "seq2seq",
        "use Keras attention layers (`tf.keras.layers.Attention`, `MultiHeadAttention`) with RNN layers; "
        "TensorFlow Addons' `tfa.seq2seq` was the port but is no longer maintained",
        "tf.keras.layers.Attention",
        "tf.keras.layers.MultiHeadAttention",
    ),
    _contrib("crf", "TF2 has no CRF layer: TensorFlow Addons had `tfa.text.crf_log_likelihood` (unmaintained); keras-nlp / your own layer"),
    _contrib("image", "use `tf.image` or Keras image augmentation layers (`tf.keras.layers.RandomRotation`, ...)", "tf.image", "tf.keras.layers.RandomRotation"),
    _contrib("framework", "most of it moved: `tf.nest`, `tf.Variable`, `model.trainable_variables`; `arg_scope` has no TF2 equivalent", "tf.nest"),
    _contrib("framework.nest", "use `tf.nest`", "tf.nest"),
    _contrib("eager", "eager execution is the default in TF2: `tfe.Variable` -> `tf.Variable`, `tfe.defun` -> `tf.function`", "tf.Variable", "tf.function"),
    _contrib("summary", "use `tf.summary` with `tf.summary.create_file_writer(logdir).as_default()`", "tf.summary.create_file_writer"),
    _contrib("opt", "use a `tf.keras.optimizers` optimizer (`AdamW` replaces `AdamWOptimizer`)", "tf.keras.optimizers.AdamW"),
    _contrib("losses", "use `tf.keras.losses`", "tf.keras.losses"),
    _contrib("metrics", "use `tf.keras.metrics` (stateful metric objects)", "tf.keras.metrics"),
    _contrib("training", "gone: `HParams` -> a dict or the TensorBoard HParams plugin; queues/bucketing -> `tf.data`", "tf.data.Dataset"),
    _contrib("predictor", "use `tf.saved_model.load(path).signatures['serving_default']`", "tf.saved_model.load"),
    _contrib("lite", "use `tf.lite`", "tf.lite.TFLiteConverter"),
    _contrib("tpu", "use `tf.distribute.TPUStrategy`", "tf.distribute.TPUStrategy"),
    _contrib("distribute", "use `tf.distribute` (`MirroredStrategy`, ...)", "tf.distribute.MirroredStrategy"),
    _contrib("signal", "use `tf.signal`", "tf.signal"),
    _contrib("stateless", "use `tf.random.stateless_*` (`tf.random.stateless_uniform`, ...)", "tf.random.stateless_uniform"),
    _contrib("checkpoint", "use `tf.train.Checkpoint`", "tf.train.Checkpoint"),
    _contrib("estimator", "Estimators are gone in TF 2.16+: use a `tf.keras.Model` and `Model.fit`", "tf.keras.Model"),
    _contrib("quantize", "use the TensorFlow Model Optimization Toolkit (`tensorflow_model_optimization`)"),
    _contrib("util", "use `tf.make_ndarray` / `tf.make_tensor_proto`", "tf.make_ndarray", "tf.make_tensor_proto"),
    _contrib("gan", "use the TF-GAN package (`tensorflow_gan`)"),
    _contrib("staging", "`StagingArea` is gone: overlap input and compute with `tf.data.Dataset.prefetch` (and `tf.data.experimental.prefetch_to_device`)", "tf.data.Dataset", "tf.data.experimental.prefetch_to_device"),
    _contrib("ctc", "use `tf.nn.ctc_loss` / `tf.nn.ctc_greedy_decoder` / `tf.nn.ctc_beam_search_decoder` (or `keras.ops.ctc_loss`)", "tf.nn.ctc_loss", "tf.nn.ctc_greedy_decoder", "keras.ops.ctc_loss"),
    _contrib("legacy_seq2seq", "use Keras RNN and attention layers (`tf.keras.layers.LSTM`, `tf.keras.layers.Attention`)", "tf.keras.layers.LSTM", "tf.keras.layers.Attention"),
    _contrib("factorization", "TF2 has no k-means / WALS: use scikit-learn (`sklearn.cluster.KMeans`) or write the update steps with `tf.*` ops"),
    _contrib("boosted_trees", "use TensorFlow Decision Forests (`tensorflow_decision_forests`) or a gradient-boosting library (XGBoost, LightGBM)"),
    _contrib("tensor_forest", "use TensorFlow Decision Forests (`tensorflow_decision_forests`) or scikit-learn's random forests"),
    _contrib("layers.apply_regularization", "give the layers `kernel_regularizer=tf.keras.regularizers.L2(...)` and add `sum(model.losses)` to the loss", "tf.keras.regularizers.L2"),
    _contrib("rnn.LSTMStateTuple", "Keras LSTM cells keep their state as a list `[h, c]`; pass `initial_state=[h, c]` to the `tf.keras.layers.LSTM` / `RNN` layer", "tf.keras.layers.LSTM"),
    _contrib("framework.get_or_create_global_step", "count steps with `optimizer.iterations` (or a `tf.Variable(0)` you increment)", "tf.Variable"),
)


def _tf(name: str, advice: str, *use: str, compat: bool = False) -> Removal:
    return Removal(name, "tf", advice, tuple(use), in_compat_v1=compat)


REMOVED_TF: tuple[Removal, ...] = (
    _tf(
        "tf.examples.tutorials.mnist",
        "the tutorial MNIST reader is gone: use `tf.keras.datasets.mnist.load_data()` (numpy arrays; scale to [0, 1] "
        "and one-hot encode yourself, batch with `tf.data`)",
        "tf.keras.datasets.mnist.load_data",
    ),
    _tf("tf.examples", "TensorFlow no longer ships `tensorflow.examples`: use `tf.keras.datasets` for the data", "tf.keras.datasets"),
    _tf(
        "tf.estimator",
        "`tf.estimator` is gone in TF 2.16+ (even from tf.compat.v1): rewrite the model_fn as a `tf.keras.Model` and "
        "train it with `Model.fit` (or a `tf.GradientTape` loop)",
        "tf.keras.Model",
    ),
    _tf("tensorflow_estimator", "the estimator package is gone in TF 2.16+: use a `tf.keras.Model` and `Model.fit`", "tf.keras.Model"),
    _tf("tf.flags", "use absl directly: `from absl import flags` (same DEFINE_* functions and FLAGS)", "absl.flags", compat=True),
    _tf("tf.app.flags", "use absl directly: `from absl import flags` (same DEFINE_* functions and FLAGS)", "absl.flags", compat=True),
    _tf("tf.app", "use absl directly: `from absl import app; app.run(main)`", "absl.app", compat=True),
    _tf(
        "tf.logging",
        "use `from absl import logging` (same info/warning/error/set_verbosity; levels are `logging.INFO`, ...)",
        "absl.logging",
        compat=True,
    ),
    _tf(
        "tf.train.Saver",
        "use `tf.train.Checkpoint(model=..., optimizer=...)` with `.save()` / `.restore()` (or `model.save_weights`); "
        "TF1 checkpoints are read by name with `tf.train.load_checkpoint`",
        "tf.train.Checkpoint",
        "tf.train.load_checkpoint",
        compat=True,
    ),
    _tf(
        "tf.saved_model.loader",
        "use `tf.saved_model.load(export_dir)` (no session; call `.signatures['serving_default']`)",
        "tf.saved_model.load",
        compat=True,
    ),
    _tf(
        "tf.saved_model.builder",
        "use `tf.saved_model.save(obj, export_dir, signatures=...)` (or `model.export(...)`)",
        "tf.saved_model.save",
        compat=True,
    ),
    _tf(
        "tf.saved_model.simple_save",
        "use `tf.saved_model.save(obj, export_dir, signatures=...)` (or `model.export(...)`)",
        "tf.saved_model.save",
        compat=True,
    ),
    _tf(
        "tf.summary.FileWriter",
        "use `writer = tf.summary.create_file_writer(logdir)` and write inside `with writer.as_default():` "
        "(`tf.summary.scalar(name, value, step=step)`); graphs are traced with `tf.summary.trace_on`",
        "tf.summary.create_file_writer",
        "tf.summary.trace_on",
        compat=True,
    ),
)


def _keras(name: str, advice: str, *use: str) -> Removal:
    return Removal(name, "keras", advice, tuple(use))


_LAYER_MODULE = "Keras 3 has no `{}` module: import the layers from `keras.layers` (or `tf.keras.layers`)"

REMOVED_KERAS: tuple[Removal, ...] = (
    _keras("keras.engine", "Keras 3 has no `keras.engine`: import `Layer`, `InputSpec` from `keras.layers`, `Model`, `Input` from `keras`", "keras.layers.Layer", "keras.Model"),
    _keras("keras.engine.topology", "Keras 3 has no `keras.engine.topology`: `Layer` and `InputSpec` are in `keras.layers`, `Input` and `Model` in `keras`", "keras.layers.Layer", "keras.layers.InputSpec", "keras.Input"),
    _keras("keras.layers.merge", "Keras 3 has no `keras.layers.merge`: use `keras.layers.Concatenate` / `Add` / `Multiply` (or `concatenate(...)`, `add(...)`)", "keras.layers.Concatenate", "keras.layers.Add"),
    _keras("keras.layers.Merge", "the Keras 1 `Merge` layer is gone: use `keras.layers.Concatenate` / `Add` / `Multiply`", "keras.layers.Concatenate"),
    *(
        _keras(f"keras.layers.{module}", _LAYER_MODULE.format(f"keras.layers.{module}"), "keras.layers.Dense")
        for module in (
            "core", "convolutional", "recurrent", "pooling", "normalization", "embeddings", "advanced_activations",
            "wrappers", "noise", "local", "convolutional_recurrent", "cudnn_recurrent",
        )
    ),
    _keras("keras.layers.CuDNNLSTM", "use `keras.layers.LSTM` (it uses cuDNN on a GPU with the default arguments)", "keras.layers.LSTM"),
    _keras("keras.layers.CuDNNGRU", "use `keras.layers.GRU(..., reset_after=True)` (cuDNN on a GPU with the default arguments)", "keras.layers.GRU"),
    _keras("keras.layers.AtrousConvolution2D", "use `keras.layers.Conv2D(..., dilation_rate=rate)`", "keras.layers.Conv2D"),
    _keras("keras.layers.Deconvolution2D", "use `keras.layers.Conv2DTranspose`", "keras.layers.Conv2DTranspose"),
    _keras("keras.layers.Highway", "Keras 3 has no `Highway` layer: write it as a custom layer (two `Dense` layers and a gate)", "keras.layers.Dense"),
    _keras("keras.layers.MaxoutDense", "Keras 3 has no `MaxoutDense` layer: use `Dense(units * k)` followed by a reshape and a max over k", "keras.layers.Dense"),
    _keras("keras.layers.LocallyConnected1D", "Keras 3 has no locally connected layers: use `Conv1D` or implement the layer; `tf_keras` (Keras 2) still has it", "keras.layers.Conv1D"),
    _keras("keras.layers.LocallyConnected2D", "Keras 3 has no locally connected layers: use `Conv2D` or implement the layer; `tf_keras` (Keras 2) still has it", "keras.layers.Conv2D"),
    _keras("keras.layers.DenseFeatures", "feature columns are gone from Keras 3: use `keras.utils.FeatureSpace` or preprocessing layers", "keras.utils.FeatureSpace"),
    _keras(
        "keras.wrappers.scikit_learn",
        "Keras 2's `KerasClassifier(build_fn, **sk_params)` has no drop-in (tf_keras has none either): use SciKeras "
        "(`pip install scikeras`; `scikeras.wrappers.KerasClassifier(model=build_fn, batch_size=..., epochs=...)`, the "
        "build function's arguments routed as `model__name=`, also as a grid search's `param_grid` keys; one-hot "
        "targets and `predict_proba` as in Keras 2; the fitted model is `.model_`, not `.model`) or Keras 3's "
        "`keras.wrappers.SKLearnClassifier(model=build_fn, model_kwargs={...}, fit_kwargs={...})`, which differs "
        "more: it calls `build_fn(X=..., y=..., **model_kwargs)`, takes 1-D class labels only (one-hot: ValueError), "
        "has no `predict_proba` (`scoring='neg_log_loss'` gives nan scores), and a grid search varies whole "
        "`model_kwargs` / `fit_kwargs` dicts",
        "keras.wrappers.SKLearnClassifier",
        "keras.wrappers.SKLearnRegressor",
    ),
    _keras("keras.utils.np_utils", "use `keras.utils.to_categorical` (and numpy directly for the rest)", "keras.utils.to_categorical"),
    _keras("keras.utils.generic_utils", "Keras 3 has no `keras.utils.generic_utils`: `Progbar`, `get_custom_objects`, `serialize_keras_object` are in `keras.utils` / `keras.saving`", "keras.utils.Progbar", "keras.saving.get_custom_objects"),
    _keras("keras.utils.data_utils", "Keras 3 has no `keras.utils.data_utils`: `Sequence`, `get_file` are in `keras.utils` (`PyDataset` is the Keras 3 name of `Sequence`)", "keras.utils.PyDataset", "keras.utils.get_file"),
    _keras("keras.utils.vis_utils", "Keras 3 has no `keras.utils.vis_utils`: use `keras.utils.plot_model` / `model_to_dot`", "keras.utils.plot_model"),
    _keras("keras.utils.conv_utils", "Keras 3 has no `keras.utils.conv_utils` (it was private): compute output shapes with `layer.compute_output_shape`"),
    _keras("keras.utils.io_utils", "Keras 3 has no `keras.utils.io_utils`: use `h5py` / `keras.saving` directly", "keras.saving.load_model"),
    _keras("keras.utils.layer_utils", "Keras 3 has no `keras.utils.layer_utils`: `count_params` is `model.count_params()`, `print_summary` is `model.summary()`"),
    _keras("keras.utils.multi_gpu_utils", "use `tf.distribute.MirroredStrategy()` and build the model in `strategy.scope()`", "tf.distribute.MirroredStrategy"),
    _keras("keras.utils.multi_gpu_model", "use `tf.distribute.MirroredStrategy()` and build the model in `strategy.scope()`", "tf.distribute.MirroredStrategy"),
    _keras("keras.utils.training_utils", "use `tf.distribute.MirroredStrategy()` and build the model in `strategy.scope()`", "tf.distribute.MirroredStrategy"),
    _keras("keras.models.model_from_yaml", "YAML model configs are gone: save the architecture with `model.to_json()` and load it with `keras.models.model_from_json`", "keras.models.model_from_json"),
    _keras("keras.initializers.normal", "use `keras.initializers.RandomNormal(mean, stddev)`", "keras.initializers.RandomNormal"),
    _keras("keras.initializers.uniform", "use `keras.initializers.RandomUniform(minval, maxval)`", "keras.initializers.RandomUniform"),
    _keras(
        "keras.backend._get_available_gpus",
        "Keras 3 has no `_get_available_gpus`: list them with `tf.config.list_logical_devices('GPU')` (names like "
        "'/device:GPU:0', as Keras 2 returned)",
        "tf.config.list_logical_devices",
    ),
    _keras(
        "keras.backend.tensorflow_backend",
        "Keras 3 has no `backend.tensorflow_backend`: list GPUs with `tf.config.list_physical_devices('GPU')`; the backend "
        "functions are in `keras.ops` / `keras.backend`",
        "tf.config.list_physical_devices",
        "keras.ops",
    ),
    _keras(
        "keras.backend.set_image_dim_ordering",
        "use `keras.backend.set_image_data_format('channels_last')` ('tf' ordering) or `'channels_first'` ('th')",
        "keras.backend.set_image_data_format",
    ),
    _keras(
        "keras.backend.image_dim_ordering",
        "use `keras.backend.image_data_format()` (`'channels_last'` was 'tf', `'channels_first'` was 'th')",
        "keras.backend.image_data_format",
    ),
    _keras("keras.callbacks.tensorboard_v1", "use `keras.callbacks.TensorBoard`", "keras.callbacks.TensorBoard"),
    _keras(
        "keras.backend.function",
        "Keras 3 has no `backend.function`: build a `keras.Model(inputs, outputs)` and call it, or wrap the computation in `tf.function`",
        "keras.Model",
        "tf.function",
    ),
    _keras("keras.backend.placeholder", "Keras 3 has no placeholders: use `keras.Input(shape=...)` in a functional model, or pass tensors eagerly", "keras.Input"),
    _keras("keras.backend.get_session", "Keras 3 has no session: run eagerly (call the model, `.numpy()`); `tf.compat.v1.Session` only in TF1 graph mode"),
    _keras("keras.backend.set_session", "Keras 3 has no session to set: remove the call; configure devices with `tf.config` (e.g. `tf.config.experimental.set_memory_growth`)", "tf.config.experimental.set_memory_growth"),
    _keras("keras.backend.get_graph", "Keras 3 has no global graph: remove it, or trace with `tf.function` (`f.get_concrete_function().graph`)", "tf.function"),
    _keras("keras.backend.learning_phase", "Keras 3 has no learning phase: pass `training=True/False` when calling the model or layer"),
    _keras("keras.backend.set_learning_phase", "Keras 3 has no learning phase: pass `training=True/False` when calling the model or layer"),
)

# Keyword arguments Keras 3 rejects ("Argument(s) not recognized"): canonical callee prefix -> {keyword: advice}.
REMOVED_KERAS_KEYWORDS: dict[str, dict[str, str]] = {
    "keras.optimizers": {"lr": "write `learning_rate=` (Keras 3 rejects `lr=`)"},
}

# Keras 2 `Model` methods that Keras 3 dropped: method name -> advice.
REMOVED_KERAS_METHODS: dict[str, str] = {
    "fit_generator": "use `model.fit(generator_or_dataset, ...)` (same steps_per_epoch / epochs / callbacks)",
    "evaluate_generator": "use `model.evaluate(generator_or_dataset, ...)`",
    "predict_generator": "use `model.predict(generator_or_dataset, ...)`",
    "predict_classes": "use `np.argmax(model.predict(x), axis=-1)` (sigmoid output: `(model.predict(x) > 0.5).astype('int32')`)",
    "predict_proba": "use `model.predict(x)` (it returns the probabilities)",
}
# Keras 2 `Layer` methods reading one call (node) of a layer, which Keras 3 dropped (AttributeError): method -> advice.
_NODE_ADVICE = (
    "Keras 3 layers keep no public per-call {what}: for the layer's first call (index 0) read `layer.{attribute}`; for "
    "another call of a shared layer keep the tensor that call {verb} (`y = layer(x)`)"
)
REMOVED_LAYER_METHODS: dict[str, str] = {
    "get_output_at": _NODE_ADVICE.format(what="outputs", attribute="output", verb="returned"),
    "get_input_at": _NODE_ADVICE.format(what="inputs", attribute="input", verb="was given"),
    "get_output_shape_at": _NODE_ADVICE.format(what="output shapes", attribute="output.shape", verb="returned"),
    "get_input_shape_at": _NODE_ADVICE.format(what="input shapes", attribute="input.shape", verb="was given"),
    "get_output_mask_at": "Keras 3 layers keep no per-call masks: compute it with `layer.compute_mask(inputs, mask)`",
    "get_input_mask_at": "Keras 3 layers keep no per-call masks: keep the mask of the tensor that call was given",
}
REMOVED_KERAS_METHODS.update(REMOVED_LAYER_METHODS)
# TF 1.x `tf.data.Dataset` methods TF 2 dropped (distinctive names: flagged on any receiver): method -> advice.
REMOVED_TF_METHODS: dict[str, str] = {
    "make_one_shot_iterator": "iterate the dataset (`for batch in dataset`, `next(iter(dataset))`) or pass it to `model.fit(dataset)`; TF1 graph code: `tf.compat.v1.data.make_one_shot_iterator(dataset)`",
    "make_initializable_iterator": "iterate the dataset (`for batch in dataset`, a new `iter(dataset)` to restart) or pass it to `model.fit(dataset)`; TF1 graph code: `tf.compat.v1.data.make_initializable_iterator(dataset)`",
}
# Method names distinctive enough to flag on any receiver in a file that uses Keras.
DISTINCTIVE_KERAS_METHODS = frozenset({"fit_generator", "evaluate_generator", "predict_generator", *REMOVED_LAYER_METHODS})

ALL: tuple[Removal, ...] = CONTRIB + REMOVED_TF + REMOVED_KERAS


@cache
def _by_name() -> dict[str, Removal]:
    table: dict[str, Removal] = {}
    for removal in ALL:
        if removal.name in table:
            raise RuntimeError(f"removed_apis: {removal.name} listed twice")
        table[removal.name] = removal
    return table


def find(canonical: str) -> Removal | None:
    """The most specific entry for a canonical dotted name (or a prefix of it), or None."""
    table = _by_name()
    parts = canonical.split(".")
    for end in range(len(parts), 0, -1):
        removal = table.get(".".join(parts[:end]))
        if removal is not None:
            return removal
    return None


def removed_keyword(canonical_callee: str, keyword: str) -> str | None:
    """Advice for a keyword Keras 3 rejects on this callee (`keras.optimizers.SGD`, `lr`), or None."""
    for prefix, keywords in REMOVED_KERAS_KEYWORDS.items():
        if canonical_callee.startswith(prefix + ".") and keyword in keywords:
            return keywords[keyword]
    return None


def removed_method(name: str) -> str | None:
    """Advice for a Keras 2 `Model` or `Layer` method Keras 3 dropped, or None."""
    return REMOVED_KERAS_METHODS.get(name)
