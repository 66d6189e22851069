"""Which code of a file is a Session program, for the Session rewrite (codemods/sessions.py, TFM201).

What it matches
    The blocks (the module, each function) whose own code creates a `tf.Session()` / `tf.InteractiveSession()`
    (`_sessions`) and runs something in it or feeds placeholders (`_runs_graph`); sessions kept only for Keras
    serving plumbing, which graph_plumbing's TFM251 removes (`_left_to_plumbing`, codemods/plumbing.py); a
    session handed to other code (`_hands_over_a_session`: legacy_calls reports that one); a
    `disable_v2_behavior()` that TFM202 will not remove (`_blocking_switch`) and graph-mode code outside the
    programs (`_leftover_graph_code`), either of which keeps the whole file in graph mode so that no program
    of it is converted. Also how generated code spells TensorFlow (`_tensorflow_alias`) and the block-walking
    helpers every part of the rewrite uses (`_is`, `_body`, `_owner`, `_own`).

Writes nothing. `ProgramDetection` is a part of the `Sessions` codemod: its methods run with `self` the
codemod (its metadata and `qualified_name`); `Sessions.visit_Module` calls them and reports.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate.traversal import find

from . import session_fed_tensors
from .builders import source_of
from .plumbing import PLUMBING_CODE, handed_to_other_code, session_only_plumbing
from .sessions_model import GRAPH_DRIVERS, GRAPH_MODE_SWITCHES, PLACEHOLDER, SESSION_FACTORIES, Decline, Program, _single_small
from .sessions_rules import COMPAT_IMPORT, GRAPH


class ProgramDetection:
    """Finds a file's Session programs and what keeps the file in graph mode (a part of `Sessions`)."""

    def _hands_over_a_session(self, node: cst.CSTNode) -> bool:
        """`node` is (or is the statement of) a call that hands a session of this file to other code."""
        calls = [node] if isinstance(node, cst.Call) else []
        small = _single_small(node) if isinstance(node, cst.SimpleStatementLine) else None
        if small is not None:
            value = getattr(small, "value", None)
            if isinstance(value, cst.Call):
                calls.append(value)
        for call in calls:
            for arg in call.args:  # type: ignore[attr-defined]
                if isinstance(arg.value, cst.Name) and self._names_a_session(arg.value) and handed_to_other_code(self, arg.value):
                    return True
        return False

    def _names_a_session(self, name: cst.Name) -> bool:
        """Every binding of `name` is `name = tf.Session(...)` or `with tf.Session(...) as name`."""
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return False
        referents = [r for access in scope.accesses[name.value] if access.node is name for r in access.referents]
        if not referents:
            return False
        for referent in referents:
            target = getattr(referent, "node", None)
            parent = self.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.Name) else None
            if isinstance(parent, cst.AssignTarget):
                value = self.get_metadata(ParentNodeProvider, parent).value
            elif isinstance(parent, cst.AsName):
                value = self.get_metadata(ParentNodeProvider, parent).item
            else:
                return False
            if not self._is(value, SESSION_FACTORIES):
                return False
        return True

    def _left_to_plumbing(self, session: cst.CSTNode) -> bool:
        """A serving-plumbing session that graph_plumbing's TFM251 will remove (selected, not suppressed)."""
        if not self.enabled(PLUMBING_CODE) or self.run.suppressions.find(PLUMBING_CODE, self.position(session)[0]) is not None:
            return False
        return session_only_plumbing(self, session, SESSION_FACTORIES)

    def _blocking_switch(self, module: cst.Module) -> cst.CSTNode | None:
        """A `tf.disable_v2_behavior()` / `disable_eager_execution()` that TFM202 will not remove: the
        converted eager code would then run in graph mode."""
        removable = set()
        for statement in module.body:
            small = _single_small(statement)
            if isinstance(small, cst.Expr) and self._is(small.value, GRAPH_MODE_SWITCHES) and not small.value.args:  # type: ignore[attr-defined]
                if self.enabled(COMPAT_IMPORT.code) and not self.run.is_suppressed(COMPAT_IMPORT.code, self.position(statement)[0]):
                    removable.add(id(small.value))  # type: ignore[attr-defined]
        for call in find(module, cst.Call):
            if self._is(call, GRAPH_MODE_SWITCHES) and id(call) not in removable:
                return call
        return None

    def _runs_graph(self, block: cst.CSTNode) -> bool:
        """Does the block run anything in a session (`x.run(...)`, `t.eval()`) or feed placeholders?"""
        for call in self._own(block, cst.Call):
            assert isinstance(call, cst.Call)
            if m.matches(call.func, m.Attribute(attr=m.Name("run") | m.Name("eval"))) or self._is(call, PLACEHOLDER):
                return True
        return False

    def _leftover_graph_code(self, module: cst.Module, programs: list[Program]) -> Decline | None:
        """Graph-mode code outside the programs (a placeholder in a library function, a feed elsewhere)
        would keep the file in graph mode, where the converted eager code cannot run."""
        consumed: set[int] = set(self._plumbing_calls)
        for program in programs:
            consumed.update(id(session_fed_tensors.placeholder_call(s)) for s in program.placeholder_statements.values())
            for session in program.sessions:
                consumed.update(id(c) for c in find(session, cst.Call) if self._is(c, SESSION_FACTORIES))
            consumed.update(id(run[1]) for run in program.runs)  # type: ignore[attr-defined]
        for call in find(module, cst.Call):
            assert isinstance(call, cst.Call)
            qualified = self.qualified_name(call) or ""
            if qualified in GRAPH_DRIVERS and id(call) not in consumed:
                return Decline(call, GRAPH.code, f"`{qualified}` outside the Session program(s) keeps this file in graph mode, so its Session code is not converted")
            if any(a.keyword is not None and a.keyword.value == "feed_dict" for a in call.args) and id(call) not in consumed:
                return Decline(call, GRAPH.code, "a `feed_dict` outside the Session program(s) keeps this file in graph mode, so its Session code is not converted")
        return None

    def _tensorflow_alias(self, module: cst.Module) -> str | None:
        """How generated code spells TensorFlow: the plain `tensorflow` import first, else the
        `tensorflow.compat.v1` alias (which TFM202 turns into a plain import)."""
        plain = self._plain_tensorflow_alias(module)
        return plain if plain is not None else self._compat_alias(module)

    def _plain_tensorflow_alias(self, module: cst.Module) -> str | None:
        for statement in module.body:
            small = _single_small(statement)
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if source_of(alias.name) == "tensorflow":
                        return source_of(alias.asname.name) if alias.asname is not None else "tensorflow"
        return None

    def _compat_alias(self, module: cst.Module) -> str | None:
        for statement in module.body:
            small = _single_small(statement)
            if isinstance(small, cst.Import):
                for alias in small.names:
                    full = source_of(alias.name)
                    if full in ("tensorflow", "tensorflow.compat.v1"):
                        if alias.asname is not None:
                            return source_of(alias.asname.name)
                        if full == "tensorflow":
                            return "tensorflow"
            if isinstance(small, cst.ImportFrom) and small.module is not None and source_of(small.module) == "tensorflow.compat":
                if not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        if source_of(alias.name) == "v1":
                            return source_of(alias.asname.name) if alias.asname else "v1"
        return None

    def _is(self, node: cst.CSTNode, names: frozenset[str] | str) -> bool:
        if not isinstance(node, cst.Call):
            return False
        qualified = self.qualified_name(node)
        return qualified in names if isinstance(names, frozenset) else qualified == names

    def _body(self, block: cst.CSTNode) -> list[cst.BaseStatement]:
        if isinstance(block, cst.Module):
            return list(block.body)
        assert isinstance(block, cst.FunctionDef)
        body = block.body
        return list(body.body) if isinstance(body, cst.IndentedBlock) else []

    def _owner(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The function (or module) whose code `node` is; a class body has no owner we handle."""
        current: cst.CSTNode | None = node
        while current is not None:
            current = self.get_metadata(ParentNodeProvider, current, None)
            if isinstance(current, (cst.FunctionDef, cst.Module)):
                return current
            if isinstance(current, (cst.ClassDef, cst.Lambda)):
                return None
        return None

    def _own(self, block: cst.CSTNode, kind: type[cst.CSTNode], matcher: m.BaseMatcherNode | None = None) -> list[cst.CSTNode]:
        """Nodes of type `kind` (and matching `matcher`) in the code of `block` itself (not in nested functions)."""
        root = block.body if isinstance(block, cst.FunctionDef) else block
        return [node for node in find(root, kind) if (matcher is None or m.matches(node, matcher)) and self._owner(node) is block]

    def _sessions(self, block: cst.CSTNode) -> list[cst.CSTNode]:
        """Statements of the block that create a session (recognised shapes or not)."""
        sessions: list[cst.CSTNode] = []
        for call in self._own(block, cst.Call):
            if not self._is(call, SESSION_FACTORIES):
                continue
            parent = self.get_metadata(ParentNodeProvider, call)
            if isinstance(parent, cst.WithItem):
                sessions.append(self.get_metadata(ParentNodeProvider, parent))
                continue
            node: cst.CSTNode = call
            while not isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                node = self.get_metadata(ParentNodeProvider, node)
            sessions.append(node)
        return sessions
