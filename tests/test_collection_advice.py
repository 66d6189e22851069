"""TFM232's advice names what TF1's collection lookup really listed (a DQN's target-network copy).

`tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="q_next")` listed a `trainable=False` layer's
variables: the advice must name `.variables` (its `.trainable_variables` is empty, and a `zip` over it
would silently copy nothing). TF1 filtered by `re.match(scope, name)`, so `scope="q"` also selected
`q_next/...`: the advice says so. Measured with TF1 semantics (tf_keras, graph mode):
GLOBAL_VARIABLES, scope 'q' -> q/dense/{kernel,bias}, q_next/dense/{kernel,bias}, q/dense/.../Adam{,_1}.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tf2migrate.cli import _selection
from tf2migrate.engine import migrate_text

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "tf1-variable-collection" / "target_network.py"


def _messages() -> dict[int, str]:
    migration = migrate_text(FIXTURE.read_text(), _selection("TFM23", "", False))
    return {f.line: f.message for f in migration.findings if f.code == "TFM232"}


def test_all_variables_lookups_name_variables_not_trainable_variables():
    messages = _messages()
    assert "`dense_1.variables`" in messages[9] and "trainable_variables" not in messages[9].split(";")[0]
    assert "`dense.variables`" in messages[10]
    assert "`dense.variables`, `dense_1.variables`" in messages[12]
    assert "`dense.trainable_variables`" in messages[11]


def test_scope_prefix_and_optimizer_slots_are_named():
    messages = _messages()
    assert "scope(s) `q_next` (`dense_1`)" in messages[10]  # scope "q" matched "q_next/..." in TF1
    assert "scope(s)" not in messages[9]  # no other scope starts with "q_next"
    assert "optimizer slot variables made under `q/`" in messages[10]
    assert "slot variables" not in messages[11]  # trainable lookups never held slots (TF1 made them trainable=False)
    assert "trainable variables of scope(s) `q_next`" in messages[11]


def test_advice_holds_in_tf2():
    """What the advice says of Keras 3 is what TF 2.21 does: a `trainable=False` Dense keeps its kernel and
    bias in `.variables` (in that order, as TF1's collection listed them) and none in `.trainable_variables`."""
    program = textwrap.dedent(
        """
        import tensorflow as tf
        frozen = tf.keras.layers.Dense(2, trainable=False)
        frozen(tf.ones([1, 3]))
        assert frozen.trainable_variables == []
        assert [v.path.split("/")[-1] for v in frozen.variables] == ["kernel", "bias"]
        print("OK")
        """
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("OK")
