"""The layer-variable rules' documented examples are what the tool really does (`tf2migrate explain`)."""

from __future__ import annotations

import pytest

from tf2migrate.cli import _selection
from tf2migrate.codemods.layer_variables import ADD_WEIGHT_ARGUMENTS, ADD_WEIGHT_POSITIONAL, RULES
from tf2migrate.engine import migrate_text

HEADER = "import numpy as np\nimport tensorflow as tf\nfrom tensorflow.keras import backend as K\nfrom tensorflow.keras.layers import Layer\n"
WRAP = "class Keras2(tf.keras.layers.Layer):\n    def build(self, input_shape):\n"


def _indent(code: str) -> str:
    return "".join("        " + line if line.strip() else line for line in code.splitlines(True))


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_documented_example(rule):
    before, after = rule.before, rule.after
    if rule in (ADD_WEIGHT_POSITIONAL, ADD_WEIGHT_ARGUMENTS):  # a statement: put it in a layer's build()
        before, after = WRAP + _indent(before), WRAP + _indent(after)
    codes = "TFM1" if rule.code in ("TFM106", "TFM110") else rule.code  # examples that need the variable rules too
    migration = migrate_text(HEADER + before, _selection(codes, "", True))
    body = migration.text.split("\n", HEADER.count("\n"))[-1] if migration.text.startswith(HEADER) else migration.text
    # import lines the fix dropped (K used only by removed graph plumbing) are not part of the example
    if not migration.text.startswith(HEADER):
        body = "".join(line for line in migration.text.splitlines(True) if not line.startswith(("import ", "from ")))
    assert body == after
    assert rule.code in {f.code for f in migration.findings}
