"""tf2migrate.traversal: the hooks LibCST's visit would call, in its order, and the same result."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from tf2migrate import traversal

ROOT = Path(__file__).parent.parent
SOURCES = [ROOT / "tests" / "data" / "expression_contexts.py", *sorted((ROOT / "fixtures").rglob("*.py"))]
FORMAT_SPECS = 'a = f"{x:>{width}} {y!r} {z=}"\nb = f"{x}"\nc = f"{x:{w}.{p}f}"\n'


class Log(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.calls.append(("visit", id(node), ""))
        return not isinstance(node, cst.Lambda)  # a visitor may skip children

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.calls.append(("visit_attribute", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.calls.append(("leave_attribute", id(original_node), attribute))

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.calls.append(("leave", id(original_node), ""))


class Rewrite(cst.CSTTransformer):
    """Renames, removes, flattens and replaces, logging every hook on original nodes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.calls.append(("visit", id(node), ""))
        return super().on_visit(node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.calls.append(("visit_attribute", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.calls.append(("leave_attribute", id(original_node), attribute))

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        self.calls.append(("leave", id(original_node), ""))
        return super().on_leave(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="renamed") if updated_node.value in ("tf", "x", "self") else updated_node

    def leave_SimpleStatementLine(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        code = cst.Module([]).code_for_node(original_node)
        if "import" in code or "pass" in code:
            return cst.RemoveFromParent()
        if "print" in code or "return" in code:
            return cst.FlattenSentinel([updated_node, cst.parse_statement("flattened = 1\n")])
        return updated_node

    def leave_Arg(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return cst.RemoveFromParent() if updated_node.keyword is not None and updated_node.keyword.value == "name" else updated_node

    def leave_Decorator(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return cst.RemoveFromParent()


class QuietLog(cst.CSTVisitor):
    """No attribute hooks at all: their calls are left out, which nothing can tell."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.calls.append(("visit", id(node)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.calls.append(("leave", id(original_node)))


class NamedAttributeHook(QuietLog):
    """An attribute hook found by name (LibCST's dispatch): it must be called."""

    def visit_Call_args(self, node: cst.Call) -> None:
        self.calls.append(("args of", id(node)))

    def leave_Attribute_attr(self, node: cst.Attribute) -> None:
        self.calls.append(("after attr of", id(node)))


class QuietRewrite(cst.CSTTransformer):
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="renamed") if updated_node.value in ("tf", "x", "self") else updated_node

    leave_SimpleStatementLine = Rewrite.leave_SimpleStatementLine
    leave_Arg = Rewrite.leave_Arg


def _modules() -> list[tuple[str, cst.Module]]:
    found = [(path.name, cst.parse_module(path.read_bytes())) for path in SOURCES]
    return [*found, ("format_specs", cst.parse_module(FORMAT_SPECS))]


def test_visit_calls_libcsts_hooks_in_libcsts_order():
    for name, module in _modules():
        theirs, ours = Log(), Log()
        module.visit(theirs)
        traversal.visit(module, ours)
        assert ours.calls == theirs.calls, name


def test_transform_gives_libcsts_tree_and_hook_calls():
    changed = 0
    for name, module in _modules():
        theirs, ours = Rewrite(), Rewrite()
        expected = module.visit(theirs)
        result = traversal.transform_module(module, ours)
        assert result.code == expected.code, name
        assert result.deep_equals(expected), name
        assert ours.calls == theirs.calls, name
        changed += result.code != module.code
    assert changed > 100


def test_unchanged_nodes_are_not_rebuilt():
    module = cst.parse_module("import os\n\ndef f(a):\n    return a + 1\n\nvalue = f(2)\n")
    assert traversal.transform_module(module, cst.CSTTransformer()) is module
    rewritten = traversal.transform_module(module, Rewrite())
    assert rewritten is not module
    assert rewritten.body[-1] is module.body[-1]  # `value = f(2)` had nothing to change


def test_a_removed_module_is_empty_as_in_libcst():
    class RemoveAll(cst.CSTTransformer):
        def leave_Module(self, original_node, updated_node):  # type: ignore[no-untyped-def]
            return cst.RemoveFromParent()

    module = cst.parse_module("# header\nx = 1\n")
    assert traversal.transform_module(module, RemoveAll()).code == module.visit(RemoveAll()).code


def test_removing_a_required_child_fails_as_in_libcst():
    class RemoveNames(cst.CSTTransformer):
        def leave_Name(self, original_node, updated_node):  # type: ignore[no-untyped-def]
            return cst.RemoveFromParent()

    module = cst.parse_module("x.y = 1\n")
    with pytest.raises(TypeError):
        module.visit(RemoveNames())
    with pytest.raises(TypeError):
        traversal.transform_module(module, RemoveNames())


@pytest.mark.parametrize("source", [FORMAT_SPECS, 'b = f"{x}"\n' + FORMAT_SPECS, "import a\nfrom . import (b)\nfrom c import *\n"])
def test_plans_do_not_depend_on_the_first_node_of_a_class_seen(source, monkeypatch):
    monkeypatch.setattr(traversal, "_PLANS", {})
    module = cst.parse_module(source)
    theirs, ours = Log(), Log()
    module.visit(theirs)
    traversal.visit(module, ours)
    assert ours.calls == theirs.calls


def test_visitors_without_attribute_hooks_see_the_same_visits():
    for name, module in _modules():
        for kind in (QuietLog, NamedAttributeHook):
            theirs, ours = kind(), kind()
            module.visit(theirs)
            traversal.visit(module, ours)
            assert ours.calls == theirs.calls, (name, kind)
    assert not traversal._silent_attribute_hooks(NamedAttributeHook())  # noqa: SLF001
    assert traversal._silent_attribute_hooks(QuietLog())  # noqa: SLF001


def test_transformers_without_attribute_hooks_give_the_same_trees():
    for name, module in _modules():
        assert traversal.transform_module(module, QuietRewrite()).deep_equals(module.visit(QuietRewrite())), name


def _children_walk(node: cst.CSTNode):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _children_walk(child)


def test_walk_is_libcsts_children_order_and_find_is_findall():
    import libcst.matchers as m

    for name, module in _modules():
        assert [id(n) for n in traversal.walk(module)] == [id(n) for n in _children_walk(module)], name
        for kind, matcher in ((cst.Call, m.Call()), (cst.Name, m.Name()), (cst.FunctionDef, m.FunctionDef())):
            assert [id(n) for n in traversal.find(module, kind)] == [id(n) for n in m.findall(module, matcher)], name


class SparseLog(cst.CSTVisitor):
    """Hooks on a few node classes only: everything below which it has none is not walked (`_class_hooks`)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def visit_Call(self, node: cst.Call) -> bool:
        self.calls.append(("visit Call", id(node)))
        return not (isinstance(node.func, cst.Name) and node.func.value == "print")  # skips some children

    def leave_Attribute(self, node: cst.Attribute) -> None:
        self.calls.append(("leave Attribute", id(node)))

    def visit_Comment(self, node: cst.Comment) -> None:  # deep inside whitespace: little is inert
        self.calls.append(("visit Comment", id(node)))


class SparseRewrite(cst.CSTTransformer):
    """A transformer with direct hooks (as `codemods.base.Codemod`) on a few node classes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def direct_hooks(self):  # type: ignore[no-untyped-def]
        return traversal.HookTable(self, "visit_"), traversal.HookTable(self, "leave_")

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(("visit Call", id(node)))

    def leave_Attribute(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        self.calls.append(("leave Attribute", id(original_node)))
        return updated_node.with_changes(attr=cst.Name("renamed")) if updated_node.attr.value == "Session" else updated_node

    def leave_Integer(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        self.calls.append(("leave Integer", id(original_node)))
        return updated_node.with_changes(value="7") if updated_node.value == "1" else updated_node


def test_inert_subtrees_are_skipped_without_a_visible_difference():
    def local_visitor():  # type: ignore[no-untyped-def]
        class Local(SparseLog):  # a new class at every call: kept by shape, not by class
            pass

        return Local()

    skipped = 0
    for name, module in _modules():
        for make in (SparseLog, local_visitor):
            theirs, ours = make(), make()
            module.visit(theirs)
            traversal.visit(module, ours)
            assert ours.calls == theirs.calls, name
        theirs, ours = SparseRewrite(), SparseRewrite()
        expected = module.visit(theirs)
        result = traversal.transform_module(module, ours)
        assert ours.calls == theirs.calls, name
        assert result.deep_equals(expected) and result.code == expected.code, name
        skipped += sum(type(node) in traversal._inert_classes(ours, *ours.direct_hooks()) for node in traversal.walk(module))  # noqa: SLF001
    assert skipped > 10_000  # the skipping is real: most nodes lie below an inert class
    assert not any("Local" in kind.__qualname__ for kind in traversal._VISITOR_HOOKS)  # noqa: SLF001


def test_node_classes_below_hold_every_descendant_of_parsed_trees():
    below = traversal._node_classes_below()  # noqa: SLF001
    for name, module in _modules():
        for node in traversal.walk(module):
            for child in node.children:
                assert type(child) in below[type(node)], (name, type(node).__name__, type(child).__name__)
                assert below[type(child)] <= below[type(node)], name
