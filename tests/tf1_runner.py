"""Run a TF1-era program with TF1 semantics on the installed TensorFlow 2.x.

    python tests/tf1_runner.py program.py [args...]

`tensorflow.compat.v1` with v2 behaviour disabled (graph mode, Sessions, placeholders) stands in for
the `tensorflow` module, so `import tensorflow as tf` and `import tensorflow.compat.v1 as tf` both
get the TF1 API. A program that calls `tf.layers.*` or `tf.nn.rnn_cell` (gone with Keras 3) gets them from tf_keras:
`TF_USE_LEGACY_KERAS=1` is set before TensorFlow is imported, TensorFlow's documented route, under which
`tf.compat.v1.layers` is TF1's own code again. The equivalence test compares what the original prints this way with what the
migrated program prints under TF2.
"""

from __future__ import annotations

import os
import runpy
import sys


def needs_legacy_keras(program_text: str) -> bool:
    """TF1's `tf.layers.*` and `tf.nn.rnn_cell` cells (also as `tf.contrib.rnn.*`, tests/tf1_contrib.py) are served by
    tf_keras (Keras 2) on TF 2.16+: the program needs TF_USE_LEGACY_KERAS=1 before TensorFlow loads (`harness.run_tf1`
    sets it for the zygote too)."""
    return "tf.layers." in program_text or "rnn_cell" in program_text or "contrib.rnn" in program_text or "contrib import rnn" in program_text


def contrib_eager(tf1):  # type: ignore[no-untyped-def]
    """TF1's `tf.contrib.eager` for programs that use it, from the implementations TensorFlow still ships:
    `implicit_gradients` was `backprop.implicit_grad`, `Iterator` the eager dataset iterator
    (`iterator_ops.OwnedIterator`), `Variable` the resource variable `tf.Variable` makes under eager execution."""
    import types

    from tensorflow.python.data.ops import iterator_ops
    from tensorflow.python.eager import backprop

    module = types.ModuleType("tensorflow.contrib.eager")
    module.Variable = tf1.Variable
    module.Iterator = iterator_ops.OwnedIterator
    module.implicit_gradients = backprop.implicit_grad
    module.implicit_value_and_gradients = backprop.implicit_val_and_grad
    module.enable_eager_execution = tf1.enable_eager_execution
    contrib = types.ModuleType("tensorflow.contrib")
    contrib.eager = module
    return contrib


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as source:
        text = source.read()
    if needs_legacy_keras(text):
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf1

    tf1.disable_v2_behavior()
    if "contrib" in text:  # TF1's contrib parts the fixtures use (tests/tf1_contrib.py)
        from tf1_contrib import install, install_layers

        install(tf1)
        if "contrib.layers" in text or "contrib.framework" in text:
            install_layers(tf1)
    sys.modules["tensorflow"] = tf1
    with open(sys.argv[1], encoding="utf-8") as source:
        if "contrib.eager" in source.read():
            tf1.contrib = contrib_eager(tf1)
            sys.modules["tensorflow.contrib"] = tf1.contrib
            sys.modules["tensorflow.contrib.eager"] = tf1.contrib.eager
    program = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main()
