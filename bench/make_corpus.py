"""Build a large synthetic Python corpus for the benchmark, deterministically from a seed.

    python3 bench/make_corpus.py OUT_DIR [--files 2000] [--seed 7]

The same seed and file count always give the same bytes. The mix imitates a repository that grew up
on TensorFlow 1.x (the shares are of the file count):

* ~64% modules that never mention TensorFlow or Keras: helpers, data classes, argparse scripts,
  numpy code, tests (the text prefilter should skip them without parsing);
*  ~2% modules that mention "keras"/"tensorflow" only in a comment or string (prefilter false positives);
* ~13% TF1 scripts: placeholders, variables, a Session, feed_dict training loops, `tf.layers`, renamed ops;
* ~12% Keras layer/model modules: custom layers with raw `tf.Variable`s, `K.get_session()`,
  `tensorflow.python.keras` imports, `get_graph()` handles;
*  ~8% code already written for TF2 (tf.function, GradientTape, Keras 3 layers);
*  ~1% big files of 2000-3500 lines (half with TensorFlow, half without).

Every template is written here (no third-party code); every file is checked to parse before it is written.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import sys

WORDS = (
    "alpha beta gamma delta signal frame batch record sample token vector matrix tensor image audio text "
    "label score weight bias kernel encoder decoder block stage layer head proj gate cell state cache "
    "buffer window patch pixel region anchor target source feature embed mask loss metric step epoch"
).split()


class Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def ident(self, parts: int = 2) -> str:
        return "_".join(self.rng.choice(WORDS) for _ in range(parts))

    def cls(self, suffix: str = "") -> str:
        return "".join(self.rng.choice(WORDS).capitalize() for _ in range(2)) + suffix


# --------------------------------------------------------------------------------------------------
# Modules without TensorFlow
# --------------------------------------------------------------------------------------------------


def plain_function(n: Names) -> str:
    name, a, b = n.ident(), n.word(), n.word() + "_count"
    k = n.rng.randint(2, 9)
    return f'''
def {name}({a}, {b}={k}, *, strict=False):
    """Combine {a} with up to {b} neighbours."""
    result = []
    for index, item in enumerate({a}):
        if strict and item is None:
            raise ValueError(f"missing item at {{index}}")
        if index % {k} == 0:
            result.append((index, item))
        elif isinstance(item, (list, tuple)):
            result.extend(item[:{b}])
        else:
            result.append(item)
    return {{"{a}": result, "total": len(result)}}
'''


def plain_class(n: Names) -> str:
    name = n.cls()
    fields = [n.word() + f"_{i}" for i in range(n.rng.randint(2, 6))]
    field_lines = "\n".join(f"    {f}: int = {i}" for i, f in enumerate(fields))
    sum_expr = " + ".join(f"self.{f}" for f in fields)
    return f'''
@dataclass
class {name}:
    """A record of {", ".join(fields)}."""

{field_lines}
    tags: list = field(default_factory=list)

    def total(self) -> int:
        return {sum_expr}

    def scaled(self, factor: float) -> "{name}":
        return {name}({", ".join(f"{f}=int(self.{f} * factor)" for f in fields)})

    def __str__(self) -> str:
        return f"{name}(total={{self.total()}}, tags={{len(self.tags)}})"
'''


def plain_numpy(n: Names) -> str:
    name, x = n.ident(), n.word()
    return f'''
def {name}({x}, axis=-1, eps=1e-6):
    {x} = np.asarray({x}, dtype=np.float32)
    mean = {x}.mean(axis=axis, keepdims=True)
    std = {x}.std(axis=axis, keepdims=True)
    normed = ({x} - mean) / (std + eps)
    return np.clip(normed, -{n.rng.randint(3, 9)}.0, {n.rng.randint(3, 9)}.0)
'''


def plain_module(n: Names) -> str:
    kind = n.rng.random()
    parts = ['"""' + f"Utilities for {n.word()} {n.word()} processing." + '"""', ""]
    if kind < 0.3:
        parts += ["import argparse", "import json", "import sys", "", ""]
        body = [plain_function(n) for _ in range(n.rng.randint(2, 6))]
        body.append(
            f'''
def main(argv=None):
    parser = argparse.ArgumentParser(description="{n.word()} tool")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--{n.word()}", type=int, default={n.rng.randint(1, 50)})
    args = parser.parse_args(argv)
    for path in args.paths:
        with open(path) as handle:
            print(json.dumps({{"path": path, "size": len(handle.read())}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''
        )
    elif kind < 0.6:
        parts += ["from dataclasses import dataclass, field", "", ""]
        body = [plain_class(n) for _ in range(n.rng.randint(2, 5))]
    elif kind < 0.85:
        parts += ["import numpy as np", "", ""]
        body = [plain_numpy(n) for _ in range(n.rng.randint(2, 7))]
    else:
        parts += ["import unittest", "", ""]
        tests = "\n".join(
            f"    def test_{n.ident()}_{i}(self):\n        self.assertEqual(sorted([{i}, 1, 0]), [0, 1, {i}] if {i} > 1 else sorted([{i}, 1, 0]))\n"
            for i in range(n.rng.randint(3, 12))
        )
        body = [f"\nclass Test{n.cls()}(unittest.TestCase):\n{tests}"]
    return "\n".join(parts) + "\n".join(body)


def false_positive_module(n: Names) -> str:
    return (
        f'"""Config for the {n.word()} service (ported from the old keras prototype)."""\n\n'
        f'BACKEND = "tensorflow"  # historical: the model was trained with keras\n'
        + plain_module(n).split("\n", 1)[1]
    )


# --------------------------------------------------------------------------------------------------
# TensorFlow 1.x scripts
# --------------------------------------------------------------------------------------------------


def tf1_model_fn(n: Names, tf: str) -> str:
    name = n.ident()
    units = n.rng.choice((32, 64, 128, 256))
    return f'''
def {name}(inputs, is_training, keep_prob=0.8):
    with {tf}.variable_scope("{name}", reuse={tf}.AUTO_REUSE):
        w = {tf}.get_variable("w", shape=[inputs.shape[-1], {units}], initializer={tf}.glorot_uniform_initializer())
        b = {tf}.get_variable("b", shape=[{units}], initializer={tf}.zeros_initializer())
        hidden = {tf}.nn.relu({tf}.matmul(inputs, w) + b)
        hidden = {tf}.nn.dropout(hidden, keep_prob=keep_prob)
        hidden = {tf}.layers.dense(hidden, {units // 2}, activation={tf}.nn.relu)
        logits = {tf}.layers.dense(hidden, 10)
        {tf}.summary.histogram("{name}_logits", logits)
        return logits
'''


def tf1_script(n: Names) -> str:
    style = n.rng.random()
    if style < 0.6:
        header, tf = "import numpy as np\nimport tensorflow as tf\n", "tf"
    elif style < 0.85:
        header, tf = "import numpy as np\nimport tensorflow.compat.v1 as tf\n\ntf.disable_v2_behavior()\n", "tf"
    else:
        header, tf = "import numpy as np\nimport tensorflow as tensorflow_lib\n", "tensorflow_lib"
    features = n.rng.choice((8, 16, 32, 784))
    lr = n.rng.choice(("0.01", "0.001", "0.1"))
    steps = n.rng.randint(5, 500)
    helpers = "".join(tf1_model_fn(n, tf) for _ in range(n.rng.randint(1, 4)))
    loss_name = n.ident()
    ops = n.rng.sample(
        [
            f"    {loss_name}_log = {tf}.log(1.0 + {tf}.reduce_sum(logits, axis=1))\n",
            f"    {loss_name}_sq = {tf}.squared_difference(logits, {tf}.to_float(labels))\n",
            f"    {loss_name}_mean = {tf}.reduce_mean(logits, keep_dims=True)\n",
            f"    {loss_name}_arg = {tf}.arg_max(logits, 1)\n",
            f"    {loss_name}_sel = {tf}.where({tf}.greater(logits, 0.0), logits, {tf}.zeros_like(logits))\n",
        ],
        k=n.rng.randint(1, 4),
    )
    return f'''"""Train a small classifier on synthetic {n.word()} data (TensorFlow 1.x style)."""
{header}
FEATURES = {features}
LEARNING_RATE = {lr}
{helpers}

def build_graph():
    inputs = {tf}.placeholder({tf}.float32, shape=[None, FEATURES], name="inputs")
    labels = {tf}.placeholder({tf}.int64, shape=[None], name="labels")
    is_training = {tf}.placeholder_with_default(False, shape=[])
    logits = {helpers.split("def ", 2)[1].split("(", 1)[0]}(inputs, is_training)
{"".join(ops)}    loss = {tf}.reduce_mean({tf}.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    global_step = {tf}.train.get_or_create_global_step()
    train_op = {tf}.train.AdamOptimizer(LEARNING_RATE).minimize(loss, global_step=global_step)
    accuracy = {tf}.reduce_mean({tf}.cast({tf}.equal({tf}.argmax(logits, 1), labels), {tf}.float32))
    return inputs, labels, is_training, loss, train_op, accuracy


def main():
    graph = {tf}.get_default_graph()
    inputs, labels, is_training, loss, train_op, accuracy = build_graph()
    init = {tf}.global_variables_initializer()
    saver = {tf}.train.Saver(max_to_keep={n.rng.randint(1, 5)})
    rng = np.random.RandomState({n.rng.randint(0, 10_000)})
    with {tf}.Session(graph=graph) as sess:
        sess.run(init)
        for step in range({steps}):
            x = rng.normal(size=(32, FEATURES)).astype(np.float32)
            y = rng.randint(0, 10, size=(32,))
            _, value = sess.run([train_op, loss], feed_dict={{inputs: x, labels: y, is_training: True}})
            if step % 50 == 0:
                acc = sess.run(accuracy, feed_dict={{inputs: x, labels: y}})
                print("step", step, "loss", value, "accuracy", acc)
        saver.save(sess, "/tmp/{n.ident()}/model.ckpt")


if __name__ == "__main__":
    main()
'''


# --------------------------------------------------------------------------------------------------
# Keras layer / model modules (Keras 2 era)
# --------------------------------------------------------------------------------------------------


def keras_layer(n: Names, k: str, layers: str) -> str:
    name = n.cls("Layer")
    units = n.rng.choice((16, 32, 64))
    return f'''

class {name}({layers}.Layer):
    """A custom layer that keeps its own variables."""

    def __init__(self, units={units}, **kwargs):
        super({name}, self).__init__(**kwargs)
        self.units = units
        self.scale = tf.Variable(1.0, name="scale")
        self.graph = {k}.get_graph()

    def build(self, input_shape):
        self.kernel = tf.Variable(tf.random.normal([int(input_shape[-1]), self.units]), name="kernel")
        self.bias = tf.Variable(tf.zeros([self.units]), trainable=True, name="bias")
        super({name}, self).build(input_shape)

    def call(self, inputs):
        outputs = {k}.dot(inputs, self.kernel) + self.bias
        return {k}.relu(outputs) * self.scale

    def get_config(self):
        config = super({name}, self).get_config()
        config.update({{"units": self.units}})
        return config
'''


def keras_module(n: Names) -> str:
    style = n.rng.random()
    if style < 0.4:
        header = "import tensorflow as tf\nfrom tensorflow.keras import backend as K\nfrom tensorflow.keras import layers\n"
    elif style < 0.7:
        header = "import tensorflow as tf\nfrom tensorflow.python.keras import backend as K\nfrom tensorflow.python.keras import layers\n"
    else:
        header = "import tensorflow as tf\nimport keras\nfrom keras import backend as K\nfrom keras import layers\n"
    body = "".join(keras_layer(n, "K", "layers") for _ in range(n.rng.randint(1, 4)))
    model = n.cls("Model")
    return f'''"""Custom {n.word()} layers and a model built from them."""
{header}{body}

def build_{model.lower()}(input_dim={n.rng.choice((8, 16, 32))}):
    inputs = layers.Input(shape=(input_dim,))
    hidden = layers.Dense({n.rng.choice((32, 64))}, activation="relu")(inputs)
    outputs = layers.Dense(1)(hidden)
    model = tf.keras.Model(inputs, outputs, name="{model.lower()}")
    model.compile(optimizer=tf.keras.optimizers.Adam({n.rng.choice(("1e-3", "1e-4"))}), loss="mse")
    return model


def session_of_{model.lower()}():
    session = K.get_session()
    K.get_graph()
    return session
'''


# --------------------------------------------------------------------------------------------------
# Code already written for TensorFlow 2
# --------------------------------------------------------------------------------------------------


def tf2_module(n: Names) -> str:
    name = n.cls("Block")
    return f'''"""A {n.word()} block written for TensorFlow 2."""
import tensorflow as tf


class {name}(tf.keras.layers.Layer):
    def __init__(self, units={n.rng.choice((16, 32))}, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform")

    def call(self, inputs):
        return tf.nn.gelu(tf.matmul(inputs, self.kernel))


@tf.function
def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
'''


# --------------------------------------------------------------------------------------------------
# Big files
# --------------------------------------------------------------------------------------------------


def big_module(n: Names, with_tf: bool, min_lines: int) -> str:
    if with_tf:
        parts = [f'"""A large legacy {n.word()} model file (TensorFlow 1.x)."""\nimport numpy as np\nimport tensorflow as tf\nfrom tensorflow.keras import backend as K\nfrom tensorflow.keras import layers\n']
        makers = (lambda: tf1_model_fn(n, "tf"), lambda: keras_layer(n, "K", "layers"), lambda: plain_function(n), lambda: plain_numpy(n))
    else:
        parts = [f'"""A large {n.word()} module."""\nimport numpy as np\nfrom dataclasses import dataclass, field\n']
        makers = (lambda: plain_function(n), lambda: plain_class(n), lambda: plain_numpy(n))
    lines = 5
    while lines < min_lines:
        chunk = n.rng.choice(makers)()
        parts.append(chunk)
        lines += chunk.count("\n")
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------------


KINDS = (
    # (kind, cumulative share)
    ("plain", 0.64),
    ("false_positive", 0.66),
    ("tf1_script", 0.79),
    ("keras_module", 0.91),
    ("tf2_module", 0.99),
    ("big", 1.0),
)


def generate(n: Names, kind: str) -> str:
    if kind == "plain":
        return plain_module(n)
    if kind == "false_positive":
        return false_positive_module(n)
    if kind == "tf1_script":
        return tf1_script(n)
    if kind == "keras_module":
        return keras_module(n)
    if kind == "tf2_module":
        return tf2_module(n)
    return big_module(n, with_tf=n.rng.random() < 0.5, min_lines=n.rng.randint(2000, 3500))


def build(out: str, files: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    n = Names(rng)
    if os.path.exists(out):
        shutil.rmtree(out)
    counts: dict[str, int] = {}
    packages = [f"pkg_{i:02d}/{sub}" for i in range(max(1, files // 100)) for sub in ("core", "models", "tools")]
    for index in range(files):
        roll = rng.random()
        kind = next(k for k, share in KINDS if roll < share)
        text = generate(n, kind)
        ast.parse(text)  # every template must produce valid Python 3
        folder = os.path.join(out, rng.choice(packages))
        if not os.path.isdir(folder):
            os.makedirs(folder)
            open(os.path.join(folder, "__init__.py"), "w").close()
        with open(os.path.join(folder, f"{kind}_{index:05d}.py"), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="output folder (replaced if it exists)")
    parser.add_argument("--files", type=int, default=2000, help="number of generated modules (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    counts = build(args.out, args.files, args.seed)
    total_lines = 0
    for root, _, names in os.walk(args.out):
        for name in names:
            with open(os.path.join(root, name), encoding="utf-8") as handle:
                total_lines += sum(1 for _ in handle)
    print(f"{sum(counts.values())} modules ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))}), {total_lines} lines in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
