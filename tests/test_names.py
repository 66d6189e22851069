"""Name resolution: every import style of the same TensorFlow/Keras object resolves to one canonical name."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from tf2migrate.codemods import names


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self) -> None:
        self.calls: list[str | None] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(names.resolve(self, node))


def resolved_calls(code: str) -> list[str | None]:
    collector = _Collector()
    MetadataWrapper(cst.parse_module(code)).visit(collector)
    return collector.calls


@pytest.mark.parametrize(
    "code",
    [
        "import tensorflow as tf\ntf.keras.backend.get_graph()",
        "import tensorflow.compat.v1 as tf\ntf.keras.backend.get_graph()",
        "from tensorflow.keras import backend as K\nK.get_graph()",
        "from keras import backend as K\nK.get_graph()",
        "import keras.backend as K\nK.get_graph()",
        "from tensorflow.python.keras.backend import get_graph\nget_graph()",
        "from tensorflow.python.keras import backend\nbackend.get_graph()",
        "import tensorflow\ntensorflow.keras.backend.get_graph()",
        "import tf_keras as keras\nkeras.backend.get_graph()",
        "from tensorflow import keras\nkeras.backend.get_graph()",
    ],
)
def test_every_import_style_resolves_alike(code):
    assert resolved_calls(code) == ["keras.backend.get_graph"]


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import tensorflow as tf\ntf.Session()", "tf.Session"),
        ("import tensorflow.compat.v1 as tf\ntf.Session()", "tf.Session"),
        ("from tensorflow.compat import v1 as tf\ntf.placeholder()", "tf.placeholder"),
        ("from tensorflow import Session\nSession()", "tf.Session"),
        ("import tensorflow.python.ops.math_ops as m\nm.log()", "tensorflow.python.ops.math_ops.log"),
        ("import numpy as np\nnp.zeros()", "numpy.zeros"),
    ],
)
def test_canonical_names(code, expected):
    assert resolved_calls(code) == [expected]


def test_local_and_shadowed_names_do_not_resolve():
    code = "import tensorflow as tf\ndef f(tf):\n    tf.Session()\ndef g():\n    pass\ng()"
    assert resolved_calls(code) == [None, None]


def test_canonical_function():
    assert names.canonical("tensorflow.compat.v1.keras.layers.Dense") == "keras.layers.Dense"
    assert names.canonical("tensorflow") == "tf"
    assert names.canonical("keras") == "keras"
    assert names.canonical("kerastuner.Tuner") == "kerastuner.Tuner"
    assert names.canonical("tensorflowjs.x") == "tensorflowjs.x"
