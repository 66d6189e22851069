"""Run a Keras 2-era program with Keras 2 semantics on the installed TensorFlow 2.x.

    python tests/keras2_runner.py program.py [args...]

TensorFlow's documented route for Keras 2 code: the `tf_keras` package (Keras 2.x built for this
TensorFlow) with `TF_USE_LEGACY_KERAS=1` set before TensorFlow is first imported, so `tf.keras` is
Keras 2. Standalone-Keras imports (`import keras`, `from keras import backend as K`,
`from keras.layers import Dense`) are served from `tf_keras` too: a finder maps `keras.X` to
`tf_keras.X`, then to `tf_keras.src.X` (where Keras 2 kept `keras.engine`, `keras.utils.np_utils`,
`keras.layers.merge`, ...), then to the few Keras 2.2 module paths listed in `KERAS_22_MODULES`.
The Keras 2 equivalence test compares what the original prints this way with what the migrated
program prints under Keras 3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

# Keras 2.2 module paths that later Keras 2 releases moved; each maps to where tf_keras keeps them.
KERAS_22_MODULES = {
    "keras.engine.topology": "tf_keras.src.engine.base_layer",
    "keras.layers.core": "tf_keras.layers",
    "keras.layers.convolutional": "tf_keras.layers",
    "keras.layers.recurrent": "tf_keras.layers",
    "keras.layers.normalization": "tf_keras.layers",
    "keras.layers.pooling": "tf_keras.layers",
    "keras.layers.embeddings": "tf_keras.layers",
    "keras.layers.merge": "tf_keras.layers",
    "keras.layers.advanced_activations": "tf_keras.layers",
    "keras.layers.wrappers": "tf_keras.layers",
    "keras.layers.convolutional_recurrent": "tf_keras.layers",
    "keras.layers.noise": "tf_keras.layers",
    "keras.layers.local": "tf_keras.layers",
    "keras.layers.cudnn_recurrent": "tf_keras.layers",
    "keras.utils.np_utils": "tf_keras.src.utils.np_utils",
    "keras.utils.generic_utils": "tf_keras.src.utils.generic_utils",
}


def _candidates(name: str) -> list[str]:
    rest = name[len("keras") :]
    found = [KERAS_22_MODULES[name]] if name in KERAS_22_MODULES else []
    return found + [f"tf_keras{rest}", f"tf_keras.src{rest}"]


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):  # noqa: ANN001 - importlib protocol
        return importlib.import_module(self.target)

    def exec_module(self, module) -> None:  # noqa: ANN001 - the aliased module is already executed
        pass


class KerasToTfKeras(importlib.abc.MetaPathFinder):
    """`keras` and `keras.*` imported from `tf_keras` (Keras 2)."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001 - importlib protocol
        if fullname != "keras" and not fullname.startswith("keras."):
            return None
        for candidate in _candidates(fullname):
            try:
                if importlib.util.find_spec(candidate) is None:
                    continue
            except ModuleNotFoundError:
                continue
            return importlib.util.spec_from_loader(fullname, _AliasLoader(candidate))
        return None


# NumPy's aliases of builtins, removed in NumPy 1.24 (`np.float is float` until then): the NumPy Keras 2 ran with.
NUMPY_BUILTIN_ALIASES = {"float": float, "int": int, "bool": bool, "object": object, "str": str, "complex": complex}


def keras2_era_numpy() -> None:
    """Give NumPy back the builtin aliases Keras 2-era code used, where this NumPy lacks them."""
    import numpy

    for name, builtin in NUMPY_BUILTIN_ALIASES.items():
        if name not in numpy.__dict__:
            setattr(numpy, name, builtin)


def main() -> None:
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    keras2_era_numpy()
    sys.meta_path.insert(0, KerasToTfKeras())
    program = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main()
