"""Names a Session program binds more than once, for the Session rewrite (codemods/sessions.py, TFM201/TFM214).

What it matches
    The bindings of a graph name that do not make it a second graph value: a plain top-level binding that
    nothing reads before the graph binds the name (`c = 0` ... `c = tf.placeholder(...)`,
    `_dead_before_graph`); a rebinding to the name's own fetched value (`y = sess.run(y)`, `_fetch_rebinding`)
    or a plain binding after the program's last run, outside loops that run again (`_late_rebinding`), from
    which statement on the name is plain Python (`_fetched_over`, `_after_fetch`); a chain of graph building
    (`L1 = conv(X); L1 = relu(L1)`, each earlier binding read only by the next: `_chain`, one function with
    the chain's statements).

What it writes
    Nothing itself; it plans a rename: a variable's name rebound to a fetched value while the graph still runs
    gets a name of its own (`b = sess.run(h)` -> `b_value = ...`, `_rename_fetched`), so that the functions
    called afterwards keep reading the variable.

Why: TF1 built the graph once, eager functions read their names on every call: a rebinding is safe only where
the graph never reads the name again. Any other rebinding declines the program (TFM214, in
codemods/sessions_checks.py). `NameBindings` is a part of the `Sessions` codemod: its methods run with `self`
the codemod.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, PositionProvider, ScopeProvider

from .names import references_in as _names_in
from .sessions_model import Program, Tensor, _calls_in, _single_small


class NameBindings:
    """Which bindings of a graph name leave it one graph value (a part of `Sessions`)."""

    def _fetched_over(self, program: Program, name: str, assignments: list) -> list:  # type: ignore[type-arg]
        """The bindings of `name` without the ones that rebind it, after the graph is built, to its value fetched
        by `sess.run` (`y_relu, y_tanh = sess.run([y_relu, y_tanh])`): the name is plain Python from there on."""
        assignments = list(assignments)
        if len(assignments) < 2 or name not in program.tensors and name not in program.placeholders and not (name in program.variables and name not in program.containers):
            return assignments
        kept, over = [], []
        for assignment in assignments:
            statement = self._fetch_rebinding(program, assignment.node) or self._late_rebinding(program, assignment.node)
            (over if statement is not None else kept).append((assignment, statement))
        if not over or not kept:
            return assignments
        first = min((statement for _, statement in over), key=self.position)
        if any(self.position(a.node) > self.position(first) for a, _ in kept):
            return assignments  # bound again as a tensor after its value was fetched
        if name in program.variables and self._graph_runs_after(program, first):
            # the functions called afterwards would read the fetched value where TF1's graph kept the variable:
            # the fetched value gets a name of its own (`b = sess.run(h)` -> `b_value = ...`), or nothing is done
            if not self._rename_fetched(program, name, first, [a for a, _ in over]):
                return assignments
        program.fetched_over[name] = first
        return [a for a, _ in kept]

    def _rename_fetched(self, program: Program, name: str, first: cst.CSTNode, over: list) -> bool:  # type: ignore[type-arg]
        """Plan `name` -> a fresh name for the bindings in `over` and every use after `first` (all in the program's
        own code, straight-line from `first` on); False when a use elsewhere makes that uncertain."""
        end = self.get_metadata(PositionProvider, first).start
        later = []
        for access in program.scope.accesses[name]:  # type: ignore[attr-defined]
            start = self.get_metadata(PositionProvider, access.node).start
            if (start.line, start.column) < (end.line, end.column):
                continue
            if access.scope is not program.scope or not isinstance(access.node, cst.Name):
                return False
            later.append(access.node)
        new = program.fresh(f"{name}_value")
        for node in [*(a.node for a in over), *later]:
            program.renames[id(node)] = new
        return True

    def _late_rebinding(self, program: Program, target: object) -> cst.CSTNode | None:
        """`for p, y in zip(pred, y_data):` after the program's last run: a plain Python binding of a graph name
        in the program's own code that no run comes after (the name is plain Python from there on)."""
        if not isinstance(target, cst.Name) or self.get_metadata(ScopeProvider, target, None) is not program.scope:
            return None
        if self._graph_runs_after(program, target):
            return None
        node = self.get_metadata(ParentNodeProvider, target, None)
        while node is not None and node is not program.block:
            if isinstance(node, (cst.For, cst.While)) and any(m.matches(c.func, m.Attribute(attr=m.Name("run") | m.Name("eval"))) for c in _calls_in(node)):
                return None  # a loop that runs the graph again after the binding
            node = self.get_metadata(ParentNodeProvider, node, None)
        return target

    def _graph_runs_after(self, program: Program, statement: cst.CSTNode) -> bool:
        """Some `x.run(...)` / `t.eval(...)` of the program's block comes after `statement`."""
        end = self.get_metadata(PositionProvider, statement).end
        for call in self._own(program.block, cst.Call, m.Call(func=m.Attribute(attr=m.Name("run") | m.Name("eval")))):
            start = self.get_metadata(PositionProvider, call).start
            if (start.line, start.column) > (end.line, end.column):
                return True
        return False

    def _dead_before_graph(self, program: Program, name: str, assignments: object) -> list:  # type: ignore[type-arg]
        """The bindings of `name` without plain top-level ones that nothing reads before the name is bound
        again (`c = 0` ... `c = tf.placeholder(...)`): the graph code never saw them."""
        ordered = sorted(assignments, key=lambda a: self.position(a.node) if isinstance(a.node, cst.CSTNode) else (0, 0))  # type: ignore[attr-defined]
        while len(ordered) >= 2 and isinstance(ordered[0].node, cst.Name) and isinstance(ordered[1].node, cst.CSTNode):
            target = self.get_metadata(ParentNodeProvider, ordered[0].node, None)
            assign = self.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.AssignTarget) else None
            statement = self.get_metadata(ParentNodeProvider, assign, None) if isinstance(assign, cst.Assign) else None
            if statement is None or statement not in program.top or self._in_loop(program, statement) or _single_small(statement) is not assign:  # type: ignore[attr-defined]
                break
            if self._is_graph_expression(program, assign.value) or self._mentions_tf_graph(assign.value):  # type: ignore[union-attr]
                break
            start, following = self.position(statement), self.position(ordered[1].node)
            if any(start < self.position(access.node) < following for access in program.scope.accesses[name]):  # type: ignore[attr-defined]
                break
            ordered = ordered[1:]
        return ordered

    def _fetch_rebinding(self, program: Program, target: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """The top-level statement `target = sess.run(...)` / `a, target = sess.run([...])` that `target` is bound by."""
        node = self.get_metadata(ParentNodeProvider, target, None)
        if isinstance(node, cst.Element):
            node = self.get_metadata(ParentNodeProvider, node, None)
            if not isinstance(node, (cst.Tuple, cst.List)):
                return None
            node = self.get_metadata(ParentNodeProvider, node, None)
        if not isinstance(node, cst.AssignTarget):
            return None
        assign = self.get_metadata(ParentNodeProvider, node, None)
        statement = self.get_metadata(ParentNodeProvider, assign, None) if isinstance(assign, cst.Assign) else None
        if statement is None or statement not in program.top or self._in_loop(program, statement):  # type: ignore[attr-defined]
            return None
        value = assign.value  # type: ignore[union-attr]
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and isinstance(value.func.value, cst.Name)):
            return None
        if value.func.attr.value == "run" and value.func.value.value in program.session_names:
            return statement  # type: ignore[return-value]
        return None

    def _after_fetch(self, program: Program, name: str, node: cst.CSTNode) -> bool:
        """`node` (a use of `name`) comes after the statement that rebound `name` to a fetched value."""
        statement = program.fetched_over.get(name)
        if statement is None:
            return False
        start, end = self.get_metadata(PositionProvider, node).start, self.get_metadata(PositionProvider, statement).end
        return (start.line, start.column) > (end.line, end.column)

    def _chain(self, program: Program, tensor: Tensor, assignments: list) -> bool:  # type: ignore[type-arg]
        """`L1 = conv(X); L1 = relu(L1)`: the name is bound only by the chain's top-level statements, and an
        earlier binding is read only by the next one (the chain becomes one function)."""
        if not tensor.chain:
            return False
        statements = [statement for statement, _ in tensor.chain] + [tensor.statement]
        targets = {id(statement.body[0].targets[0].target) for statement in statements}  # type: ignore[attr-defined]
        if len(assignments) != len(statements) or any(id(a.node) not in targets for a in assignments):
            return False
        if any(self._in_loop(program, statement) for statement in statements):
            return False
        last = self.position(tensor.statement)
        inside = {id(n) for value in tensor.values()[1:] for n in _names_in(value) if n.value == tensor.name}
        for access in program.scope.accesses[tensor.name]:  # type: ignore[attr-defined]
            if self._after_fetch(program, tensor.name, access.node):
                continue
            if self.position(access.node) < last and id(access.node) not in inside:
                return False  # an earlier binding read by other code: not one chain
        first_values = {id(n) for n in _names_in(tensor.chain[0][1]) if n.value == tensor.name}
        return not first_values  # the first binding must not read the name (it would be something else)
