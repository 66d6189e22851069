"""The removed-API table (`codemods/removed_apis.py`) checked against the installed TensorFlow 2.21 / Keras 3.15:
every entry is really gone, every named replacement really exists, and the `tf.compat.v1` shims are as stated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from functools import cache

import pytest

from tf2migrate.codemods import removed_apis
from tf2migrate.codemods.removed_apis import ALL, find

PROBE = textwrap.dedent(
    """
    import importlib, json, sys
    import tensorflow as tf
    import keras

    def attr(root, path):
        obj = root
        for part in path:
            try:
                obj = getattr(obj, part)
            except Exception:
                return False
        return True

    def module(name):
        try:
            importlib.import_module(name)
            return True
        except Exception:
            return False

    def exists(name):
        parts = name.split(".")
        if parts[0] == "tf":
            return attr(tf, parts[1:]) or module("tensorflow." + ".".join(parts[1:]))
        if parts[0] == "keras":
            return attr(keras, parts[1:]) or attr(tf.keras, parts[1:]) or module(name) or module("tensorflow." + name)
        return module(name)

    def compat(name):
        parts = name.split(".")
        return parts[0] == "tf" and attr(tf.compat.v1, parts[1:])

    names = json.loads(sys.stdin.read())
    print(json.dumps({name: [exists(name), compat(name)] for name in names}))
    """
)


@cache
def probe(names: tuple[str, ...]) -> dict[str, list[bool]]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], input=json.dumps(list(names)), capture_output=True, text=True, timeout=600, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _all_names() -> tuple[str, ...]:
    names = {r.name for r in ALL} | {u for r in ALL for u in r.use}
    names |= {"keras.Model." + method for method in removed_apis.REMOVED_KERAS_METHODS}
    names |= {"keras.Model.fit", "keras.Model.predict", "keras.Model.evaluate"}
    return tuple(sorted(names))


def test_every_entry_is_gone_from_tf_2_21_and_keras_3():
    result = probe(_all_names())
    still_there = [r.name for r in ALL if result[r.name][0]]
    assert not still_there


def test_compat_v1_shims_are_as_stated():
    result = probe(_all_names())
    wrong = [r.name for r in ALL if r.family == "tf" and r.name.startswith("tf.") and result[r.name][1] != r.in_compat_v1]
    assert not wrong


def test_every_named_replacement_exists():
    result = probe(_all_names())
    missing = sorted({u for r in ALL for u in r.use if not result[u][0]})
    assert not missing


def test_removed_model_methods_are_gone_and_their_replacements_exist():
    result = probe(_all_names())
    assert not [m for m in removed_apis.REMOVED_KERAS_METHODS if result["keras.Model." + m][0]]
    assert all(result[f"keras.Model.{m}"][0] for m in ("fit", "predict", "evaluate"))


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("tf.contrib.layers.xavier_initializer", "tf.contrib.layers.xavier_initializer"),
        ("tf.contrib.layers.repeat", "tf.contrib.layers"),
        ("tf.contrib.rnn.BasicLSTMCell", "tf.contrib.rnn.BasicLSTMCell"),
        ("tf.contrib.whatever.thing", "tf.contrib"),
        ("keras.engine.topology.Layer", "keras.engine.topology"),
        ("keras.layers.merge_x", None),
        ("keras.layers.Concatenate", None),
        ("tf.estimator.Estimator", "tf.estimator"),
        ("tf.app.flags.FLAGS", "tf.app.flags"),
        ("tf.train.Checkpoint", None),
    ],
)
def test_find_matches_whole_dotted_prefixes(name, entry):
    found = find(name)
    assert (found.name if found else None) == entry


def test_advice_names_the_replacement():
    for removal in ALL:
        assert removal.advice.strip()
        for use in removal.use:
            parent, _, last = use.rpartition(".")
            assert last in removal.advice or f"`{parent}" in removal.advice, (removal.name, use)


KEYWORD_PROBE = textwrap.dedent(
    """
    import json
    import keras
    import tensorflow as tf

    result = {}
    for root_name, root in (("keras", keras), ("tf.keras", tf.keras)):
        for name in ("SGD", "Adam", "RMSprop"):
            optimizer = getattr(root.optimizers, name)
            try:
                optimizer(lr=0.1)
                result[f"{root_name}.{name}(lr=)"] = True
            except Exception:
                result[f"{root_name}.{name}(lr=)"] = False
            result[f"{root_name}.{name}(learning_rate=)"] = optimizer(learning_rate=0.1) is not None
    print(json.dumps(result))
    """
)


def test_keras_3_rejects_the_listed_keywords():
    assert removed_apis.removed_keyword("keras.optimizers.SGD", "lr")
    assert removed_apis.removed_keyword("keras.optimizers.SGD", "momentum") is None
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, "-c", KEYWORD_PROBE], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not [k for k, accepted in result.items() if "(lr=)" in k and accepted]
    assert all(accepted for k, accepted in result.items() if "(learning_rate=)" in k)
