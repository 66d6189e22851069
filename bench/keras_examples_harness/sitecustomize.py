"""Benchmark harness for `bench/keras_examples.py`: makes Keras example scripts finish in seconds, offline.

Loaded by Python at start-up only in the example processes the benchmark starts (its folder is put on their
PYTHONPATH); tf2migrate itself never imports it. It patches nothing until Keras itself is imported: a
meta-path finder wraps the loading of four modules and, right after each has run, changes the classes or
functions listed below (in Keras 3 `keras.src.backend.tensorflow.trainer` and in Keras 2 `tf_keras.src.*`, which `tests/keras2_runner.py`
serves as `keras`):

- `Model.fit` / `fit_generator`: one epoch (`epochs=1`, `initial_epoch=0`); array inputs cut to the first
  `KERAS_EXAMPLES_SAMPLES` samples (default 256; validation arrays to a quarter of that); for generators and
  datasets at most 3 steps per epoch and 2 validation steps.
- `Model.evaluate` (+ `evaluate_generator`): array inputs cut the same way; for generators and datasets (also
  `predict` / `predict_generator`) at most 3 steps. `predict` on arrays is left whole: scripts compare its
  output with their full label arrays.
- `Model.train_on_batch`: after `KERAS_EXAMPLES_BATCHES` calls (default 10), and `fit` / `fit_generator`: after
  `KERAS_EXAMPLES_FITS` calls (default 5), the program ends with exit code 0 and prints `HARNESS: training
  capped` on stderr (custom loops such as a GAN's, or `addition_rnn`'s 200 `fit` calls, would otherwise run
  for hours); the benchmark reports such a run as "ran (capped)".
- `mnist.load_data`'s `get_file`: the file hash is not checked, so the synthetic `mnist.npz` the benchmark puts
  in the Keras cache is used instead of a download (no network).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import inspect
import os
import sys

SAMPLES = int(os.environ.get("KERAS_EXAMPLES_SAMPLES", "256"))
BATCHES = int(os.environ.get("KERAS_EXAMPLES_BATCHES", "10"))
FITS = int(os.environ.get("KERAS_EXAMPLES_FITS", "5"))
STEPS = 3

MODEL_MODULES = {"keras.src.backend.tensorflow.trainer", "tf_keras.src.engine.training"}
MNIST_MODULES = {"keras.src.datasets.mnist", "tf_keras.src.datasets.mnist"}


def _cut(value, n: int):  # noqa: ANN001, ANN202 - arrays, lists or dicts of arrays
    if isinstance(value, (list, tuple)) and value and all(hasattr(v, "shape") for v in value):
        return type(value)(_cut(v, n) for v in value)
    if isinstance(value, dict):
        return {k: _cut(v, n) for k, v in value.items()}
    shape = getattr(value, "shape", None)
    if shape is not None and type(value).__module__.startswith("numpy") and len(shape) and shape[0] > n:
        return value[:n]
    return value


def _is_arrays(value) -> bool:  # noqa: ANN001
    if isinstance(value, (list, tuple, dict)):
        items = value.values() if isinstance(value, dict) else value
        return all(_is_arrays(v) for v in items)
    return type(value).__module__.startswith("numpy")


def _min(value, cap: int) -> int:  # noqa: ANN001
    return cap if value is None else min(int(value), cap)


def _wrap(cls, name: str, change) -> None:  # noqa: ANN001
    original = getattr(cls, name, None)
    if original is None or getattr(original, "_harness", False):
        return
    signature = inspect.signature(original)

    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        bound = signature.bind(*args, **kwargs)
        change(bound.arguments)
        return original(*bound.args, **bound.kwargs)

    wrapper._harness = True  # type: ignore[attr-defined]
    wrapper.__name__ = name
    setattr(cls, name, wrapper)


def _fit(arguments: dict) -> None:
    _count("fit", FITS)
    arguments["epochs"] = 1
    if "initial_epoch" in arguments:
        arguments["initial_epoch"] = 0
    x = arguments.get("x", arguments.get("generator"))
    if x is not None and _is_arrays(x):
        for key in ("x", "y", "sample_weight"):
            if key in arguments:
                arguments[key] = _cut(arguments[key], SAMPLES)
    else:
        arguments["steps_per_epoch"] = _min(arguments.get("steps_per_epoch"), STEPS)
    validation = arguments.get("validation_data")
    if validation is not None:
        if isinstance(validation, (list, tuple)) and _is_arrays(validation):
            arguments["validation_data"] = type(validation)(_cut(v, max(SAMPLES // 4, 1)) for v in validation)
        else:
            arguments["validation_steps"] = _min(arguments.get("validation_steps"), 2)


def _predict(arguments: dict) -> None:
    x = arguments.get("x", arguments.get("generator"))
    if x is not None and not _is_arrays(x):
        arguments["steps"] = _min(arguments.get("steps"), STEPS)


def _evaluate(arguments: dict) -> None:
    x = arguments.get("x", arguments.get("generator"))
    if x is not None and _is_arrays(x):
        for key in ("x", "y", "sample_weight"):
            if key in arguments:
                arguments[key] = _cut(arguments[key], SAMPLES)
    else:
        arguments["steps"] = _min(arguments.get("steps"), STEPS)


_calls = {"train_on_batch": 0, "fit": 0}


def _count(kind: str, cap: int) -> None:
    _calls[kind] += 1
    if _calls[kind] > cap:
        print("HARNESS: training capped", file=sys.stderr, flush=True)
        sys.stdout.flush()
        os._exit(0)


def _train_on_batch(arguments: dict) -> None:
    _count("train_on_batch", BATCHES)


def _patch_models(module) -> None:  # noqa: ANN001
    cls = getattr(module, "TensorFlowTrainer", None) or getattr(module, "Model")
    for name in ("fit", "fit_generator"):
        _wrap(cls, name, _fit)
    for name in ("evaluate", "evaluate_generator"):
        _wrap(cls, name, _evaluate)
    for name in ("predict", "predict_generator"):
        _wrap(cls, name, _predict)
    _wrap(cls, "train_on_batch", _train_on_batch)


def _patch_mnist(module) -> None:  # noqa: ANN001
    original = module.get_file

    def get_file(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        kwargs["file_hash"] = None
        return original(*args, **kwargs)

    module.get_file = get_file


class _Loader(importlib.abc.Loader):
    def __init__(self, loader, patch) -> None:  # noqa: ANN001
        self.loader = loader
        self.patch = patch

    def create_module(self, spec):  # noqa: ANN001, ANN201
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:  # noqa: ANN001
        self.loader.exec_module(module)
        self.patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001, ANN201
        if fullname in MODEL_MODULES:
            patch = _patch_models
        elif fullname in MNIST_MODULES:
            patch = _patch_mnist
        else:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _Loader(spec.loader, patch)
        return spec


sys.meta_path.insert(0, _Finder())
