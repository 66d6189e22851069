"""Import edits shared by the rules: find how a module is imported, add or drop imports.

Adding and removing go through LibCST's own import visitors, scheduled on the codemod's context;
the engine applies them after each codemod.
"""

from __future__ import annotations

import ast
import symtable
from collections.abc import Callable
from dataclasses import replace

import libcst as cst
from libcst import MetadataDependent
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.codemod.visitors._remove_imports import RemovedNodeVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, ScopeProvider

from tf2migrate import traversal
from tf2migrate.metadata import resolve_all

from .base import without_matcher_decorators
from .source_text import module_text


def module_alias(module: cst.Module, target: str) -> str | None:
    """The name a module-level `import target [as alias]` binds, e.g. 'tf' for tensorflow."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                if get_full_name_for_node(alias.name) != target:
                    continue
                if alias.asname is not None:
                    return get_full_name_for_node(alias.asname.name)
                return target
    return None


def require_module(context: CodemodContext, module: cst.Module, target: str, preferred_alias: str) -> str:
    """The name to write for module `target`; schedules `import target as preferred_alias` if absent."""
    existing = module_alias(module, target)
    if existing is not None:
        return existing
    AddImportsVisitor.add_needed_import(context, target, asname=None if preferred_alias == target else preferred_alias)
    return preferred_alias


def tensorflow_name(context: CodemodContext, module: cst.Module) -> str:
    """How to spell the `tensorflow` (TF2) module in this file: its alias, adding `import tensorflow as tf`."""
    return require_module(context, module, "tensorflow", "tf")


def schedule_unused_import_removal(context: CodemodContext, module_name: str, obj: str | None = None, asname: str | None = None) -> None:
    """Drop `import module_name` / `from module_name import obj` if nothing uses it any more."""
    RemoveImportsVisitor.remove_unused_import(context, module_name, obj, asname)


def schedule_removal_of_imports_used_by(context: CodemodContext, node: cst.CSTNode) -> None:
    """`RemoveImportsVisitor.remove_unused_import_by_node`: drop the imports `node` (about to be
    removed) refers to, if nothing else uses them.

    The same requests as LibCST's, found by its own `RemovedNodeVisitor`; only that visitor is made
    without the per-instance scan for matcher decorators it does not have (about 10 ms each time,
    and rules call this for every node they drop), and walks the node without rebuilding it.
    """
    if context.wrapper is not None:
        resolve_all(context.wrapper, (ScopeProvider,))  # LibCST's visitors ask the wrapper for scopes: the cheaper ones
    if isinstance(node, (cst.Import, cst.ImportFrom)):
        RemoveImportsVisitor.remove_unused_import_by_node(context, node)
        return
    visitor = RemovedNodeVisitor.__new__(RemovedNodeVisitor)  # ContextAwareVisitor.__init__ without the scan
    MetadataDependent.__init__(visitor)
    cst.CSTVisitor.__init__(visitor)
    without_matcher_decorators(visitor)
    visitor.context = context
    traversal.visit(node, visitor)


def apply_import_edits(context: CodemodContext, tree: cst.Module, fresh: Callable[[cst.Module], cst.Module]) -> cst.Module:
    """Carry out the import edits the codemod scheduled (nothing scheduled: no work).

    `fresh(tree)` re-parses a tree from its code; LibCST's visitors, which resolve scopes of their own,
    are given such a tree without shared nodes. Plain `import x [as y]` additions (all the rules ask
    for) are made directly on the module's statements, without a traversal.
    """
    reparsed = False
    if context.scratch.get(AddImportsVisitor.CONTEXT_KEY):
        added = add_module_imports(context, tree)
        if added is None:
            tree, reparsed = fresh(tree), True
            added = _transform_without_copy(AddImportsVisitor(context), tree)
        tree = added
    requests = context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY)
    if requests and not _all_still_used(requests, tree.code):
        if not reparsed:
            tree = fresh(tree)
        tree = _transform_without_copy(RemoveImportsVisitor(context), tree)
    return tree


def add_module_imports(context: CodemodContext, tree: cst.Module) -> cst.Module | None:
    """What `AddImportsVisitor` makes of `import x` / `import x as y` requests, without its two traversals
    of the tree; None when some request is another kind of import (the visitor is then used).

    Same result as the visitor: a request already met by the import block at the top of the file
    (after a docstring or `__strict__` flag) is dropped; the others are inserted at the end of that
    block, `import x` sorted first, then `import x as y` in request order, with an empty line before
    the first statement that follows.
    """
    items = context.scratch.get(AddImportsVisitor.CONTEXT_KEY) or []
    if any(item.obj_name is not None or item.relative for item in items):
        return None
    plain = {item.module for item in items if item.alias is None}
    aliased = {item.module: item.alias for item in items if item.alias is not None}
    start = 1 if _docstring_or_strict_first(tree) else 0
    end = start
    for statement in tree.body[start:]:
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))):
            break
        end += 1
        small = statement.body[0]
        if isinstance(small, cst.Import):
            for name in small.names:
                if name.evaluated_alias is None:
                    plain.discard(name.evaluated_name)
                elif aliased.get(name.evaluated_name) == name.evaluated_alias:
                    del aliased[name.evaluated_name]
    if not plain and not aliased:
        return tree
    config = tree.config_for_parsing
    new = [cst.parse_statement(f"import {module}", config=config) for module in sorted(plain)]
    new += [cst.parse_statement(f"import {module} as {alias}", config=config) for module, alias in aliased.items()]
    after = list(tree.body[end:])
    if after:
        leading = after[0].leading_lines
        if not leading:
            after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(),))
        elif leading[0].comment is not None:
            after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(), *leading))
    return tree.with_changes(body=(*tree.body[:end], *new, *after))


def _docstring_or_strict_first(tree: cst.Module) -> bool:
    """AddImportsVisitor's `_skip_first`: never insert before a leading docstring or `__strict__ = ...`."""
    if not tree.body or not isinstance(tree.body[0], cst.SimpleStatementLine) or len(tree.body[0].body) != 1:
        return False
    first = tree.body[0].body[0]
    if isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString):
        return True
    return (
        isinstance(first, cst.Assign)
        and len(first.targets) == 1
        and isinstance(first.targets[0].target, cst.Name)
        and first.targets[0].target.value == "__strict__"
    )


def _all_still_used(requests: list[tuple[str, str | None, str | None]], text: str) -> bool:
    """True when RemoveImportsVisitor provably removes nothing: every import it would consider is still used.

    Rules schedule removals generously (`remove_unused_import_by_node` on every node they drop), and
    the import usually still serves other code (`tf` above all), while the visitor costs a scope
    analysis of the whole file. The imports the visitor would consider are matched exactly as it
    matches them; each must be a module-level import whose name CPython's own symbol table
    (`symtable`, in C) reports as read in module scope or as a global in a nested scope. A name
    Python reads there is a name LibCST's scope analysis finds accesses of, so the visitor would keep
    it. Anything else (a relative or dotted import, an import inside a function, a file `symtable`
    rejects) answers False and the visitor runs.
    """
    modules: dict[str, str | None] = {module: alias for module, obj, alias in requests if obj is None}
    objects: dict[str, set[tuple[str, str | None]]] = {}
    for module, obj, alias in requests:
        if obj is not None:
            objects.setdefault(module, set()).add((obj, alias))
    try:
        tree = ast.parse(text)
        table = symtable.symtable(text, "<tf2migrate>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    names: set[str] = set()
    for statement, nested in _statements(tree.body, nested=False):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name in modules and modules[alias.name] == alias.asname:
                    if nested or (alias.asname is None and "." in alias.name):
                        return False
                    names.add(alias.asname or alias.name)
        elif isinstance(statement, ast.ImportFrom):
            if statement.level:
                return False
            wanted = objects.get(statement.module or "", ())
            for alias in statement.names:
                if (alias.name, alias.asname) in wanted:
                    if nested or alias.name == "*":
                        return False
                    names.add(alias.asname or alias.name)
    return all(_read(table, name) for name in names)


def _statements(body: list[ast.stmt], nested: bool):
    """Every statement, with whether it sits inside a function or class body."""
    for statement in body:
        yield statement, nested
        inner = nested or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for field in ("body", "orelse", "finalbody"):
            block = getattr(statement, field, None)
            if isinstance(block, list):
                yield from _statements(block, inner)
        for handler in getattr(statement, "handlers", ()):
            yield from _statements(handler.body, inner)
        for case in getattr(statement, "cases", ()):
            yield from _statements(case.body, inner)


def _read(table: symtable.SymbolTable, name: str) -> bool:
    """`name` is read in module scope, or read as a global in some nested scope."""
    try:
        if table.lookup(name).is_referenced():
            return True
    except KeyError:
        pass
    pending = list(table.get_children())
    while pending:
        child = pending.pop()
        try:
            symbol = child.lookup(name)
        except KeyError:
            symbol = None
        if symbol is not None and symbol.is_referenced() and symbol.is_global():
            return True
        pending.extend(child.get_children())
    return False


def _transform_without_copy(visitor: ContextAwareTransformer, tree: cst.Module) -> cst.Module:
    """`visitor.transform_module(tree)` without its deep copy of the tree (as costly as a parse).

    The copy guards against one node object appearing twice in a tree. The engine hands in a tree
    freshly parsed from the rule's output (and AddImportsVisitor only inserts new statements), so
    the metadata of these visitors (scopes, to find imports nothing uses any more) is computed on a
    tree without shared nodes, as with the copy.
    """
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    resolve_all(wrapper, visitor.get_inherited_dependencies())  # the cheaper equivalents, where there are some
    outer = visitor.context
    with visitor.resolve(wrapper):
        visitor.context = replace(outer, wrapper=wrapper)
        try:
            return visitor.transform_module_impl(wrapper.module)
        finally:
            visitor.context = outer


def keras_namespace(module: cst.Module) -> tuple[str, tuple[str, str | None] | None]:
    """How to spell the Keras API (`<this>.initializers.Zeros`) in this file, and the import it needs.

    `<alias>.keras` when TensorFlow is imported (`tensorflow`, or `tensorflow.compat.v1/v2`, whose
    `keras` is the same Keras), else `keras` when the file imports Keras itself. Otherwise the second
    item is the import to add, as (module, alias), through `require_keras_namespace` once a fix is
    really made: `import keras` in a file that never mentions TensorFlow, else `import tensorflow as tf`.
    """
    for target in ("tensorflow", "tensorflow.compat.v1", "tensorflow.compat.v2"):
        alias = module_alias(module, target)
        if alias is not None and alias != target:
            return f"{alias}.keras", None
        if alias == "tensorflow":
            return "tensorflow.keras", None
    if module_alias(module, "keras") == "keras":
        return "keras", None
    bound = _from_tensorflow_import_keras(module)
    if bound is not None:
        return bound, None
    if "tensorflow" not in module_text(module):
        return "keras", ("keras", None)
    return "tf.keras", ("tensorflow", "tf")


def _from_tensorflow_import_keras(module: cst.Module) -> str | None:
    """The name a module-level `from tensorflow import keras [as k]` binds, if any."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or small.relative or isinstance(small.names, cst.ImportStar):
                continue
            if get_full_name_for_node(small.module) != "tensorflow":
                continue
            for alias in small.names:
                if get_full_name_for_node(alias.name) == "keras":
                    return get_full_name_for_node(alias.asname.name) if alias.asname is not None else "keras"
    return None


def require_keras_namespace(context: CodemodContext, needed: tuple[str, str | None] | None) -> None:
    """Schedule the import `keras_namespace` said its spelling needs (nothing if None)."""
    if needed is not None:
        AddImportsVisitor.add_needed_import(context, needed[0], asname=needed[1])
