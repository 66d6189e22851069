"""The engine owns its traversal: scope analysis through `RoutedScopeVisitor` gives LibCST's scopes, and no
read-only visit of a run goes through LibCST's rebuilding `CSTNode.visit` (nothing patches LibCST)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ScopeProvider
from libcst.metadata.scope_provider import ScopeVisitor

from tf2migrate import metadata
from tf2migrate.engine import migrate_text
from tf2migrate.scope_visitor import ROUTED_METHODS, RoutedScopeVisitor
from tf2migrate.selection import Selection

ROOT = Path(__file__).resolve().parent.parent
SCOPES = '''
import tensorflow as tf
from typing import List

class Layer(tf.keras.layers.Layer):
    units: "List[int]" = []

    def __init__(self, n: "int" = 3, *args, k=lambda q: q + 1, **kw):
        super().__init__()
        self.n = n

    @staticmethod
    def f(x, /, y, *, z=1) -> "Layer":
        total = sum(v * w for v in x for w in y if v)
        squares = {k: [j ** 2 for j in range(k)] for k in x}
        return lambda a, b=total: a + b + z + len(squares)

def outer():
    count = 0
    def inner():
        nonlocal count
        global tf
        count += 1
        return tf.constant(count)
    for i, (a, b) in enumerate(zip([1], [2])):
        print(i, a, b, f"{inner()!r:>{count}}")
    return inner

type_alias = tf.Tensor
'''


def _fixture_inputs(limit_per_folder: int = 1) -> list[Path]:
    chosen = []
    for folder in sorted((ROOT / "fixtures").iterdir()):
        if folder.is_dir() and folder.name != "exec":
            chosen.extend(sorted(folder.glob("*.py"))[:limit_per_folder])
    return [path for path in chosen if not path.name.endswith((".out.py", "_expected.py"))]


def _describe(scopes) -> list[tuple]:  # noqa: ANN001
    """Every scope's kind, assignments and accesses, by name and position in the tree (comparable across runs)."""
    seen, rows = set(), []
    for scope in scopes.values():
        if scope is None or id(scope) in seen:
            continue
        seen.add(id(scope))
        assignments = sorted((a.name, type(a).__name__) for a in scope.assignments)
        accesses = sorted(
            (a.node.value if isinstance(a.node, cst.Name) else type(a.node).__name__, len(a.referents), a.is_annotation, a.is_type_hint)
            for a in scope.accesses
        )
        rows.append((type(scope).__name__, assignments, accesses))
    return sorted(rows, key=repr)


def test_every_sub_visit_of_libcsts_scope_visitor_is_routed():
    own = {name for name, member in vars(ScopeVisitor).items() if callable(member) and name.startswith("visit_")}
    import inspect

    calling = {name for name in own if ".visit(self)" in inspect.getsource(vars(ScopeVisitor)[name])}
    assert calling and calling <= set(ROUTED_METHODS)


@pytest.mark.parametrize("source", [SCOPES, *(path.read_text(encoding="utf-8") for path in _fixture_inputs()[:25])])
def test_routed_scope_analysis_equals_libcsts(source):
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        pytest.skip("fixture that does not parse")
    ours = metadata.scopes(MetadataWrapper(module, unsafe_skip_copy=True))
    theirs = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True).resolve(ScopeProvider)
    assert _describe(ours) == _describe(theirs)
    assert len(ours) == len(theirs)


def test_no_read_only_visit_goes_through_libcsts_rebuilding_visit(monkeypatch):
    """A rule that writes `node.visit(SomeVisitor())` is correct but walks the tree as slowly as a parse;
    such visits must use `traversal.visit` (no process-wide patch reroutes them any more). Fails on the
    sub-visits of LibCST's own ScopeVisitor too, were they not routed."""
    slow: list[str] = []
    libcst_visit = cst.CSTNode.visit

    def counting(self, visitor):  # noqa: ANN001, ANN202
        caller = sys._getframe(1).f_code.co_filename  # noqa: SLF001
        if f"libcst{os.sep}_nodes{os.sep}" in caller:
            # a child visit made by LibCST's own node code: traversal hands it the few nodes whose fields its
            # plans do not cover (`traversal._irregular`), by design
            return libcst_visit(self, visitor)
        module = type(visitor).__module__
        # tf2migrate's visitors and the routed scope analysis; not traversal's own plan recordings, and not
        # the internal searches of LibCST's import-removal codemod (used as LibCST wrote it, see imports.py)
        ours = module.startswith("tf2migrate.") and module != "tf2migrate.traversal"
        if isinstance(visitor, cst.CSTVisitor) and (ours or isinstance(visitor, ScopeVisitor)):
            slow.append(f"{type(visitor).__module__}.{type(visitor).__qualname__} on {type(self).__name__}")
        return libcst_visit(self, visitor)

    monkeypatch.setattr(cst.CSTNode, "visit", counting)  # the test watches; the engine patches nothing
    sources = [SCOPES, *(path.read_text(encoding="utf-8") for path in _fixture_inputs(2))]
    for source in sources:
        try:
            migrate_text(source, Selection())
        except Exception:  # noqa: BLE001 (fixtures of unreadable input are not the point here)
            pass
    assert slow == []
    assert isinstance(RoutedScopeVisitor, type)


def test_cached_dispatch_gives_libcsts_assignments_accesses_and_order():
    """The dispatch cached by node type (`scope_visitor._cached_dispatch`) is in place, and every assignment and
    access (with its order index and referents) equals LibCST's: scripts/check_scope_visitor.py, on any folder."""
    import importlib.util

    from tf2migrate import scope_visitor

    assert RoutedScopeVisitor.on_leave is scope_visitor._on_leave  # noqa: SLF001
    spec = importlib.util.spec_from_file_location("check_scope_visitor", ROOT / "scripts" / "check_scope_visitor.py")
    check = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(check)  # type: ignore[union-attr]
    sources = [SCOPES, "x = 1\nprint(x)\nx = x + 1\nfor i in x: del i\n", *(path.read_text(encoding="utf-8") for path in _fixture_inputs()[:40])]
    for source in sources:
        try:
            cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        assert check.compare(source), source[:200]
