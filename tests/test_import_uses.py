"""What rules learn without LibCST's scope analysis equals what the analysis gives, on every fixture and shipped
example and on constructs written for it: the imports a removed name refers to (`tf2migrate.import_uses`, asked by
`codemods.imports.schedule_removal_of_imports_used_by`) and the names stored to (`metadata.stored_names`, asked by
`legacy_calls`: every name LibCST's analysis has a Name assignment of is among them), the reads of a name one
module-level import binds (`ImportBindings.import_reads`, asked by `mnist_reader`). The import check runs on any folder with scripts/check_import_uses.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import Assignment, ExpressionContextProvider, MetadataWrapper, ParentNodeProvider, ScopeProvider

from codemods.imports import schedule_removal_of_imports_used_by
from tf2migrate import traversal
from tf2migrate.import_bindings import ImportBindings
from tf2migrate.import_uses import imports_used_by
from tf2migrate.metadata import resolve, stored_names

ROOT = Path(__file__).parent.parent
SOURCES = [Path(__file__).parent / "data" / "import_bindings.py", *sorted((ROOT / "fixtures").rglob("*.py")), *sorted((ROOT / "examples").rglob("*.py"))]

_spec = importlib.util.spec_from_file_location("check_import_uses", ROOT / "scripts" / "check_import_uses.py")
check = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(check)  # type: ignore[union-attr]

CONSTRUCTS = '''\
import os.path
import numpy as np
import tensorflow as tf
from keras import backend as K
from keras import layers
try:
    import tensorflow.compat.v1 as v1
except ImportError:
    v1 = None

def f(x, os=None):
    return K.dot(x, np.ones(3)) + tf.layers.dense(x, 3) + os.path.join(layers.Dense, tf.nn.relu(x=x))

class C:
    import json
    def g(self):
        return os.path.join(v1.Session, np.pi)
'''


def _stored_by_libcst(scopes) -> set[str]:  # type: ignore[no-untyped-def]  # noqa: ANN001
    found: set[str] = set()
    for scope in {scope for scope in scopes.values() if scope is not None}:
        found |= {a.name for a in scope.assignments if isinstance(a, Assignment) and isinstance(a.node, cst.Name)}
    return found


def test_answers_equal_libcsts_on_every_node():
    certain = with_imports = 0
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        differences, _, found, imports = check.compare(text)
        assert not differences, (path, differences[:5])
        certain, with_imports = certain + found, with_imports + imports
        module = cst.parse_module(text)
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        assert _stored_by_libcst(wrapper.resolve(ScopeProvider)) <= stored_names(wrapper), path
    assert certain > 50_000 and with_imports > 5_000  # most questions are answered without a scope analysis


def test_constructs_are_answered_where_certain():
    module = cst.parse_module(CONSTRUCTS)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    bindings = ImportBindings(module, wrapper.resolve(ParentNodeProvider), wrapper.resolve(ExpressionContextProvider), lambda: CONSTRUCTS)
    nodes = {module.code_for_node(n): n for n in traversal.walk(module) if isinstance(n, (cst.Name, cst.Attribute))}
    statements = {module.code_for_node(s.body[0]): s.body[0] for s in traversal.walk(module) if isinstance(s, cst.SimpleStatementLine)}
    assert imports_used_by(bindings, nodes["K"]) == [statements["from keras import backend as K"]]
    assert imports_used_by(bindings, nodes["K.dot"]) == []  # no import binds the dotted name
    assert imports_used_by(bindings, nodes["tf"]) == [statements["import tensorflow as tf"]]
    assert imports_used_by(bindings, nodes["layers.Dense"]) == []
    # `os` is also a parameter, `v1` also assigned, `json` imported in a class: left to the scopes
    assert imports_used_by(bindings, nodes["os.path"]) is None
    assert imports_used_by(bindings, nodes["v1"]) is None
    # the reads of an import (the references of its assignment): every Name reading `K`, none for `os` (a parameter too)
    every_name = list(traversal.find(module, cst.Name))
    statement, reads = bindings.import_reads("K", every_name)  # type: ignore[misc]
    assert statement is statements["from keras import backend as K"] and [module.code_for_node(n) for n in reads] == ["K"]
    assert bindings.import_reads("os", every_name) is None and bindings.import_reads("v1", every_name) is None
    early = "x = np.zeros(1)\nimport numpy as np\ny = np.ones(1)\ndef f():\n    return np.pi\n"
    module = cst.parse_module(early)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    bindings = ImportBindings(module, wrapper.resolve(ParentNodeProvider), wrapper.resolve(ExpressionContextProvider), lambda: early)
    _, reads = bindings.import_reads("np", list(traversal.find(module, cst.Name)))  # type: ignore[misc]
    assert [module.code_for_node(wrapper.resolve(ParentNodeProvider)[n]) for n in reads] == ["np.ones", "np.pi"]  # not the read before the import
    for text in (CONSTRUCTS, early):
        differences, *_ = check.compare(text)
        assert not differences


def _requests(text: str, pick, libcst_way: bool) -> tuple[list, bool]:  # type: ignore[no-untyped-def]  # noqa: ANN001
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    context = CodemodContext(wrapper=wrapper)
    node = next(n for n in traversal.walk(module) if isinstance(n, cst.Call) and pick(module.code_for_node(n)))
    if libcst_way:
        resolve(wrapper, ScopeProvider)
        RemoveImportsVisitor.remove_unused_import_by_node(context, node)
    else:
        schedule_removal_of_imports_used_by(context, node)
    return context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY, []), ScopeProvider in wrapper._metadata  # noqa: SLF001


def test_removal_requests_are_libcsts_and_need_no_scopes_when_certain():
    text = CONSTRUCTS + "y = K.dot(tf.ones(2), layers.Dense(1)(np.zeros(3)))\n"
    pick = lambda code: code.startswith("K.dot(tf.ones")  # noqa: E731
    ours, analysed = _requests(text, pick, libcst_way=False)
    theirs, _ = _requests(text, pick, libcst_way=True)
    assert ours == theirs == [("keras", "backend", "K"), ("tensorflow", None, "tf"), ("keras", "layers", None), ("numpy", None, "np")]
    assert not analysed
    # a name also bound otherwise (`os` is a parameter): LibCST's lookup, the same requests
    pick = lambda code: code.startswith("os.path.join(layers")  # noqa: E731
    ours, analysed = _requests(CONSTRUCTS, pick, libcst_way=False)
    theirs, _ = _requests(CONSTRUCTS, pick, libcst_way=True)
    assert ours == theirs and analysed
