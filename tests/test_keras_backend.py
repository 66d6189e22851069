"""The Keras 2 backend rules (TFM501-TFM505) without TensorFlow: the table, and the cases the golden
fixtures do not show (the numbers are proven in tests/test_keras_backend_exec.py)."""

from __future__ import annotations

import re

from tf2migrate.codemods import keras_api, keras_backend
from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

_TARGET = re.compile(r"(?<![\w.])keras\.[\w.]+")


def _migrate(source: str):
    return migrate_text(source, Selection(), filename="case.py")


def test_every_written_keras_name_exists_in_keras_3():
    written = set()
    for entry in keras_backend.table().values():
        sources = [entry.get("target", "")] + [form["expr"] for form in entry.get("forms", [])]
        for source in sources:
            written.update(_TARGET.findall(source))
    assert written
    missing = sorted(name for name in written if not keras_api.exists("tensorflow." + name))
    assert missing == []


def test_every_kind_is_known_and_manual_entries_say_what_to_do():
    for name, entry in keras_backend.table().items():
        assert entry["kind"] in ("op", "rewrite", "keep", "manual", "owned"), name
        if entry["kind"] in ("manual", "owned", "rewrite"):
            assert entry.get("note"), name


def test_keras_bound_to_something_else_is_reported_not_rewritten():
    source = "from keras import backend as K\nfrom mylib import keras\ny = K.sum(x)\n"
    result = _migrate(source)
    assert result.text == source
    assert [(f.code, f.fix.value) for f in result.findings] == [("TFM503", "manual")]


def test_import_keras_added_once_and_output_is_a_fixed_point():
    source = "import tensorflow as tf\n\ndef f(x):\n    return tf.keras.backend.mean(x) + tf.keras.backend.argmax(x)\n"
    first = _migrate(source)
    assert first.text.count("import keras\n") == 1
    assert "keras.ops.argmax(x, axis=-1)" in first.text
    assert _migrate(first.text).text == first.text


def test_gradient_used_after_the_function_is_reported():
    source = (
        "from keras import backend as K\n"
        "loss = K.mean(model.output)\n"
        "grads = K.gradients(loss, model.input)[0]\n"
        "f = K.function([model.input], [loss, grads])\n"
        "print(grads)\n"
    )
    result = _migrate(source)
    assert "GradientTape" not in result.text
    assert ("TFM504", "manual") in [(f.code, f.fix.value) for f in result.findings]


def test_argument_evaluated_twice_is_not_duplicated():
    result = _migrate("from keras import backend as K\ny = K.batch_flatten(layer(x))\nz = K.batch_flatten(x)\n")
    assert "keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))" in result.text
    assert "K.batch_flatten(layer(x))" in result.text


def test_files_without_backend_are_not_visited():
    assert not keras_backend.KerasBackend.wanted("import keras\nmodel = keras.Sequential()\n", Selection())
