"""The Keras 2 -> Keras 3 rules' tables (TFM520-TFM549) checked against the installed Keras 3 / TF 2.21.

The rules never import Keras; these tests do, once, in this process: the modules said to be gone are gone,
the targets they move names to exist, the keywords written exist on the Keras 3 classes, and the decay
schedule computes Keras 2's `lr / (1 + decay * iterations)`.
"""

from __future__ import annotations

import importlib
import inspect
import os

import pytest

from tf2migrate.codemods import keras3_layers, keras3_modules, keras3_training
from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

pytestmark = pytest.mark.tensorflow
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")


@pytest.mark.parametrize("module", sorted(keras3_modules.MODULE_TARGETS))
def test_removed_modules_are_gone_and_targets_exist(module):
    if module in keras3_modules.UNUSABLE:
        with pytest.raises(ImportError):
            importlib.import_module(f"keras.{module}").SGD()
    else:
        with pytest.raises(ImportError):
            importlib.import_module(f"keras.{module}")
    assert not keras3_modules.exists("keras", module) or module in keras3_modules.UNUSABLE
    for target in keras3_modules.MODULE_TARGETS[module]:
        if target.startswith("preprocessing.text"):
            continue  # only TF 2.21's legacy tf.keras serves it (the rule imports it from there)
        importlib.import_module(f"keras.{target}" if target else "keras")


def test_name_tables_agree_with_keras():
    for dotted in ("layers.Dense", "layers.Layer", "utils.to_categorical", "utils.get_source_inputs", "optimizers.schedules.InverseTimeDecay"):
        assert keras3_modules.exists("keras", dotted)
        obj = keras
        for part in dotted.split("."):
            obj = getattr(obj, part)
    assert not keras3_modules.exists("keras", "layers.Merge") and not hasattr(keras.layers, "Merge")


def _parameters(cls) -> set[str]:
    return {p for klass in inspect.getmro(cls) if klass.__init__ is not object.__init__ for p in inspect.signature(klass.__init__).parameters}


def test_keras1_keyword_targets_are_keras3_parameters():
    layer_classes = [getattr(keras.layers, n) for n in dir(keras.layers) if inspect.isclass(getattr(keras.layers, n))]
    accepted = set().union(*(_parameters(c) for c in layer_classes))
    for old, new in keras3_training.KERAS1_KEYWORDS.items():
        assert new in accepted, (old, new)
    for cls, table in keras3_training.KERAS1_CLASS_KEYWORDS.items():
        for old, new in table.items():
            if new is not None:
                assert new in _parameters(getattr(keras.layers, cls)), (cls, old, new)
    assert "output_dim" in _parameters(keras.layers.Embedding)  # why Embedding keeps it
    inputs = keras.Input((2,))
    outputs = keras.layers.Dense(1)(inputs)
    keras.Model(inputs=inputs, outputs=outputs)
    with pytest.raises((TypeError, ValueError)):
        keras.Model(input=inputs, output=outputs)


def test_optimizer_keywords_exist_in_keras3():
    for name, (params, default) in keras3_training.KERAS2_OPTIMIZERS.items():
        accepted = _parameters(getattr(keras.optimizers, name))
        for param in params:
            if param in ("lr", "decay", "schedule_decay"):
                continue
            assert param in accepted, (name, param)
        if default is not None:
            assert float(default) == pytest.approx(float(inspect.signature(getattr(keras.optimizers, name)).parameters["learning_rate"].default))


def test_inverse_time_decay_is_keras2_decay():
    lr, decay = 0.5, 0.05
    schedule = keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)
    for step in range(6):
        assert float(schedule(step)) == pytest.approx(lr / (1 + decay * step), rel=1e-6)


def _build_shapes(module, cls: str, switches: dict[str, bool]) -> list[tuple[int, ...]]:
    layer_class = getattr(module.layers, cls)
    args = {"Dense": (3,), "DepthwiseConv2D": (3,), "BatchNormalization": (), "PReLU": ()}.get(cls, (2, 3))
    rank = {"1D": 3, "3D": 5}.get(next((k for k in ("1D", "3D") if k in cls), ""), 4)
    if cls in ("Dense", "BatchNormalization", "PReLU"):
        rank = 2
    layer = layer_class(*args, **switches)
    layer.build((2,) + (5,) * (rank - 2) + (4,))
    return [tuple(int(d) for d in w.shape) for w in layer.weights]


@pytest.mark.parametrize("cls", sorted(keras3_layers.WEIGHT_INITIALIZERS))
def test_initial_weights_order_is_keras2_get_weights_order(cls):
    """TFM537: each initializer exists on the Keras 3 layer, and the Keras 3 weights come in the order (and shapes)
    of Keras 2's `get_weights()` (tf_keras), with and without the optional weights."""
    tf_keras = pytest.importorskip("tf_keras")
    order = keras3_layers.WEIGHT_INITIALIZERS[cls]
    if not hasattr(keras.layers, cls) or not hasattr(tf_keras.layers, cls):
        pytest.skip(f"{cls} is not a layer of both")
    assert set(order) <= _parameters(getattr(keras.layers, cls)), cls
    switches = sorted({keras3_layers.OPTIONAL_WEIGHTS[i] for i in order if i in keras3_layers.OPTIONAL_WEIGHTS})
    for off in [None, *switches]:
        kwargs = {off: False} if off else {}
        expected = [i for i in order if off is None or keras3_layers.OPTIONAL_WEIGHTS.get(i) != off]
        new, old = _build_shapes(keras, cls, kwargs), _build_shapes(tf_keras, cls, kwargs)
        assert new == old and len(new) == len(expected), (cls, off, new, old)


def test_tensorboard_and_input_arguments():
    """TFM542 drops what Keras 3's TensorBoard lacks and keeps what it has; TFM538 writes `keras.Input(batch_shape=)`."""
    accepted = _parameters(keras.callbacks.TensorBoard)
    assert not set(keras3_layers.TENSORBOARD_DROPPED) & accepted
    assert {"histogram_freq", "write_graph", "write_images", "embeddings_freq", "embeddings_metadata", "update_freq"} <= accepted
    assert "batch_shape" in inspect.signature(keras.Input).parameters
    with pytest.raises((TypeError, ValueError)):
        keras.layers.LSTM(2, batch_size=3)
    assert not hasattr(keras.Sequential(), "reset_states") and hasattr(keras.layers.LSTM(2), "reset_states")


def test_saving_trigger_is_linear_on_comment_banners():
    """A dot followed by a `####` banner made Keras3Saving's text test backtrack exponentially (ssd_keras' model
    files took minutes before any rule ran); the test runs in a subprocess so a regression fails instead of hanging."""
    import subprocess
    import sys

    program = (
        "from tf2migrate.codemods.keras3_saving import Keras3Saving\n"
        "from tf2migrate.selection import Selection\n"
        "text = 'import keras\\nx = 1.\\n' + '#' * 60 + '\\ny.output_shape_ = 2\\n'\n"
        "assert not Keras3Saving.wanted(text, Selection())\n"
        "assert Keras3Saving.wanted('import keras\\nm.save(\"m.keras\")\\n', Selection())\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True, timeout=30)


@pytest.mark.parametrize(
    ("binding", "reported"),
    [
        ("model = keras.Sequential([keras.layers.Dense(1)])", True),
        ("model = keras.models.load_model('m.keras')", True),
        ("model = keras.Model(inputs, outputs)", True),
        ("model = build_model()", False),  # made elsewhere: which object it is is not known here
        ("model = keras.Sequential()\nmodel = other", False),  # bound twice
    ],
)
def test_metrics_names_of_a_keras_model_made_here_is_reported(binding, reported):
    """Keras 3's `metrics_names` is ['loss', 'compile_metrics'] (measured), not one name per metric (TFM539)."""
    text = "import keras\n" + binding + "\nfor value, name in zip(scores, model.metrics_names):\n    print(name, value)\n"
    migration = migrate_text(text, Selection())
    found = [f for f in migration.findings if f.code == "TFM539" and "metrics_names" in f.message]
    assert bool(found) is reported
    assert migration.text == text


def test_an_optimizer_decay_beside_a_rate_callback_is_reported_not_made_a_schedule():
    """A Keras 3 schedule's rate cannot be set: `LearningRateScheduler` would raise TypeError (measured)."""
    text = "from keras.callbacks import ReduceLROnPlateau\nfrom keras.optimizers import SGD\nopt = SGD(lr=0.1, decay=1e-6)\ncb = ReduceLROnPlateau()\n"
    migration = migrate_text(text, Selection())
    assert migration.text == text
    (finding,) = [f for f in migration.findings if f.code == "TFM539"]
    assert finding.fix.value == "manual" and "ReduceLROnPlateau`, line 4" in finding.message
    without = migrate_text("from keras.optimizers import SGD\nopt = SGD(lr=0.1, decay=1e-6)\n", Selection())
    assert "InverseTimeDecay(0.1, decay_steps=1, decay_rate=1e-6)" in without.text
