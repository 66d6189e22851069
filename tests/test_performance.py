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


# -- import edits: the editor that skips LibCST's import visitors must never change what they do ----

from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor  # noqa: E402

from tf2migrate.codemods.import_editor import add_imports, edit_imports  # noqa: E402
from tf2migrate.codemods.imports import apply_import_edits  # noqa: E402

IMPORT_CASES = [
    # (source, removal requests, the editor decides without LibCST's visitors)
    ("import tensorflow as tf\nx = tf.constant(1)\n", [("tensorflow", None, "tf")], True),
    ("import tensorflow as tf\n\ndef f():\n    return tf.ones(1)\n", [("tensorflow", None, "tf")], True),
    ("import tensorflow as tf\n\ndef f(tf):\n    return tf.ones(1)\n", [("tensorflow", None, "tf")], False),
    ("import tensorflow as tf\n\nclass A:\n    tf = 1\n    y = tf\n", [("tensorflow", None, "tf")], False),
    ("import tensorflow as tf\nx = [tf for _ in range(2)]\n", [("tensorflow", None, "tf")], True),
    ("import tensorflow as tf\n", [("tensorflow", None, "tf")], True),
    ("from keras import backend as K\nK.clear_session()\n", [("keras", "backend", "K")], True),
    ("from keras import backend as K\n__all__ = ['K']\n", [("keras", "backend", "K")], False),
    ("from keras import backend as K\nimport numpy as np\nnp.ones(1)\n", [("keras", "backend", "K"), ("numpy", None, "np")], True),
    ("import os.path\nos.path.join('a')\n", [("os.path", None, None)], False),
    ("def f():\n    import tensorflow as tf\n    return tf\n", [("tensorflow", None, "tf")], False),
    ("from . import tf\ntf.x\n", [(".", "tf", None)], True),  # `from . import` is never removed
    ("import numpy as np\nnp.ones(1)\n", [("tensorflow", None, "tf")], True),  # nothing matches: nothing to remove
    ("try:\n    import tensorflow as tf\nexcept ImportError:\n    tf = None\nprint(tf)\n", [("tensorflow", None, "tf")], False),
    ("try:\n    import tensorflow as tf\nexcept ImportError:\n    raise\nprint(tf)\n", [("tensorflow", None, "tf")], True),
    ("if True:\n    import tensorflow as tf\n\ndef f():\n    tf = 1\n", [("tensorflow", None, "tf")], False),
]


def _remove_with_libcst(source, requests):
    context = CodemodContext()
    for request in requests:
        RemoveImportsVisitor.remove_unused_import(context, *request)
    return RemoveImportsVisitor(context).transform_module(cst.parse_module(source)).code


def test_editor_answers_libcsts_result_where_it_answers():
    for source, requests, decided in IMPORT_CASES:
        answer = edit_imports(cst.parse_module(source), [], requests)
        assert (answer is not None) is decided, source
        if answer is not None:
            assert answer.code == _remove_with_libcst(source, requests), source


def test_apply_import_edits_matches_libcst_on_every_case():
    for source, requests, _ in IMPORT_CASES:
        context = CodemodContext()
        for request in requests:
            RemoveImportsVisitor.remove_unused_import(context, *request)
        assert apply_import_edits(context, cst.parse_module(source), _reparse).code == _remove_with_libcst(source, requests), source


def _reparse(tree: cst.Module) -> cst.Module:
    return cst.parse_module(tree.code)


ADD_SOURCES = [
    "",
    "x = 1\n",
    '"""Doc."""\nx = 1\n',
    '"""Doc."""\n\nimport os\n\nx = 1\n',
    "__strict__ = True\nimport os\nx = 1\n",
    "from __future__ import annotations\nimport os\nimport sys\n# comment\nx = 1\n",
    "import os, sys\nimport numpy as np\n\n\ndef f():\n    pass\n",
    "import tensorflow as tf\nx = tf.constant(1)\n",
    "import tensorflow as tflow\nimport keras\nx = 1\n",
    "import tensorflow\nimport contextlib as cl\nx = 1\n",
    "import os; import sys\nx = 1\n",
    "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport os\nif True:\n    import tensorflow as tf\n",
    "try:\n    import tensorflow as tf\nexcept ImportError:\n    tf = None\n",
    "'not a docstring' + 'x'\nimport os\n",
    "import os\r\nx = 1\r\n",
    "import os\n    \n# leading comment\nx = 1\n",
]
ADD_REQUESTS = [
    [("tensorflow", "tf")],
    [("contextlib", None)],
    [("keras", None), ("tensorflow", "tf")],
    [("contextlib", None), ("tensorflow", "tf"), ("contextlib", None), ("tensorflow", "tf")],
    [("tensorflow", "tf"), ("tensorflow", "tflow"), ("os", None)],
]


def test_plain_import_additions_equal_libcsts_visitor():
    for source in ADD_SOURCES:
        for requests in ADD_REQUESTS:
            ours, theirs = CodemodContext(), CodemodContext()
            for module, alias in requests:
                AddImportsVisitor.add_needed_import(ours, module, asname=alias)
                AddImportsVisitor.add_needed_import(theirs, module, asname=alias)
            expected = AddImportsVisitor(theirs).transform_module(cst.parse_module(source)).code
            reparsed: list[cst.Module] = []

            def fresh(tree: cst.Module) -> cst.Module:
                reparsed.append(tree)
                return _reparse(tree)

            assert apply_import_edits(ours, cst.parse_module(source), fresh).code == expected, (source, requests)
            assert not reparsed, "plain imports are added without the visitor"


def test_relative_import_additions_go_through_libcsts_visitor():
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, "typing", "Optional")
    AddImportsVisitor.add_needed_import(context, "tensorflow", asname="tf")
    assert add_imports(cst.parse_module("x = 1\n"), context.scratch[AddImportsVisitor.CONTEXT_KEY]) is not None
    result = apply_import_edits(context, cst.parse_module("import os\nx = 1\n"), _unexpected_reparse).code
    assert result == "import os\nimport tensorflow as tf\nfrom typing import Optional\n\nx = 1\n"
    AddImportsVisitor.add_needed_import(context, ".models", "Net")
    assert add_imports(cst.parse_module("x = 1\n"), context.scratch[AddImportsVisitor.CONTEXT_KEY]) is None
    result = apply_import_edits(context, cst.parse_module("import os\nx = 1\n"), _reparse).code
    assert result == "import os\nimport tensorflow as tf\nfrom .models import Net\nfrom typing import Optional\n\nx = 1\n"


def _unexpected_reparse(tree: cst.Module) -> cst.Module:
    raise AssertionError("the editor makes these additions itself")


# -- metadata computed lazily / more cheaply is LibCST's metadata -----------------------------------

from libcst._metadata_dependent import LazyValue  # noqa: E402
from pathlib import Path  # noqa: E402

from libcst.metadata import ExpressionContextProvider, ParentNodeProvider, QualifiedNameProvider, ScopeProvider  # noqa: E402

from tf2migrate import traversal  # noqa: E402
from tf2migrate.metadata import expression_contexts, parents, resolve  # noqa: E402

METADATA_SOURCE = '''
import tensorflow as tf
from tensorflow.keras import backend as K

class Layer(tf.keras.layers.Layer):
    def call(self, x, *args, scale: float = 1.0, **kwargs):
        g = K.get_graph()
        y = [tf.nn.relu(v) for v in x if v]
        with tf.name_scope("a") as scope, open("f") as handle:
            pass
        return lambda z=tf.ones(1): (z, y, g, f"{x!r:>{scale}}")
'''


def test_parents_and_qualified_names_equal_libcsts():
    module = cst.parse_module(METADATA_SOURCE)
    reference = MetadataWrapper(module, unsafe_skip_copy=True)
    assert parents(module) == dict(reference.resolve(ParentNodeProvider))
    ours = resolve(MetadataWrapper(module, unsafe_skip_copy=True), QualifiedNameProvider)
    for node, value in reference.resolve(QualifiedNameProvider).items():
        assert (value() if isinstance(value, LazyValue) else value) == ours[node]


CONTEXT_SOURCES = [Path(__file__).parent / "data" / "expression_contexts.py", *sorted((Path(__file__).parent.parent / "fixtures").rglob("*.py"))]


def test_expression_contexts_equal_libcsts():
    """Scope analysis reads these: every name's LOAD/STORE/DEL must be LibCST's, on every construct
    (tests/data/expression_contexts.py) and on every fixture."""
    for path in CONTEXT_SOURCES:
        module = cst.parse_module(path.read_bytes())
        reference = dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(ExpressionContextProvider))
        assert expression_contexts(module) == reference, path


def test_scope_analysis_reads_the_cheaper_expression_contexts():
    module = cst.parse_module(METADATA_SOURCE)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    resolve(wrapper, ScopeProvider)
    assert wrapper._metadata[ExpressionContextProvider] == expression_contexts(module)  # noqa: SLF001


# -- import removals scheduled by node are LibCST's -------------------------------------------------

from tf2migrate.codemods.imports import schedule_removal_of_imports_used_by  # noqa: E402

REMOVAL_SOURCE = '''
import os, os.path
import tensorflow as tf
import keras.backend
from keras import backend as K, layers
from tensorflow.compat import v1

graph = tf.get_default_graph()
session = K.get_session()
path = os.path.join(keras.backend.floatx(), v1.Session, layers.Dense)

def f(tf=None):
    return tf.ones(1)
'''


def test_removals_scheduled_by_node_equal_libcsts():
    module = cst.parse_module(REMOVAL_SOURCE)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    wrapper.resolve(ScopeProvider)
    checked = 0
    for node in m.findall(module, m.SimpleStatementLine() | m.Call() | m.Attribute() | m.Name() | m.FunctionDef()):
        ours, theirs = CodemodContext(wrapper=wrapper), CodemodContext(wrapper=wrapper)
        schedule_removal_of_imports_used_by(ours, node)
        RemoveImportsVisitor.remove_unused_import_by_node(theirs, node)
        assert ours.scratch == theirs.scratch, cst.Module([]).code_for_node(node)
        checked += bool(theirs.scratch)
    assert checked > 10


# -- positions computed a statement at a time are LibCST's -----------------------------------------

import random  # noqa: E402

from libcst.metadata import PositionProvider  # noqa: E402

POSITION_SOURCES = [
    "# header comment\n\n\nimport os\r\nx = (1 +\r\n     2)\r\n\r\ndef f():\r\n    return x\r\n# footer\r\n",
    "x = 1\ny = 2",  # no trailing newline
    "x = 1\ry = (2,\r     3)\rz = 4\r",  # old Mac line ends
    "\n\n",
    "if x:\n\tpass\nelse:\n\ty = '''a\nb'''\n",
    "class A:  # comment\n    @property\n    def f(self): return 1; z = 2\n\n# trailing\n",
    (
        "def f(a):\n    if a:\n        return 1\n    elif a is None:  # c\n        # indented comment\n        return 2\n"
        "    elif a == 3: return 3\n    else:\n        try:\n            pass\n        except E:\n            x = [\n"
        "                1,\n            ]\n        finally:\n            pass\n    while a: a -= 1\n"
        "    for i in a:\n        with open(i) as h, \\\n                open(j):\n            pass\n"
    ),
]


def test_positions_equal_libcsts_whatever_node_is_asked_first():
    modules = [cst.parse_module(source) for source in POSITION_SOURCES]
    modules += [cst.parse_module(path.read_bytes()) for path in CONTEXT_SOURCES]
    for number, module in enumerate(modules):
        reference = dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
        parent_of = parents(module)
        in_statements = [node for node in reference if _statement_of(node, module, parent_of) is not None]
        deepest_first = sorted(in_statements, key=lambda node: -_depth(node, parent_of))
        shuffled = random.Random(number).sample(in_statements, len(in_statements))
        for order in (in_statements, in_statements[::-1], deepest_first, shuffled, list(reference)):
            ours = resolve(MetadataWrapper(module, unsafe_skip_copy=True), PositionProvider)
            for node in order:
                assert ours[node] == reference[node], module.code_for_node(node)
            assert ours[module] == reference[module]
        assert ours.get(cst.Name("not_in_the_tree")) is None


def _depth(node, parent_of):  # type: ignore[no-untyped-def]
    depth = 0
    while node in parent_of:
        node, depth = parent_of[node], depth + 1
    return depth


def _statement_of(node, module, parent_of):  # type: ignore[no-untyped-def]
    while parent_of.get(node) is not None and parent_of[node] is not module:
        node = parent_of[node]
    return node if any(statement is node for statement in module.body) else None


# -- scopes computed without the batched traversal are LibCST's -------------------------------------


def _scope_shape(mapping, module):  # type: ignore[no-untyped-def]
    """Everything scope analysis says about a tree, with scopes named by their position in a walk."""
    numbering: dict[int, int] = {}
    for node in traversal.walk(module):
        scope = mapping.get(node)
        if scope is not None:
            numbering.setdefault(id(scope), len(numbering))

    def name(scope):  # type: ignore[no-untyped-def]
        return None if scope is None else (type(scope).__name__, numbering.get(id(scope)))

    by_node = [(id(node), name(mapping.get(node))) for node in traversal.walk(module)]
    scopes = {id(s): s for s in mapping.values() if s is not None}
    details = sorted(
        (
            name(scope),
            name(scope.parent) if scope.parent is not scope else "self",
            sorted((a.name, id(getattr(a, "node", None)), type(a).__name__, sorted(id(r.node) for r in a.references)) for a in scope.assignments),
            sorted((id(a.node), sorted((r.name, id(getattr(r, "node", None))) for r in a.referents)) for a in scope.accesses),
        )
        for scope in scopes.values()
    )
    return by_node, details


def test_scopes_equal_libcsts():
    for path in CONTEXT_SOURCES:
        module = cst.parse_module(path.read_bytes())
        reference = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
        ours = resolve(MetadataWrapper(module, unsafe_skip_copy=True), ScopeProvider)
        assert _scope_shape(ours, module) == _scope_shape(reference, module), path
