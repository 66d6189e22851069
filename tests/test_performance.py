"""The performance shortcuts change nothing but speed: cached hook dispatch, lazy metadata, import edits."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper

from tf2migrate.codemods.base import Codemod, FileRun, _hooks
from tf2migrate.linemap import LineMap
from tf2migrate.selection import Selection
from tf2migrate.suppression import SuppressionIndex

SOURCE = "import tensorflow as tf\n\ndef f(a, b):\n    return tf.add(a, g(b))\n\nx = f(1, 2)\n"


class Recorder:
    """The hooks of both transformers below, recording every call in order."""

    def visit_Call(self, node):
        self.log.append(("visit_Call", cst.Module([]).code_for_node(node)))
        return cst.Module([]).code_for_node(node.func) != "g"  # do not enter g(...)

    def leave_Name(self, original_node, updated_node):
        self.log.append(("leave_Name", original_node.value))
        return updated_node.with_changes(value=updated_node.value.upper()) if original_node.value == "b" else updated_node

    def visit_Call_func(self, node):
        self.log.append(("visit_Call_func",))

    def leave_Call_args(self, node):
        self.log.append(("leave_Call_args",))

    def visit_FunctionDef(self, node):
        self.log.append(("visit_FunctionDef", node.name.value))


class Plain(Recorder, cst.CSTTransformer):
    def __init__(self):
        super().__init__()
        self.log = []


class Fast(Recorder, Codemod):
    def __init__(self, context, run):
        super().__init__(context, run)
        self.log = []


class Decorated(Codemod):
    @m.visit(m.Name("tf"))
    def saw_tf(self, node):
        self.log.append("tf")

    def __init__(self, context, run):
        super().__init__(context, run)
        self.log = []


def _run(codemod_class):
    wrapper = MetadataWrapper(cst.parse_module(SOURCE), unsafe_skip_copy=True)
    run = FileRun(Selection(), SuppressionIndex.from_text(SOURCE), LineMap(SOURCE, SOURCE), {})
    codemod = codemod_class(CodemodContext(wrapper=wrapper), run)
    return codemod, wrapper.visit(codemod)


def test_cached_dispatch_calls_the_same_hooks_in_the_same_order_as_libcst():
    plain = Plain()
    expected_tree = cst.parse_module(SOURCE).visit(plain)
    assert _hooks(Fast) is not None
    fast, tree = _run(Fast)
    assert fast.log == plain.log
    assert ("visit_Call", "g(b)") in fast.log and ("leave_Name", "g") not in fast.log  # children of g(...) skipped
    assert tree.code == expected_tree.code == SOURCE.replace("a, b", "a, B")  # g(b) was not entered


def test_matcher_decorators_keep_libcsts_own_dispatch():
    assert _hooks(Decorated) is None
    decorated, _ = _run(Decorated)
    assert decorated.log == ["tf", "tf"]  # `as tf` and `tf.add`
