"""TFM546 (codemods/keras_seed.py) beyond its golden fixtures: the documented example, which seed arguments and
neighbouring seed calls keep the rewrite safe, the lines its messages name, and files it leaves alone."""

from __future__ import annotations

import textwrap

import pytest

from tf2migrate.codemods.keras_seed import GLOBAL_SEED, NUMPY_SEED
from tf2migrate.engine import migrate_text
from tf2migrate.findings import FixState
from tf2migrate.selection import Selection

KERAS_MODEL = "model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1)])\n"


def _migrate(text: str, **options):
    return migrate_text(textwrap.dedent(text), Selection(**options))


def _seed_findings(migration):
    return [f for f in migration.findings if f.code == GLOBAL_SEED.code]


def test_documented_example_is_what_the_tool_does():
    migration = _migrate(GLOBAL_SEED.before)
    assert migration.text == GLOBAL_SEED.after
    assert [f.fix for f in _seed_findings(migration)] == [FixState.APPLIED]


@pytest.mark.parametrize(
    ("argument", "safe"),
    [
        ("42", True),
        ("seed=42", True),
        ("SEED", True),  # a module constant bound once to an int literal
        ("0", True),
        ("2**32", False),
        ("4294967296", False),  # NumPy's global seed must be below 2**32
        ("-1", False),
        ("None", False),  # tf.random.set_seed(None) is allowed, keras.utils.set_random_seed(None) raises
        ("args.seed", False),
        ("int(seed_text)", False),
    ],
)
def test_the_seed_argument_decides_safety(argument, safe):
    text = f"import tensorflow as tf\nSEED = 7\nseed_text = '3'\ntf.random.set_seed({argument})\n" + KERAS_MODEL
    migration = _migrate(text)
    (finding,) = _seed_findings(migration)
    assert finding.fix is (FixState.APPLIED if safe else FixState.UNSAFE)
    assert ("tf.keras.utils.set_random_seed(" in migration.text) is safe
    if not safe:
        assert "accepts a Python int below 2**32 only" in finding.message
        unsafe = _migrate(text, unsafe_fixes=True)
        assert f"tf.keras.utils.set_random_seed({argument})" in unsafe.text


def test_a_name_bound_twice_is_not_read_as_a_constant():
    text = "import tensorflow as tf\nSEED = 7\nSEED = load()\ntf.random.set_seed(SEED)\n" + KERAS_MODEL
    (finding,) = _seed_findings(_migrate(text))
    assert finding.fix is FixState.UNSAFE


@pytest.mark.parametrize(
    "block",
    [
        "np.random.seed(5)\nrandom.seed(5)\ntf.random.set_seed(5)",  # seeded before, with the same value
        "tf.random.set_seed(5)\nnp.random.seed(1)\nrandom.seed(2)",  # seeded after: the file's own seeds win
        "random.seed(5)\ntf.random.set_seed(5)\nnp.random.seed(9)",
    ],
)
def test_generators_seeded_beside_the_call_keep_it_safe(block):
    text = "import random\nimport numpy as np\nimport tensorflow as tf\n" + block + "\n" + KERAS_MODEL
    migration = _migrate(text)
    (finding,) = _seed_findings(migration)
    assert finding.fix is FixState.APPLIED
    assert "tf.keras.utils.set_random_seed(5)" in migration.text


@pytest.mark.parametrize(
    ("block", "generators"),
    [
        ("np.random.seed(1)\ntf.random.set_seed(5)", ["NumPy's"]),  # before, another value: NumPy's numbers would change
        ("np.random.seed(5)\nx = np.random.rand(3)\ntf.random.set_seed(5)", ["NumPy's"]),  # not beside it
        ("random.seed(5)\nnp.random.seed(5)\nprint('seeded')\ntf.random.set_seed(5)", ["NumPy's", "Python's"]),
        ("from numpy.random import seed\nseed(1)\ntf.random.set_seed(5)", ["NumPy's"]),  # however it is imported
        ("np.random.set_state(STATE)\ntf.random.set_seed(5)", ["NumPy's"]),
    ],
)
def test_generators_seeded_elsewhere_make_it_unsafe(block, generators):
    text = "import random\nimport numpy as np\nimport tensorflow as tf\n" + block + "\n" + KERAS_MODEL
    migration = _migrate(text)
    (finding,) = _seed_findings(migration)
    assert finding.fix is FixState.UNSAFE
    assert [g for g in ("NumPy's", "Python's") if f"seeds {g} global generator" in finding.message] == generators
    assert "tf.random.set_seed(5)" in migration.text


def test_a_local_numpy_generator_is_not_the_global_one():
    text = "import numpy as np\nimport tensorflow as tf\nrng = np.random.RandomState(1)\nrng.seed(3)\ntf.random.set_seed(5)\n" + KERAS_MODEL
    (finding,) = _seed_findings(_migrate(text))
    assert finding.fix is FixState.APPLIED


def test_the_message_names_the_line_of_the_file_as_read():
    # api_renames adds `import tensorflow as tf` at the top first: the current text's lines are shifted by two.
    text = "from numpy.random import seed\n\n\nseed(1)\nfrom tensorflow import set_random_seed\nset_random_seed(2)\nimport keras\n"
    (finding,) = _seed_findings(_migrate(text))
    assert finding.fix is FixState.UNSAFE
    assert "(line 4)" in finding.message, finding.message


def test_files_without_keras_are_left_alone():
    text = "import tensorflow as tf\ntf.random.set_seed(3)\nnoise = tf.random.normal([4])\nlabel = 'tf.keras'\n"
    migration = _migrate(text)
    assert migration.text == text and not _seed_findings(migration)


@pytest.mark.parametrize(
    "keras_use",
    ["import keras\n", "from keras.layers import Dense\n", "from tensorflow import keras\n", "from tensorflow.keras import layers\n", "x = tf.keras.initializers.GlorotUniform()\n"],
)
def test_every_way_of_using_keras_counts(keras_use):
    text = "import tensorflow as tf\n" + keras_use + "tf.random.set_seed(3)\n"
    migration = _migrate(text)
    assert "tf.keras.utils.set_random_seed(3)" in migration.text


def test_a_bare_imported_setter_is_reported():
    text = "import tensorflow as tf\nfrom tensorflow.random import set_seed\nset_seed(5)\n" + KERAS_MODEL
    migration = _migrate(text)
    (finding,) = _seed_findings(migration)
    assert finding.fix is FixState.MANUAL and "tf.keras.utils.set_random_seed" in finding.message
    assert migration.text == text


def test_a_graph_mode_fallback_file_keeps_its_compat_v1_module():
    # Keras initializers written into a file that stays in graph mode draw from Python's random too.
    text = textwrap.dedent(
        """\
        import tensorflow as tf
        tf.set_random_seed(1)
        W = tf.get_variable("W", shape=[3], initializer=tf.glorot_uniform_initializer())


        class Runner:  # a class that keeps the session: the file stays in graph mode (TFM260)
            def __init__(self, sess):
                self.sess = sess

            def weights(self):
                return self.sess.run(W)


        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        print(Runner(sess).weights())
        """
    )
    migration = _migrate(text)
    assert "import tensorflow.compat.v1 as tf" in migration.text, migration.text
    assert "tf.keras.utils.set_random_seed(1)" in migration.text
    assert [f.fix for f in _seed_findings(migration)] == [FixState.APPLIED]


def test_only_when_selected():
    text = "import tensorflow as tf\ntf.random.set_seed(3)\n" + KERAS_MODEL
    migration = _migrate(text, ignore=("TFM546",))
    assert migration.text == text and not _seed_findings(migration)


# -- TFM547: NumPy's seed in a file of the standalone `keras` package (Keras 2) ------------------------------


def _numpy_seed_findings(migration):
    return [f for f in migration.findings if f.code == NUMPY_SEED.code]


def test_numpy_seed_documented_example_is_what_the_tool_does():
    migration = _migrate(NUMPY_SEED.before)
    assert migration.text == NUMPY_SEED.after
    assert [f.fix for f in _numpy_seed_findings(migration)] == [FixState.APPLIED]


def test_numpy_seed_before_the_keras_import_gets_keras_imported_on_the_line_before():
    text = '"""Doc."""\nimport numpy as np\n# seeds first\nnp.random.seed(1337)  # for reproducibility\nimport keras\nmodel = keras.Sequential()\n'
    migration = _migrate(text)
    assert migration.text == '"""Doc."""\nimport numpy as np\n# seeds first\nimport keras\nkeras.utils.set_random_seed(1337)  # for reproducibility\nimport keras\nmodel = keras.Sequential()\n'
    compile(migration.text, "<migrated>", "exec")


def test_numpy_seed_uses_the_keras_alias_bound_before_it():
    text = "import numpy as np\nimport keras as K2\nnp.random.seed(4)\nmodel = K2.Sequential()\n"
    assert "K2.utils.set_random_seed(4)" in _migrate(text).text


def test_numpy_seed_in_a_function_uses_the_module_import():
    text = "import numpy as np\nfrom keras.layers import Dense\n\n\ndef test_dense():\n    np.random.seed(1337)\n    return Dense(2)\n"
    migration = _migrate(text)
    assert migration.text.startswith("import numpy as np\nfrom keras.layers import Dense\nimport keras\n")
    assert "    keras.utils.set_random_seed(1337)\n" in migration.text


def test_numpy_seed_before_an_environment_setting_is_unsafe():
    text = "import numpy as np\nnp.random.seed(1)\nimport os\nos.environ['KERAS_BACKEND'] = 'tensorflow'\nfrom keras.layers import Dense\n"
    (finding,) = _numpy_seed_findings(_migrate(text))
    assert finding.fix is FixState.UNSAFE and "before line 4" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "import numpy as np\nfrom tensorflow import keras\nnp.random.seed(3)\n",  # tf.keras of TF 2.x: its seeds came from TF (TFM546)
        "import numpy as np\nnp.random.seed(3)\n",  # no Keras at all
        "import numpy as np\nimport keras\nnp.random.seed(10101)\nnp.random.shuffle(x)\nnp.random.seed(None)\n",  # seeded for a moment
        "import numpy as np\nimport keras\nnp.random.seed()\n",
        "import numpy as np\nimport keras\nclass Init(keras.initializers.Initializer):\n    def __call__(self, shape):\n        np.random.seed(self.seed)\n",
    ],
)
def test_numpy_seeds_left_alone(text):
    migration = _migrate(text)
    assert not _numpy_seed_findings(migration)
    assert "set_random_seed" not in migration.text


@pytest.mark.parametrize(
    ("block", "safe"),
    [
        ("np.random.seed(7)\nrandom.seed(7)", True),
        ("np.random.seed(7)\ntf.random.set_seed(3)", True),  # TF's seed set after it: the file's value wins
        ("random.seed(2)\nnp.random.seed(7)", False),  # Python's generator seeded before with another value
        ("tf.random.set_seed(3)\nx = 1\nnp.random.seed(7)", False),
    ],
)
def test_numpy_seed_and_the_generators_it_also_seeds(block, safe):
    text = "import random\nimport numpy as np\nimport tensorflow as tf\nimport keras\n" + block + "\n"
    (finding,) = _numpy_seed_findings(_migrate(text))
    assert finding.fix is (FixState.APPLIED if safe else FixState.UNSAFE)
