"""TFM276 graph-list-appends, TFM277 helper-graph-inputs: graph values gathered in ways the Session rewrite cannot take.

What it matches
    In a module that opens a `tf.Session` at its top level (the module's straight-line statements and
    their `with` bodies):

    TFM276: a list of graph values grown by `append`: `c = []`, then `c.append(value)` statements of that
    straight-line code, the list read only after its last append (multigpu_basics):

        c2 = []
        with tf.device('/gpu:0'):
            a = tf.placeholder(tf.float32, [10, 10])
            c2.append(matpow(a, n))
        with tf.device('/gpu:1'):
            b = tf.placeholder(tf.float32, [10, 10])
            c2.append(matpow(b, n))
        sum = tf.add_n(c2)

    TFM277: a function of the module, called only at the module's top level, that reads a graph value of
    the module as a global (the VAE tutorial's `vae_loss(x_reconstructed, x_true)` reads `z_mean`, `z_std`).

What it writes
    TFM276: the list bound once, when it is complete: `c = []` goes; appends in a row become
    `c = [v1, v2]`; appends apart give each earlier value a name (`c2_0 = matpow(a, n)`) and the last one
    becomes `c2 = [c2_0, matpow(b, n)]`. Each value is computed where it was, in the same order.

    TFM277: each such global becomes a keyword-only parameter of the function, passed by every call as
    `name=name`: `def vae_loss(x_reconstructed, x_true, *, z_mean, z_std)`,
    `vae_loss(decoder, input_image, z_mean=z_mean, z_std=z_std)`.

    Both are applied only when that is what lets the Session rewrite (TFM201) convert the file (with the
    names TFM275 then gives to values bound more than once); otherwise nothing changes, and when the
    program would still stay in graph mode the finding names what else keeps it there.

Why
    The eager rewrite makes one function per graph name bound once, and follows graph values through
    parameters: a list mutated by appends, or a tensor read by a helper as a global, are values it cannot
    follow. Both rewrites are exact in Python: the list is read only once complete, and nothing else
    holds it; a global read by a function called only from the module's top level, bound there by
    straight-line code before every call and never declared `global` anywhere, is the value the call
    passes.
"""

from __future__ import annotations

import dataclasses

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import Assignment, ComprehensionScope, FunctionScope, GlobalScope, MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

from tf2migrate.findings import FixKind, FixState
from tf2migrate.metadata import LazyMetadata
from tf2migrate.traversal import find

from . import session_rebinding, sessions
from .base import Codemod, Rule

APPENDS = Rule(
    code="TFM276",
    name="graph-list-appends",
    fix=FixKind.SAFE,
    summary="A list of graph values grown by `append` is bound once, complete, so the Session program converts.",
    explanation="""
        TF1 scripts gather tensors in a list (`c = []`, `c.append(matpow(a, n))` once per device) and
        use it once complete (`tf.add_n(c)`). The eager rewrite (TFM201) makes one function per graph
        name bound once and cannot follow a list mutated while the graph is built. When the appends are
        straight-line statements of the Session's module and the list is read only after the last one,
        the list is bound once instead: appends in a row become one list literal; appends apart give
        each earlier value a name and the last append binds the list. Every value is computed where it
        was, in the same order. Applied only when this is what lets the Session program convert.
    """,
    before="""
        c = []
        with tf.device('/cpu:0'):
            a = tf.placeholder(tf.float32, [2, 2])
            c.append(tf.matmul(a, a))
        with tf.device('/cpu:0'):
            b = tf.placeholder(tf.float32, [2, 2])
            c.append(tf.matmul(b, b))
        total = tf.add_n(c)
        with tf.Session() as sess:
            print(sess.run(total, {a: A, b: B}))
    """,
    after="""
        with tf.device('/cpu:0'):
            a = tf.placeholder(tf.float32, [2, 2])
            c_0 = tf.matmul(a, a)
        with tf.device('/cpu:0'):
            b = tf.placeholder(tf.float32, [2, 2])
            c = [c_0, tf.matmul(b, b)]
        total = tf.add_n(c)
        with tf.Session() as sess:
            print(sess.run(total, {a: A, b: B}))
    """,
)

HELPER_INPUTS = Rule(
    code="TFM277",
    name="helper-graph-inputs",
    fix=FixKind.SAFE,
    summary="A helper function reading a graph value as a global gets it as a keyword-only parameter, so the Session program converts.",
    explanation="""
        A function of the module that builds graph ops from a global tensor (`def vae_loss(x, x_true):`
        reading `z_mean`) hides that input from the eager rewrite (TFM201), which follows graph values
        through parameters. When the function is called only from the module's top level, and the
        global is bound there by straight-line code before every call (and declared `global` nowhere),
        the global becomes a keyword-only parameter passed by every call as `name=name`: the function
        sees the same value. Applied only when this is what lets the Session program convert.
    """,
    before="""
        x = tf.placeholder(tf.float32, [None, 3])
        mean = tf.reduce_mean(x, 1)
        def loss(y):
            return tf.reduce_sum(tf.square(y - mean))
        l = loss(x * W)
        with tf.Session() as sess:
            print(sess.run(l, {x: data}))
    """,
    after="""
        x = tf.placeholder(tf.float32, [None, 3])
        mean = tf.reduce_mean(x, 1)
        def loss(y, *, mean):
            return tf.reduce_sum(tf.square(y - mean))
        l = loss(x * W, mean=mean)
        with tf.Session() as sess:
            print(sess.run(l, {x: data}))
    """,
)


@dataclasses.dataclass
class _Appends:
    """One list grown by appends: its `c = []` statement, its append statements, the values appended."""

    name: str
    start: cst.SimpleStatementLine
    appends: list[cst.SimpleStatementLine]
    values: list[cst.BaseExpression]
    in_a_row: bool


@dataclasses.dataclass
class _Inputs:
    """One helper reading graph globals: the function, the globals, the calls that must pass them."""

    function: cst.FunctionDef
    names: list[str]
    calls: list[cst.Call]


_Candidate = _Appends | _Inputs


class SessionGraphValues(Codemod):
    RULES = (APPENDS, HELPER_INPUTS)
    TRIGGERS = ("Session",)

    def visit_Module(self, node: cst.Module) -> bool:
        self._result: cst.Module | None = None
        if not self.enabled(sessions.CONVERT.code):
            return False
        if not any(isinstance(call.func, cst.Attribute) and call.func.attr.value == "run" for call in find(node, cst.Call)):  # type: ignore[attr-defined]
            return False
        top = self._top(node)
        if not node.body or not self._opens_session(top):
            return False  # asked first: it needs qualified names only, the scopes cost a scope analysis
        scope = self.get_metadata(ScopeProvider, node.body[0], None)
        if not isinstance(scope, GlobalScope):
            return False
        taken = {name.value for name in find(node, cst.Name)}  # type: ignore[attr-defined]
        candidates: list[_Candidate] = []
        if self.enabled(APPENDS.code):
            candidates += self._appends(node, top, scope, taken)
        if self.enabled(HELPER_INPUTS.code):
            candidates += self._inputs(node, top, scope)
        candidates = [c for c in candidates if not self.run.is_suppressed(self._code(c), self.position(self._anchor(c))[0])]
        if not candidates:
            return False
        if self._converts(node)[0]:
            return False  # converts without these rewrites: nothing to gain
        converts, findings = self._converts(self._apply(node, candidates, taken))
        if not converts:
            blocker = next((f for f in findings if f.fix is FixState.MANUAL and f.code.startswith("TFM21")), None)
            if blocker is not None:
                for candidate in candidates:
                    self.flag(self._anchor(candidate), self._code(candidate), f"{self._describe(candidate)}; rewriting that would not be enough: the Session program would still stay in graph mode "
                              f"({blocker.code} at line {blocker.line}: {blocker.message.removesuffix('; left in graph mode')})")
            return False
        needed = list(candidates)
        for candidate in candidates:  # keep only what the conversion needs, in order of appearance
            fewer = [c for c in needed if c is not candidate]
            if fewer and self._converts(self._apply(node, fewer, taken))[0]:
                needed = fewer
        for candidate in needed:
            self.offer_fix(self._anchor(candidate), self._code(candidate), self._done(candidate))
        self._result = self._apply(node, needed, taken)
        return False

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return self._result if self._result is not None else updated_node

    # -- where -------------------------------------------------------------------------------

    def _top(self, module: cst.Module) -> list[cst.BaseStatement]:
        """The module's straight-line statements and those of their `with` bodies, in order."""
        top: list[cst.BaseStatement] = []

        def expand(statements) -> None:  # noqa: ANN001
            for statement in statements:
                top.append(statement)
                if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
                    expand(statement.body.body)

        expand(module.body)
        return top

    def _opens_session(self, top: list[cst.BaseStatement]) -> bool:
        for statement in top:
            items = statement.items if isinstance(statement, cst.With) else ()
            values = [item.item for item in items]
            if isinstance(statement, cst.SimpleStatementLine):
                values += [s.value for s in statement.body if isinstance(s, cst.Assign)]
            if any(self.qualified_name(call) in sessions.SESSION_FACTORIES for value in values for call in find(value, cst.Call)):
                return True
        return False

    def _start(self, node: cst.CSTNode):  # type: ignore[no-untyped-def]
        position = self.get_metadata(PositionProvider, node).start
        return (position.line, position.column)

    def _end(self, node: cst.CSTNode):  # type: ignore[no-untyped-def]
        position = self.get_metadata(PositionProvider, node).end
        return (position.line, position.column)

    # -- TFM276: lists grown by appends ------------------------------------------------------

    def _appends(self, module: cst.Module, top: list[cst.BaseStatement], scope: GlobalScope, taken: set[str]) -> list[_Appends]:
        top_ids = {id(statement): index for index, statement in enumerate(top)}
        parents = self._parents(module)
        found: list[_Appends] = []
        name_counts: dict[str, int] = {}
        for name in find(module, cst.Name):
            name_counts[name.value] = name_counts.get(name.value, 0) + 1  # type: ignore[attr-defined]
        for name in sorted({a.name for a in scope.assignments}):
            assignments = list(scope.assignments[name])
            if len(assignments) != 1 or not isinstance(assignments[0], Assignment) or not isinstance(assignments[0].node, cst.Name):
                continue
            target = assignments[0].node
            start = self._empty_list_statement(target)
            if start is None or id(start) not in top_ids:
                continue
            appends: list[cst.SimpleStatementLine] = []
            values: list[cst.BaseExpression] = []
            reads: list[cst.Name] = []
            ok = True
            for access in sorted(assignments[0].references, key=lambda a: self._start(a.node)):
                node = access.node
                statement = self._append_statement(node)
                if statement is not None and access.scope is scope and id(statement) in top_ids:
                    appends.append(statement)
                    values.append(statement.body[0].value.args[0].value)  # type: ignore[attr-defined]
                    continue
                inner = access.scope
                while inner is not scope and isinstance(inner, ComprehensionScope):
                    inner = inner.parent
                if inner is not scope or not isinstance(node, cst.Name):
                    ok = False
                    break
                reads.append(node)
            if not ok or not appends or name_counts.get(name, 0) != 1 + len(appends) + len(reads):
                continue  # read elsewhere (a function, `global`, an attribute of the same spelling): not followed
            if any(top_ids[id(s)] <= top_ids[id(start)] for s in appends):
                continue
            last = self._end(appends[-1])
            if any(self._start(read) < last for read in reads):
                continue  # read before it is complete
            in_a_row = all(
                parents.get(id(appends[i])) is parents.get(id(appends[0])) and top_ids[id(appends[i])] == top_ids[id(appends[0])] + i
                for i in range(len(appends))
            )
            found.append(_Appends(name, start, appends, values, in_a_row))
        return found

    def _parents(self, module: cst.Module) -> dict[int, cst.CSTNode]:
        """Each top-level statement's enclosing body owner (the module or a `with`)."""
        parents: dict[int, cst.CSTNode] = {}

        def walk(owner: cst.CSTNode, statements) -> None:  # noqa: ANN001
            for statement in statements:
                parents[id(statement)] = owner
                if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
                    walk(statement, statement.body.body)

        walk(module, module.body)
        return parents

    def _empty_list_statement(self, target: cst.Name) -> cst.SimpleStatementLine | None:
        """`c = []` alone on its line."""
        parent = self.get_metadata(ParentNodeProvider, target, None)
        assign = self.get_metadata(ParentNodeProvider, parent, None) if isinstance(parent, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or not (isinstance(assign.value, cst.List) and not assign.value.elements):
            return None
        statement = self.get_metadata(ParentNodeProvider, assign, None)
        return statement if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None

    def _append_statement(self, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """`c.append(value)` as a statement of its own; None otherwise."""
        attribute = self.get_metadata(ParentNodeProvider, node, None)
        if not (isinstance(attribute, cst.Attribute) and attribute.value is node and attribute.attr.value == "append"):
            return None
        call = self.get_metadata(ParentNodeProvider, attribute, None)
        if not (isinstance(call, cst.Call) and call.func is attribute and len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star):
            return None
        expr = self.get_metadata(ParentNodeProvider, call, None)
        statement = self.get_metadata(ParentNodeProvider, expr, None) if isinstance(expr, cst.Expr) else None
        return statement if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None

    # -- TFM277: helpers reading graph globals -----------------------------------------------

    def _inputs(self, module: cst.Module, top: list[cst.BaseStatement], scope: GlobalScope) -> list[_Inputs]:
        top_ids = {id(statement) for statement in top}
        declared_global = {name.value for statement in find(module, cst.Global) for name in (n.name for n in statement.names)}  # type: ignore[attr-defined]
        found: list[_Inputs] = []
        for function in module.body:
            if not isinstance(function, cst.FunctionDef) or function.decorators or isinstance(function.asynchronous, cst.Asynchronous):
                continue
            assignments = list(scope.assignments[function.name.value])
            if len(assignments) != 1:
                continue
            calls: list[cst.Call] = []
            ok = True
            for access in assignments[0].references:
                call = self.get_metadata(ParentNodeProvider, access.node, None)
                if access.scope is not scope or not isinstance(call, cst.Call) or call.func is not access.node or any(a.star for a in call.args):
                    ok = False  # passed as a value, called from a function, or with `*args` / `**kwargs`
                    break
                calls.append(call)
            if not ok or not calls:
                continue
            inner = self.get_metadata(ScopeProvider, function.body.body[0], None) if isinstance(function.body, cst.IndentedBlock) else None
            if not isinstance(inner, FunctionScope):
                continue
            names = self._graph_globals(function, inner, scope, top_ids, declared_global)
            if not names or any(self._before_binding(call, name, scope) for call in calls for name in names):
                continue
            params = {p.name.value for p in (*function.params.params, *function.params.kwonly_params, *function.params.posonly_params)}
            if any(name in params for name in names):
                continue
            if any(a.keyword is not None and a.keyword.value in names for call in calls for a in call.args):
                continue  # already passed by keyword (into `**kwargs`)
            calls.sort(key=self._start)
            found.append(_Inputs(function, names, calls))
        return found

    def _graph_globals(self, function: cst.FunctionDef, inner: FunctionScope, scope: GlobalScope, top_ids: set[int], declared_global: set[str]) -> list[str]:
        """The module's graph values (bound only by top-level `name = <tf ops>` statements, not variables) the function reads."""
        first, last = self._start(function), self._end(function)
        graph = []
        for name in sorted({a.name for a in scope.assignments}):
            if name in declared_global:
                continue
            assignments = list(scope.assignments[name])
            reads = [
                access for assignment in assignments for access in assignment.references
                if access.scope is not scope and first <= self._start(access.node) <= last
            ]
            if not reads or not all(self._graph_binding(a, top_ids) for a in assignments):
                continue
            for access in reads:
                owner = access.scope
                while owner is not inner and isinstance(owner, ComprehensionScope):
                    owner = owner.parent
                if owner is not inner:
                    return []  # read by a function or class inside the helper, which may run later: not followed
            graph.append(name)
        return graph

    def _graph_binding(self, assignment, top_ids: set[int]) -> bool:  # type: ignore[no-untyped-def]  # noqa: ANN001
        """`name = <expression with tf.* ops>` as a top-level statement, not a variable's creation."""
        if not isinstance(assignment, Assignment) or not isinstance(assignment.node, cst.Name):
            return False
        parent = self.get_metadata(ParentNodeProvider, assignment.node, None)
        if isinstance(parent, cst.Element):
            sequence = self.get_metadata(ParentNodeProvider, parent, None)
            parent = self.get_metadata(ParentNodeProvider, sequence, None) if isinstance(sequence, (cst.Tuple, cst.List)) else None
        assign = self.get_metadata(ParentNodeProvider, parent, None) if isinstance(parent, cst.AssignTarget) else None
        statement = self.get_metadata(ParentNodeProvider, assign, None) if isinstance(assign, cst.Assign) else None
        if not isinstance(statement, cst.SimpleStatementLine) or id(statement) not in top_ids:
            return False
        value = assign.value  # type: ignore[union-attr]
        qualified = [self.qualified_name(call) or "" for call in find(value, cst.Call)]
        if isinstance(value, cst.Call) and qualified and qualified[0].startswith(sessions.VARIABLE_FACTORIES + (sessions.VARIABLE,)):
            return False  # a variable: the same object in eager code, which helpers may read
        return any(q.startswith("tf.") for q in qualified) and not session_rebinding._calls_method(value, ("run", "eval"))

    def _before_binding(self, call: cst.Call, name: str, scope: GlobalScope) -> bool:
        """The call comes before any binding of `name` has run (top-level code runs in order)."""
        start = self._start(call)
        return not any(self._end(a.node) <= start for a in scope.assignments[name] if isinstance(a, Assignment))

    # -- writing -----------------------------------------------------------------------------

    def _apply(self, module: cst.Module, candidates: list[_Candidate], taken: set[str]) -> cst.Module:
        replace: dict[int, cst.CSTNode | cst.RemovalSentinel] = {}
        keywords: dict[int, list[str]] = {}
        parameters: dict[int, list[str]] = {}
        names = set(taken)
        for candidate in candidates:
            if isinstance(candidate, _Appends):
                replace[id(candidate.start)] = cst.RemovalSentinel.REMOVE
                if candidate.in_a_row:  # `c.append(a); c.append(b)` -> `c = [a, b]`
                    items = list(candidate.values)
                    for statement in candidate.appends[1:]:
                        replace[id(statement)] = cst.RemovalSentinel.REMOVE
                    anchor = candidate.appends[0]
                else:  # each earlier value named where it was computed; the last append binds the list
                    items = []
                    for index, (statement, value) in enumerate(zip(candidate.appends[:-1], candidate.values[:-1], strict=True)):
                        fresh = f"{candidate.name}_{index}"
                        while fresh in names:
                            fresh += "_"
                        names.add(fresh)
                        replace[id(statement)] = _assignment(statement, fresh, value)
                        items.append(cst.Name(fresh))
                    items.append(candidate.values[-1])
                    anchor = candidate.appends[-1]
                elements = [
                    cst.Element(item, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if i < len(items) - 1 else cst.MaybeSentinel.DEFAULT)
                    for i, item in enumerate(items)
                ]
                replace[id(anchor)] = _assignment(anchor, candidate.name, cst.List(elements))
            else:
                parameters[id(candidate.function)] = candidate.names
                for call in candidate.calls:
                    keywords[id(call)] = candidate.names
        return module.visit(_Writer(replace, keywords, parameters))

    def _converts(self, module: cst.Module) -> tuple[bool, list]:  # type: ignore[type-arg]
        """Whether the Session rewrite converts this module once TFM275 has given its names (each run on a
        copy), and the findings the Session rewrite would report."""
        module = self._run(session_rebinding.SessionRebinding, cst.parse_module(module.code))[0]
        _, findings = self._run(sessions.Sessions, cst.parse_module(module.code), transform=False)
        return any(f.code == sessions.CONVERT.code and f.fix is FixState.APPLIED for f in findings), findings

    def _run(self, kind: type[Codemod], module: cst.Module, *, transform: bool = True) -> tuple[cst.Module, list]:  # type: ignore[type-arg]
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        run = dataclasses.replace(self.run, findings=[], fixes_applied=0, used_suppressions=set())
        codemod = kind(CodemodContext(filename=self.context.filename, wrapper=wrapper), run)
        codemod.metadata = LazyMetadata(wrapper, codemod.get_inherited_dependencies())
        try:
            if transform:
                result = wrapper.module.visit(codemod)
            else:
                codemod.visit_Module(wrapper.module)
                result = wrapper.module
        finally:
            codemod.metadata = {}
        return result, run.findings

    # -- messages ----------------------------------------------------------------------------

    def _code(self, candidate: _Candidate) -> str:
        return APPENDS.code if isinstance(candidate, _Appends) else HELPER_INPUTS.code

    def _anchor(self, candidate: _Candidate) -> cst.CSTNode:
        return candidate.start if isinstance(candidate, _Appends) else candidate.function

    def _describe(self, candidate: _Candidate) -> str:
        if isinstance(candidate, _Appends):
            return f"the list `{candidate.name}` of graph values is grown by {len(candidate.appends)} `append`(s) while the graph is built"
        return f"`{candidate.function.name.value}` reads the graph value(s) {_listed(candidate.names)} as globals"

    def _done(self, candidate: _Candidate) -> str:
        if isinstance(candidate, _Appends):
            return f"{self._describe(candidate)}: now bound once, complete, so that the Session program converts"
        return f"{self._describe(candidate)}: now keyword-only parameter(s) that its {len(candidate.calls)} call(s) pass, so that the Session program converts"


class _Writer(cst.CSTTransformer):
    """Replaces statements, adds keyword-only parameters to functions and keywords to calls (by node identity)."""

    def __init__(self, replace: dict[int, cst.CSTNode | cst.RemovalSentinel], keywords: dict[int, list[str]], parameters: dict[int, list[str]]) -> None:
        super().__init__()
        self.replace = replace
        self.keywords = keywords
        self.parameters = parameters

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine):  # type: ignore[no-untyped-def]
        return self.replace.get(id(original_node), updated_node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        names = self.keywords.get(id(original_node))
        if not names:
            return updated_node
        args = list(updated_node.args)
        if args:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        for index, name in enumerate(names):
            last = index == len(names) - 1
            args.append(cst.Arg(
                keyword=cst.Name(name), value=cst.Name(name),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                comma=cst.MaybeSentinel.DEFAULT if last else cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
            ))
        return updated_node.with_changes(args=args)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        names = self.parameters.get(id(original_node))
        if not names:
            return updated_node
        params = updated_node.params
        star = params.star_arg
        if isinstance(star, cst.MaybeSentinel):
            star = cst.ParamStar()
        kwonly = [*params.kwonly_params, *(cst.Param(cst.Name(name)) for name in names)]
        return updated_node.with_changes(params=params.with_changes(star_arg=star, kwonly_params=kwonly))


def _assignment(statement: cst.SimpleStatementLine, name: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    """`name = value` in place of `statement` (its comments and blank lines kept)."""
    return statement.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=value)])


def _listed(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


CODEMOD = SessionGraphValues

