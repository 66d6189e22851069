"""The completeness pass (TFM407/TFM590, codemods/missing_names.py), its name tables, and the TF 0.x renames
(TFM408/TFM409, codemods/tf0_renames.py) beyond the golden fixtures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tf2migrate.codemods import CODEMOD_MODULES, api_table, public_names
from tf2migrate.codemods.missing_names import MISSING_KERAS
from tf2migrate.codemods.tf0_renames import ORDER, RENAME, RENAMES, TF2_DIFFERS
from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

ROOT = Path(__file__).resolve().parent.parent


def _codes(text: str, selection: Selection = Selection()) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in migrate_text(text, selection).findings if f.needs_person]


def test_pipeline_order():
    assert CODEMOD_MODULES[0] == "tf0_renames" and CODEMOD_MODULES[-1] == "missing_names"


@pytest.mark.parametrize(
    ("name", "first_missing"),
    [
        ("keras.backend.variable", "keras.backend.variable"),
        ("keras.backend.floatx", None),
        ("keras.engine.topology.Layer", "keras.engine"),
        ("tensorflow.keras.backend.variable", None),  # TF 2.21's tf.keras.backend keeps the Keras 2 functions
        ("tensorflow.keras.backend.get_session", "tensorflow.keras.backend.get_session"),
        ("tensorflow.compat.v1.contrib.layers.xavier_initializer", "tensorflow.compat.v1.contrib"),
        ("tensorflow.compat.v1.placeholder", None),
        ("tensorflow.compat.v1.nn.rnn_cell.LSTMCell", "tensorflow.compat.v1.nn.rnn_cell.LSTMCell"),
        ("tensorflow.compat.v1.app.flags.DEFINE_string", None),
        ("tensorflow.compat.v2.pack", "tensorflow.compat.v2.pack"),
        ("tensorflow.compat.v2.math.log", None),
        ("tensorflow.pack", "tensorflow.pack"),
        ("tensorflow.data.Dataset.from_tensor_slices", None),  # a member of a class: out of scope
        ("tensorflow.python.keras.backend.get_graph", None),  # private: not judged
        ("numpy.mul", None),
    ],
)
def test_first_missing(name, first_missing):
    assert public_names.first_missing(name) == first_missing


def test_table_has_kinds_for_the_three_trees():
    text = (ROOT / "codemods" / "data" / "public_names.txt").read_text(encoding="utf-8")
    assert "\nkeras.backend m\n" in text and "\ntensorflow.compat.v1.layers m\n" in text
    assert "\ntensorflow.keras.backend.variable f\n" in text and "\nkeras.Variable c\n" in text


@pytest.mark.tensorflow
def test_public_names_table_is_current():
    """The committed table is what the installed TensorFlow / Keras give (regenerate with the script)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_public_names.py"), "--check"], capture_output=True, text=True, timeout=600,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_alias_form_reported_at_its_line():
    text = (
        "import keras\n"
        "import keras.backend as KB\n"
        "from keras import backend as K\n"
        "from tensorflow.keras import backend as TK\n"
        "import tensorflow as tf\n"
        "a = K.variable(1.0)\n"
        "b = KB.eval(a)\n"
        "c = keras.backend.get_value(a)\n"
        "d = TK.variable(1.0)\n"
        "e = tf.keras.backend.get_graph()\n"
        "f = tf.compat.v1.contrib.layers.flatten\n"
    )
    assert _codes(text, Selection(select=("TFM407", "TFM590"))) == [("TFM590", 6), ("TFM590", 7), ("TFM590", 8), ("TFM407", 10), ("TFM407", 11)]


def test_one_construct_one_finding():
    """A line an earlier rule reported for a person (naming the construct) gets nothing more."""
    text = "import keras\nfrom keras import backend as K\nsess = K.get_session()\nloss = keras.losses.cosine_proximity\n"
    findings = [(f.code, f.line) for f in migrate_text(text, Selection()).findings]
    assert ("TFM330", 3) in findings and ("TFM590", 3) not in findings
    assert ("TFM590", 4) in findings


def test_suppressed_line_is_not_reported():
    text = "import keras\nloss = keras.losses.cosine_proximity  # tf2migrate: ignore[TFM590]\n"
    assert _codes(text) == []


def test_hint_names_the_replacement():
    text = "from keras import backend as K\nx = K.sum(y)\nz = K.variable(1.0)\nfrom keras.engine.topology import Layer\n"
    messages = [f.message for f in migrate_text(text, Selection(select=("TFM590",))).findings]
    assert "`keras.ops.sum`" in messages[0] and "`keras.Variable(value)`" in messages[1] and "`keras.layers`" in messages[2]


def test_missing_keras_rule_example():
    findings = migrate_text("import numpy as np\n" + MISSING_KERAS.before, Selection()).findings
    assert {f.code for f in findings} == {"TFM590"}


def test_summary_counts_what_is_left(tmp_path):
    target = tmp_path / "m.py"
    target.write_text("import keras\nloss = keras.losses.cosine_proximity\nact = keras.layers.ThresholdedReLU\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tf2migrate", "check", str(target)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "2 left for you (2 manual" in done.stdout + done.stderr


# -- TF 0.x renames ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), sorted(RENAMES.items()))
def test_rename_table_targets_tf1_names(old, new):
    """Each 0.x name is gone from TF 1.x's namespace (or a deprecated alias of the same function), and each
    target is a TF 1.x name TF 2.21 still has under `tf.compat.v1`."""
    assert api_table.compat_v1_exists(new), new
    aliases = {"tf.all_variables", "tf.initialize_all_variables", "tf.initialize_variables", "tf.initialize_local_variables"}
    assert old in aliases or not api_table.compat_v1_exists(old), old


@pytest.mark.parametrize("rule", [RENAME, ORDER], ids=lambda r: r.code)
def test_tf0_rule_example(rule):
    migration = migrate_text(rule.before, Selection(select=("TFM408", "TFM409")))
    assert migration.text == rule.after
    assert {f.code for f in migration.findings} == {rule.code} | ({"TFM409"} if rule is ORDER else set())


def test_tf1_behaviour_kept_where_tf2_differs():
    for target in TF2_DIFFERS:
        assert target in RENAMES.values()
    out = migrate_text("import tensorflow as tf\ny = tf.select(c, a, b)\n", Selection()).text
    assert out == "import tensorflow as tf\ny = tf.compat.v1.where(c, a, b)\n"


def test_tf0_file_then_treated_as_tf1():
    text = "import tensorflow as tf\nx = tf.concat(1, [a, b])\ny = tf.reduce_sum(x, reduction_indices=1)\nz = tf.pack([y])\n"
    out = migrate_text(text, Selection()).text
    assert out == "import tensorflow as tf\nx = tf.concat([a, b], 1)\ny = tf.reduce_sum(x, axis=1)\nz = tf.stack([y])\n"
    assert migrate_text(out, Selection()).text == out  # idempotent
