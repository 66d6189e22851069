"""`tf2migrate.import_bindings` answers exactly as LibCST's scope analysis (`get_qualified_names_for`) wherever it
answers: every Name / Attribute / Call / Subscript node of every fixture, shipped example and the construct file
tests/data/import_bindings.py. The same check runs on any folder with scripts/check_import_bindings.py."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from tf2migrate import traversal
from tf2migrate.import_bindings import ImportBindings
from tf2migrate.metadata import QualifiedNames, resolve

ROOT = Path(__file__).parent.parent
CONSTRUCTS = Path(__file__).parent / "data" / "import_bindings.py"
SOURCES = [CONSTRUCTS, *sorted((ROOT / "fixtures").rglob("*.py")), *sorted((ROOT / "examples").rglob("*.py"))]
ASKED = (cst.Name, cst.Attribute, cst.Call, cst.Subscript)


def _bindings(module: cst.Module, text: str, wrapper: MetadataWrapper) -> ImportBindings:
    return ImportBindings(module, wrapper.resolve(ParentNodeProvider), wrapper.resolve(ExpressionContextProvider), lambda: text)


def _differences(text: str) -> tuple[list[str], int, int]:
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    bindings = _bindings(module, text, wrapper)
    differences: list[str] = []
    full = imported = 0
    for node in traversal.walk(module):
        if not isinstance(node, ASKED):
            continue
        scope = scopes.get(node)
        reference = scope.get_qualified_names_for(node) if scope else set()
        ours = bindings.qualified_names(node)
        if ours is not None:
            full += 1
            if set(ours) != set(reference):
                differences.append(f"{module.code_for_node(node)!r}: {sorted(map(str, ours))} != {sorted(map(str, reference))}")
        ours = bindings.imported(node)
        if ours is not None:
            imported += 1
            expected = {q for q in reference if q.source is QualifiedNameSource.IMPORT}
            if set(ours) != expected:
                differences.append(f"imported {module.code_for_node(node)!r}: {sorted(map(str, ours))} != {sorted(map(str, expected))}")
    module_scope = scopes[module]
    for name in sorted({node.value for node in traversal.walk(module) if isinstance(node, cst.Name)}):
        statements = bindings.module_imports(name)
        if statements is not None:
            expected = sorted(id(a.node) for a in module_scope.assignments[name])  # type: ignore[attr-defined]
            if sorted(map(id, statements)) != expected:
                differences.append(f"module imports of {name}: {len(statements)} statements, LibCST {len(expected)}")
    return differences, full, imported


def test_answers_equal_libcsts_on_every_node():
    answered = 0
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        differences, full, imported = _differences(text)
        assert not differences, (path, differences[:5])
        answered += full + imported
    assert answered > 100_000  # most questions are answered without a scope analysis


def test_constructs_file_is_answered_where_it_can_be():
    text = CONSTRUCTS.read_text(encoding="utf-8")
    module = cst.parse_module(text)
    bindings = _bindings(module, text, MetadataWrapper(module, unsafe_skip_copy=True))
    assert bindings.certain
    by_code = {module.code_for_node(node): node for node in traversal.walk(module) if isinstance(node, ASKED)}
    names = lambda found: sorted(q.name for q in found)  # noqa: E731
    assert names(bindings.qualified_names(by_code["v1.Session"])) == ["tensorflow.compat.v1.Session"]
    assert names(bindings.qualified_names(by_code["tensorflow.compat.v1.Session"])) == ["tensorflow.compat.v1.Session"]
    assert names(bindings.qualified_names(by_code["math_ops.add"])) == ["tensorflow.python.ops.math_ops.add"]
    # `np` and `K` are bound by an import and otherwise too: left to LibCST
    assert bindings.qualified_names(by_code["np.zeros"]) is None
    assert bindings.qualified_names(by_code["K.zeros"]) is None
    # no import binds `sess`: it names no imported object, whatever its scope
    assert bindings.imported(by_code["sess.run"]) == set()
    assert bindings.qualified_names(by_code["sess.run"]) is None


def test_uncertain_files_are_left_to_libcst():
    for source in ('def f[T](x: T) -> T:\n    return tf.x\nimport tensorflow as tf\n', 'import tensorflow as tf\ndef f(x: "import os"): pass\n', 'type A = int\n'):
        module = cst.parse_module(source)
        assert not _bindings(module, source, MetadataWrapper(module, unsafe_skip_copy=True)).certain, source


def test_qualified_names_mapping_resolves_no_scopes_when_the_imports_tell():
    text = CONSTRUCTS.read_text(encoding="utf-8")
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    mapping = resolve(wrapper, QualifiedNameProvider)
    assert isinstance(mapping, QualifiedNames)
    call = next(node for node in traversal.walk(module) if isinstance(node, cst.Attribute) and module.code_for_node(node) == "v1.Session")
    assert {q.name for q in mapping[call]} == {"tensorflow.compat.v1.Session"}
    sess = next(node for node in traversal.walk(module) if isinstance(node, cst.Attribute) and module.code_for_node(node) == "sess.run")
    assert mapping.imported(sess) == set()
    assert ScopeProvider not in wrapper._metadata  # noqa: SLF001
    # a question the imports cannot settle: LibCST's scope analysis, once, then shared
    np_zeros = next(node for node in traversal.walk(module) if isinstance(node, cst.Attribute) and module.code_for_node(node) == "np.zeros")
    assert {q.name for q in mapping[np_zeros]} == {"numpy.zeros", "np.zeros"}
    assert ScopeProvider in wrapper._metadata  # noqa: SLF001
