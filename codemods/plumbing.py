"""Shared predicate: is a TF1 Session kept only as Keras 2 serving plumbing?

The Keras 2 serving pattern keeps a session only to hand it to Keras and re-enter it:

    sess = tf.Session(config=config)      # or self.sess = ...
    K.set_session(sess)                   # or K.set_session(tf.Session())
    with sess.as_default():               # or with sess.graph.as_default():
        model.predict(x)

Such a session runs nothing itself. `graph_plumbing` (TFM251) removes all of it natively; `sessions`
(which runs first) must therefore neither treat it as a Session program nor report it as one it
could not convert (TFM211/TFM214), or a fully migrated file would keep a stale manual finding.

`session_only_plumbing(visitor, statement, session_names)` answers for the statement that creates a
session. The visitor needs `ParentNodeProvider` and `ScopeProvider` metadata and a `qualified_name`
method (every `Codemod` has them). Anything the predicate does not fully understand (a rebinding,
`with sess.as_default() as s`, any other use of the name) answers False: the session is then the
`sessions` rule's to convert or report.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from tf2migrate.traversal import walk

from .graph_mode import EAGER_SWITCHES, GRAPH_DRIVERS, GRAPH_MODE_NAMES
from .names import only_binding

if TYPE_CHECKING:
    from .base import Codemod

SET_SESSION = "keras.backend.set_session"
PLUMBING_CODE = "TFM251"  # graph_plumbing's rule that removes such sessions


def _parent(visitor: "Codemod", node: cst.CSTNode) -> cst.CSTNode | None:
    return visitor.get_metadata(ParentNodeProvider, node, None)


def _only_small(statement: cst.CSTNode) -> cst.BaseSmallStatement | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None


def _is_set_session_argument(visitor: "Codemod", node: cst.CSTNode) -> bool:
    """`K.set_session(<node>)` as a statement of its own, with `node` its only argument."""
    arg = _parent(visitor, node)
    if not isinstance(arg, cst.Arg) or arg.keyword is not None or arg.star:
        return False
    call = _parent(visitor, arg)
    if not isinstance(call, cst.Call) or len(call.args) != 1 or visitor.qualified_name(call) != SET_SESSION:
        return False
    return isinstance(_parent(visitor, call), cst.Expr)


def _is_as_default_item(visitor: "Codemod", node: cst.CSTNode) -> bool:
    """`with <node>.as_default():` or `with <node>.graph.as_default():`, without `as`."""
    attribute = _parent(visitor, node)
    if isinstance(attribute, cst.Attribute) and attribute.value is node and attribute.attr.value == "graph":
        node, attribute = attribute, _parent(visitor, attribute)
    if not (isinstance(attribute, cst.Attribute) and attribute.value is node and attribute.attr.value == "as_default"):
        return False
    call = _parent(visitor, attribute)
    if not (isinstance(call, cst.Call) and not call.args):
        return False
    item = _parent(visitor, call)
    return isinstance(item, cst.WithItem) and item.asname is None


def _plumbing_use(visitor: "Codemod", node: cst.CSTNode) -> bool:
    return _is_set_session_argument(visitor, node) or _is_as_default_item(visitor, node)


def session_only_plumbing(visitor: "Codemod", statement: cst.CSTNode, session_names: frozenset[str]) -> bool:
    """True if `statement` creates a session (a call named in `session_names`) that is used only for
    `K.set_session(...)` and `with ....as_default():` blocks (see the module docstring)."""
    small = _only_small(statement)
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        # K.set_session(tf.Session(...))
        call = small.value
        return (
            visitor.qualified_name(call) == SET_SESSION
            and len(call.args) == 1
            and isinstance(call.args[0].value, cst.Call)
            and visitor.qualified_name(call.args[0].value) in session_names
        )
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call)):
        return False
    if visitor.qualified_name(small.value) not in session_names:
        return False
    target = small.targets[0].target
    if isinstance(target, cst.Name):
        return _name_only_plumbing(visitor, small, target)
    if m.matches(target, m.Attribute(value=m.Name("self"), attr=m.Name())):
        return _attribute_only_plumbing(visitor, small, target)  # type: ignore[arg-type]
    return False


def _name_only_plumbing(visitor: "Codemod", assign: cst.Assign, target: cst.Name) -> bool:
    scope = visitor.get_metadata(ScopeProvider, target, None)
    if scope is None:
        return False
    assignments = [a for a in scope.assignments[target.value]]
    if len(assignments) != 1:
        return False  # rebound somewhere: not a plain handle
    accesses = list(assignments[0].references)
    if not accesses:
        return False  # made and never used: TFM005's, not plumbing
    return all(_plumbing_use(visitor, access.node) for access in accesses)


def _attribute_only_plumbing(visitor: "Codemod", assign: cst.Assign, target: cst.Attribute) -> bool:
    """`self.sess = tf.Session()`: every other `self.sess` in the class is plumbing."""
    class_def: cst.CSTNode | None = assign
    while class_def is not None and not isinstance(class_def, cst.ClassDef):
        class_def = _parent(visitor, class_def)
    if class_def is None:
        return False
    name = target.attr.value
    uses = [
        node
        for node in walk(class_def)
        if m.matches(node, m.Attribute(value=m.Name("self"), attr=m.Name(name)))
        and node is not target
    ]
    return bool(uses) and all(_plumbing_use(visitor, node) for node in uses)


def fallback_cannot_switch(visitor: "Codemod", node: cst.CSTNode) -> bool:
    """True if graph_plumbing reports TFM261 at `node` because the graph-mode fallback cannot switch the
    import it comes through (`import tensorflow` without an alias, an import inside `try:`): a graph
    driver (`tensorflow.placeholder`, `tensorflow.Session`) reached through `tensorflow` by a name that
    no module-level `import tensorflow as X` binds, in a file that does not switch eager execution on.

    Later rules (api_renames' TFM407) stay quiet there: TFM261 already says what to do.
    """
    from . import CODEMOD_MODULES

    if "graph_plumbing" not in CODEMOD_MODULES or not (visitor.enabled("TFM260") and visitor.enabled("TFM261")):
        return False
    canonical = visitor.qualified_name(node)
    if canonical not in GRAPH_MODE_NAMES:
        return False
    found = visitor.get_metadata(QualifiedNameProvider, node, None) or set()
    imported = [q.name for q in found if q.source is QualifiedNameSource.IMPORT]
    if len(imported) != 1 or not imported[0].startswith("tensorflow.") or imported[0].startswith("tensorflow.compat."):
        return False
    head = node
    while isinstance(head, cst.Attribute):
        head = head.value  # type: ignore[assignment]
    if not isinstance(head, cst.Name):
        return False
    module = head
    while True:
        parent = _parent(visitor, module)
        if parent is None:
            break
        module = parent
    if not isinstance(module, cst.Module):
        return False
    switched_aliases = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        if alias.asname is not None and cst.Module([]).code_for_node(alias.name) == "tensorflow":
                            switched_aliases.add(cst.Module([]).code_for_node(alias.asname.name))
    if head.value in switched_aliases:
        return False
    return _drives_a_graph(visitor, module, GRAPH_DRIVERS, EAGER_SWITCHES)


def _drives_a_graph(visitor: "Codemod", module: cst.Module, drivers: frozenset[str], eager: frozenset[str]) -> bool:
    """graph_plumbing's test for a graph program: a graph driver (or a `feed_dict=`) is named, and
    no eager switch is. Computed once per visitor."""
    cached = getattr(visitor, "_plumbing_drives_a_graph", None)
    if cached is not None and cached[0] is module:
        return cached[1]
    named: set[str] = set()
    feeds = False
    stack: list[cst.CSTNode] = [module]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Name, cst.Attribute)):
            qualified = visitor.qualified_name(current)
            if qualified is not None:
                named.add(qualified)
        elif isinstance(current, cst.Arg) and current.keyword is not None and current.keyword.value == "feed_dict":
            feeds = True
        stack.extend(current.children)
    result = (feeds or bool(named & drivers)) and not named & eager
    visitor._plumbing_drives_a_graph = (module, result)  # type: ignore[attr-defined]
    return result


def handed_to_other_code(visitor: "Codemod", node: cst.CSTNode) -> bool:
    """True if `node` (a graph/session handle) is an argument of a call that `legacy_calls` reports as
    handing it over: TFM301 (a function of an imported package that is neither TensorFlow, Keras nor
    the standard library) or TFM302 (a function or class defined in this file).

    legacy_calls owns "handed to other code": the rules that run before it (sessions' TFM211,
    graph_plumbing's TFM254) and after it (api_renames' TFM407 on the factory) stay quiet there. A
    callee this cannot place for certain (a method of a local object) answers False: the other rules
    then still report what they see.
    """
    from . import CODEMOD_MODULES, names

    if "legacy_calls" not in CODEMOD_MODULES:
        return False
    arg = _parent(visitor, node)
    if not isinstance(arg, cst.Arg) or arg.star or arg.value is not node:
        return False
    call = _parent(visitor, arg)
    if not isinstance(call, cst.Call):
        return False
    found = visitor.get_metadata(QualifiedNameProvider, call.func, None) or set()
    if not found or any(q.source is QualifiedNameSource.BUILTIN for q in found):
        return False
    if all(q.source is QualifiedNameSource.IMPORT for q in found):
        packages = {q.name.split(".")[0] for q in found}
        if len(packages) != 1 or packages.pop() in sys.stdlib_module_names:
            return False
        if any(names.is_tensorflow_or_keras(names.canonical(q.name)) for q in found):
            return False
        return visitor.enabled("TFM301")
    if isinstance(call.func, cst.Name):
        scope = visitor.get_metadata(ScopeProvider, call.func, None)
        if scope is None:
            return False
        referents = [r for access in scope.accesses[call.func.value] if access.node is call.func for r in access.referents]
        if referents and all(isinstance(getattr(r, "node", None), (cst.FunctionDef, cst.ClassDef)) for r in referents):
            return visitor.enabled("TFM302")
    return False


def value_only_handed(visitor: "Codemod", call: cst.CSTNode) -> bool:
    """True if the value of `call` (`tf.get_default_graph()`) is only ever handed to other code: an
    argument itself, or bound once to a name whose every use is such an argument (see `handed_to_other_code`).
    Only for the graph/session/GraphDef factories legacy_calls follows (its HANDLE_FACTORIES)."""
    from .legacy_calls import HANDLE_FACTORIES

    if visitor.qualified_name(call) not in HANDLE_FACTORIES:
        return False
    if handed_to_other_code(visitor, call):
        return True
    target = _parent(visitor, call)
    if not (isinstance(target, cst.Assign) and len(target.targets) == 1 and isinstance(target.targets[0].target, cst.Name)):
        return False
    binding = only_binding(visitor, target.targets[0].target)
    if binding is None:
        return False
    accesses = list(binding.references)
    return bool(accesses) and all(handed_to_other_code(visitor, access.node) for access in accesses)


def argument_of_removed_api(visitor: "Codemod", node: cst.CSTNode) -> bool:
    """True if `node` is an argument of a call to an API legacy_calls reports as removed (TFM310/TFM320/
    TFM330: `K.set_session(sess)`): that finding says what to do with the whole call."""
    from . import CODEMOD_MODULES, removed_apis

    if "legacy_calls" not in CODEMOD_MODULES:
        return False
    arg = _parent(visitor, node)
    if not isinstance(arg, cst.Arg) or arg.value is not node:
        return False
    call = _parent(visitor, arg)
    if not isinstance(call, cst.Call):
        return False
    removal = removed_apis.find(visitor.qualified_name(call) or "")
    return removal is not None and visitor.enabled({"contrib": "TFM310", "tf": "TFM320", "keras": "TFM330"}[removal.family])
