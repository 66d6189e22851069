"""TFM275 graph-name-versions: a graph name bound again while a TF1 graph is built gets one name per value.

What it matches
    In a block that opens a `tf.Session` (a module, or one function), a name bound by several top-level
    statements of the block (or of its `with` bodies), each a plain `name = ...` / `a, name = ...` building
    graph values, read only in the block itself (no function or class reads it), for instance

        outputs, _states = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
        X_for_fc = tf.reshape(outputs, [-1, hidden_size])
        outputs = tf.matmul(X_for_fc, W) + b
        outputs = tf.reshape(outputs, [batch_size, seq_length, num_classes])

What it writes
    The bindings are cut into versions: a binding that reads only the previous one, which nothing else
    reads, continues the same version (a chain of graph building, which the Session rewrite turns into one
    function); any other binding starts a new version. Every version but the last gets a fresh name
    (`outputs_1`), in its bindings and in every read of it (a read reads the last binding executed before
    it: top-level straight-line code, so that is the one above it):

        outputs_1, _states = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
        X_for_fc = tf.reshape(outputs_1, [-1, hidden_size])
        outputs = tf.matmul(X_for_fc, W) + b
        outputs = tf.reshape(outputs, [batch_size, seq_length, num_classes])

    It does so only when that renaming is what lets the Session rewrite (TFM201) convert the file: the
    program does not convert as it is, and does once renamed. Otherwise nothing changes.

Why
    TF1 builds each binding into a tensor of its own, and the graph keeps every one of them: a later
    `sess.run` of a name reads the tensor bound to it at that point of the script. The eager rewrite makes
    one function per name; with one name per tensor the program says the same thing and converts.
    Renaming a name that is bound and read only in straight-line code of one block is exact in Python.
"""

from __future__ import annotations

import dataclasses

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import Assignment, ComprehensionScope, MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

from tf2migrate.findings import FixKind, FixState
from tf2migrate.metadata import LazyMetadata
from tf2migrate.traversal import find

from . import sessions
from .base import Codemod, Rule

VERSIONS = Rule(
    code="TFM275",
    name="graph-name-versions",
    fix=FixKind.SAFE,
    summary="A graph name bound again while the graph is built: each earlier value gets a name of its own, so the Session program converts.",
    explanation="""
        TF1 scripts often reuse a name while building the graph (`outputs = rnn(...)`, then
        `outputs = dense(outputs_flat)`; `a = tf.constant(2)`, later `a = tf.placeholder(tf.int16)`):
        each binding is a tensor of its own, and a `sess.run` reads the one bound at that point. The eager
        rewrite (TFM201) makes one function per name and cannot take such a name. When the name is bound
        only by top-level statements of the Session's block and read only there, the earlier values get
        fresh names (`outputs_1`) in their bindings and reads; a binding that only transforms the previous
        one (`L1 = tf.nn.relu(L1)`) stays in the same version. Applied only when this renaming is what
        lets the Session program convert; when the program would still stay in graph mode, a manual
        finding names what else keeps it there.
    """,
    before="""
        a = tf.constant(2)
        b = tf.constant(3)
        with tf.Session() as sess:
            print(sess.run(a + b))
        a = tf.placeholder(tf.int16)
        b = tf.placeholder(tf.int16)
        add = tf.add(a, b)
        with tf.Session() as sess:
            print(sess.run(add, feed_dict={a: 2, b: 3}))
    """,
    after="""
        a_1 = tf.constant(2)
        b_1 = tf.constant(3)
        with tf.Session() as sess:
            print(sess.run(a_1 + b_1))
        a = tf.placeholder(tf.int16)
        b = tf.placeholder(tf.int16)
        add = tf.add(a, b)
        with tf.Session() as sess:
            print(sess.run(add, feed_dict={a: 2, b: 3}))
    """,
)


@dataclasses.dataclass
class _Binding:
    statement: cst.SimpleStatementLine
    target: cst.Name
    value: cst.BaseExpression
    single: bool  # `name = ...` (not unpacked)


class SessionRebinding(Codemod):
    RULES = (VERSIONS,)
    TRIGGERS = ("Session",)

    def visit_Module(self, node: cst.Module) -> bool:
        self._renamed: cst.Module | None = None
        if not self.enabled(VERSIONS.code) or not self.enabled(sessions.CONVERT.code):
            return False
        taken = {name.value for name in find(node, cst.Name)}  # type: ignore[attr-defined]
        renames: dict[int, str] = {}
        messages: list[tuple[cst.CSTNode, str, str]] = []
        for block in session_blocks(self, node):
            for statement, name, message in self._versions(block, taken, renames):
                messages.append((statement, name, message))
        if not renames:
            return False
        if any(self.run.is_suppressed(VERSIONS.code, self.position(statement)[0]) for statement, _, _ in messages):
            return False
        if self._converts(node)[0]:
            return False  # converts without the renaming: nothing to gain
        converts, findings = self._converts(node.visit(sessions._Renamer(renames)))
        if not converts:
            # the renaming alone would not do: say what would still keep the program in graph mode
            blocker = next((f for f in findings if f.fix is FixState.MANUAL and f.code.startswith("TFM2")), None)
            if blocker is not None:
                for statement, name, _ in messages:
                    self.flag(statement, VERSIONS.code, f"`{name}` is bound several times while the graph is built; a name for each value would not be enough: "
                              f"the Session program would still stay in graph mode ({blocker.code} at line {blocker.line}: {blocker.message.removesuffix('; left in graph mode')})")
            return False
        for statement, _, message in messages:
            self.offer_fix(statement, VERSIONS.code, message)
        self._renamed = node.visit(sessions._Renamer(renames))
        return False

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return self._renamed if self._renamed is not None else updated_node

    # -- where -------------------------------------------------------------------------------


    def _top(self, block: cst.CSTNode) -> list[cst.BaseStatement]:
        """The block's statements, and those of its `with` bodies (straight-line code, run once, in order)."""
        body = block.body if isinstance(block, cst.Module) else block.body.body  # type: ignore[attr-defined]
        top: list[cst.BaseStatement] = []

        def expand(statements) -> None:  # noqa: ANN001
            for statement in statements:
                top.append(statement)
                if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
                    expand(statement.body.body)

        expand(body)
        return top

    # -- versions of one name ----------------------------------------------------------------

    def _versions(self, block: cst.CSTNode, taken: set[str], renames: dict[int, str]) -> list[tuple[cst.CSTNode, str, str]]:
        top = self._top(block)
        if not top:
            return []
        scope = self.get_metadata(ScopeProvider, top[0], None)
        if scope is None:
            return []
        top_ids = {id(statement) for statement in top}
        names = sorted({assignment.name for assignment in scope.assignments})
        found: list[tuple[cst.CSTNode, str, str]] = []
        for name in names:
            assignments = list(scope.assignments[name])
            if len(assignments) < 2:
                continue
            bindings = self._bindings(assignments, top_ids)
            if bindings is None:
                continue
            versions = self._split(name, scope, bindings, assignments)
            if versions is None:
                continue
            segments, reads = versions
            if len(segments) < 2:
                continue  # one chain of graph building: the Session rewrite takes it as it is
            new_names = []
            for segment in segments[:-1]:
                index = 1
                while f"{name}_{index}" in taken:
                    index += 1
                new = f"{name}_{index}"
                taken.add(new)
                new_names.append(new)
                for position in segment:
                    renames[id(bindings[position].target)] = new
                    for read in reads[position]:
                        renames[id(read)] = new
            found.append((
                bindings[0].statement,
                name,
                f"`{name}` is bound {len(bindings)} times while the graph is built (each value a tensor of its own in TF1): "
                f"the earlier value{'s are' if len(new_names) > 1 else ' is'} now {', '.join(f'`{n}`' for n in new_names)}, so that the Session program converts",
            ))
        return found

    def _bindings(self, assignments: list, top_ids: set[int]) -> list[_Binding] | None:  # type: ignore[type-arg]
        """Each binding a top-level `name = value` / `a, name = value` statement of the block; None otherwise."""
        bindings: list[_Binding] = []
        for assignment in assignments:
            if not isinstance(assignment, Assignment) or not isinstance(assignment.node, cst.Name):
                return None
            target = assignment.node
            parent = self.get_metadata(ParentNodeProvider, target, None)
            single = isinstance(parent, cst.AssignTarget)
            if isinstance(parent, cst.Element):
                sequence = self.get_metadata(ParentNodeProvider, parent, None)
                parent = self.get_metadata(ParentNodeProvider, sequence, None) if isinstance(sequence, (cst.Tuple, cst.List)) else None
            if not isinstance(parent, cst.AssignTarget):
                return None
            assign = self.get_metadata(ParentNodeProvider, parent, None)
            statement = self.get_metadata(ParentNodeProvider, assign, None) if isinstance(assign, cst.Assign) else None
            if not isinstance(statement, cst.SimpleStatementLine) or id(statement) not in top_ids or len(statement.body) != 1 or len(assign.targets) != 1:  # type: ignore[union-attr]
                return None
            bindings.append(_Binding(statement, target, assign.value, single))  # type: ignore[union-attr]
        bindings.sort(key=lambda b: self.position(b.statement))
        if len({id(b.statement) for b in bindings}) != len(bindings):
            return None
        if any(self._runs(b.value) for b in bindings) or not any(self._builds_graph(b.value) for b in bindings):
            return None  # a fetched value (`y = sess.run(y)`) or plain Python: the Session rewrite's own rules
        if any(self._trains(b.value) for b in bindings):
            return None  # `step = [tf.assign(...)]`, later `step = opt.minimize(cost)`: runs of the renamed train op are not followed
        return bindings

    def _split(self, name: str, scope, bindings: list[_Binding], assignments: list):  # type: ignore[no-untyped-def]  # noqa: ANN001
        """(versions as lists of binding positions, reads of each binding) or None when a read is not in
        straight-line code of the block (a function, lambda or class reads the name) or comes before any binding."""
        ends = [self.get_metadata(PositionProvider, b.statement).end for b in bindings]
        reads: list[list[cst.Name]] = [[] for _ in bindings]
        seen: set[int] = set()
        accesses = [access for assignment in assignments for access in assignment.references] + list(scope.accesses[name])
        for access in accesses:
            if id(access.node) in seen:
                continue
            seen.add(id(access.node))
            if not isinstance(access.node, cst.Name):
                return None
            inner = access.scope
            while inner is not scope and isinstance(inner, ComprehensionScope):
                inner = inner.parent
            if inner is not scope:
                return None  # read by a function, lambda or class: when it runs is not known here
            start = self.get_metadata(PositionProvider, access.node).start
            version = None
            for position, end in enumerate(ends):
                if (end.line, end.column) <= (start.line, start.column):
                    version = position
            if version is None:
                return None
            reads[version].append(access.node)
        segments: list[list[int]] = [[0]]
        for position in range(1, len(bindings)):
            previous, current = bindings[position - 1], bindings[position]
            inside = self.get_metadata(PositionProvider, current.statement)
            chained = (
                previous.single
                and current.single
                and reads[position - 1]
                and all(self._within(read, inside) for read in reads[position - 1])
            )
            if chained:
                segments[-1].append(position)
            else:
                segments.append([position])
        return segments, reads

    def _within(self, node: cst.CSTNode, where) -> bool:  # noqa: ANN001
        start = self.get_metadata(PositionProvider, node).start
        return (where.start.line, where.start.column) <= (start.line, start.column) <= (where.end.line, where.end.column)

    def _runs(self, value: cst.BaseExpression) -> bool:
        return _calls_method(value, ("run", "eval"))

    def _trains(self, value: cst.BaseExpression) -> bool:
        return _calls_method(value, ("minimize", "apply_gradients"))

    def _builds_graph(self, value: cst.BaseExpression) -> bool:
        return any((self.qualified_name(call) or "").startswith("tf.") for call in find(value, cst.Call))

    # -- the proof ---------------------------------------------------------------------------

    def _converts(self, module: cst.Module) -> tuple[bool, list]:  # type: ignore[type-arg]
        """Whether the Session rewrite converts this module's Session programs (its analysis, run on a copy),
        and the findings it would report."""
        wrapper = MetadataWrapper(cst.parse_module(module.code), unsafe_skip_copy=True)
        run = dataclasses.replace(self.run, findings=[], fixes_applied=0, used_suppressions=set())
        codemod = sessions.Sessions(CodemodContext(filename=self.context.filename, wrapper=wrapper), run)
        codemod.metadata = LazyMetadata(wrapper, codemod.get_inherited_dependencies())
        try:
            codemod.visit_Module(wrapper.module)
        finally:
            codemod.metadata = {}
        return any(f.code == sessions.CONVERT.code and f.fix is FixState.APPLIED for f in run.findings), run.findings


CODEMOD = SessionRebinding


def _calls_method(value: cst.BaseExpression, methods: tuple[str, ...]) -> bool:
    """`value` calls a method of one of these names (`sess.run(...)`, `opt.minimize(...)`)."""
    return any(isinstance(call.func, cst.Attribute) and call.func.attr.value in methods for call in find(value, cst.Call))  # type: ignore[attr-defined]


def session_blocks(codemod, module: cst.Module) -> list[cst.CSTNode]:  # noqa: ANN001
    """The module and the functions that open a `tf.Session` / `tf.InteractiveSession` themselves."""
    blocks: list[cst.CSTNode] = []
    for call in find(module, cst.Call):
        if codemod.qualified_name(call) not in sessions.SESSION_FACTORIES:
            continue
        owner: cst.CSTNode | None = codemod.get_metadata(ParentNodeProvider, call, None)
        while owner is not None and not isinstance(owner, (cst.FunctionDef, cst.Module, cst.Lambda, cst.ClassDef)):
            owner = codemod.get_metadata(ParentNodeProvider, owner, None)
        if isinstance(owner, (cst.FunctionDef, cst.Module)) and all(owner is not b for b in blocks):
            blocks.append(owner)
    return blocks
