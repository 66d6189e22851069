"""Graph plumbing and the graph-mode fallback: the pieces other rules rely on, beyond the golden fixtures."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from harness import exec_cases
from tf2migrate.codemods import api_table, names
from tf2migrate.codemods.graph_mode import GRAPH_DRIVERS, GRAPH_MODE_NAMES
from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection


class _Calls(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init__(self) -> None:
        self.found: list[bool] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.found.append(names.through_compat_v1(self, node))


def _through_compat_v1(code: str) -> list[bool]:
    visitor = _Calls()
    MetadataWrapper(cst.parse_module(code)).visit(visitor)
    return visitor.found


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import tensorflow.compat.v1 as tf\ntf.Session()", [True]),
        ("import tensorflow as tf\ntf.compat.v1.Session()", [True]),
        ("from tensorflow.compat.v1 import Session\nSession()", [True]),
        ("import tensorflow as tf\ntf.Session()", [False]),
        ("import tensorflow as tf\ntf.compat.v2.random.set_seed(0)", [False]),
        ("def Session():\n    pass\nSession()", [False]),
    ],
)
def test_through_compat_v1(code: str, expected: list[bool]):
    assert _through_compat_v1(code) == expected


def test_graph_names_come_from_the_api_table():
    """Every name that makes a file fall back is a sessions-scenario name of the table (or feed_dict)."""
    scenario = {e.name for e in api_table.iter_kind("scenario") if e.owner == "sessions"}
    assert GRAPH_MODE_NAMES <= scenario
    assert GRAPH_DRIVERS - {"feed_dict"} <= GRAPH_MODE_NAMES
    assert all(api_table.compat_v1_exists(name) for name in GRAPH_DRIVERS - {"feed_dict"})


FALLBACK_PROGRAM = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 1])
y = tf.log(x)
with tf.Session() as sess:
    print(sess.run(y, feed_dict={x: [[1.0]]}))
"""


def test_fallback_names_are_left_alone_by_the_whole_pipeline():
    """After the fallback, `tf.log` means tf.compat.v1.log (it exists): no later rule rewrites it, and a
    second run has nothing to apply."""
    only_fallback = Selection(select=("TFM26", "TFM4"))
    first = migrate_text(FALLBACK_PROGRAM, only_fallback)
    assert first.text.startswith("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n")
    assert "tf.log(x)" in first.text and "tf.Session()" in first.text
    assert {f.code for f in first.findings} == {"TFM260"}
    again = migrate_text(first.text, only_fallback)
    assert again.text == first.text
    assert not [f for f in again.findings if f.fix.value == "applied"]


def test_set_random_seed_is_left_to_the_api_table():
    """`tf.set_random_seed` has a native TF2 name in the API table: api_renames owns it, not this module."""
    entry = api_table.lookup("tf.set_random_seed")
    assert entry is not None and entry.kind == "rename" and entry.target == "tf.random.set_seed"
    text = "import tensorflow as tf\n\ntf.set_random_seed(0)\n"
    assert migrate_text(text, Selection(select=("TFM25", "TFM26"))).text == text


FALLBACK_CASES = [case for case in exec_cases() if "fallback" in case.flags]


@pytest.mark.parametrize("case", FALLBACK_CASES, ids=[c.id for c in FALLBACK_CASES])
def test_fallback_exec_fixtures_do_fall_back(case):
    """An execution fixture marked `fallback` must come out in graph mode (test_exec.py runs it)."""
    source = case.source.read_text(encoding="utf-8")
    migrated = migrate_text(source, Selection()).text
    assert "compat.v1" in migrated
    assert "disable_v2_behavior()" in migrated or "disable_eager_execution()" in migrated
    assert any(f.code == "TFM260" for f in migrate_text(source, Selection()).findings)
