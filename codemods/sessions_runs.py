"""The runs of a Session program: `sess.run(...)`, `t.eval(...)`, `op.run(...)`, `sess.close()` (codemods/sessions.py).

What it matches
    Every run of the program's graph names (`_find_runs`): its fetches (a graph name, a list or tuple of them,
    an expression over the graph: `_check_fetched_expression`, a variable update: codemods/session_fetches.py,
    a tensor named by string) and its feed (a dict literal whose keys are placeholders, or such a dict bound
    just before the run: `_feed_literal`); the initializer's run, which must come once, before the graph runs,
    at the top level; `sess.close()`.

What it writes
    Nothing yet: it records the runs on the program (`program.runs`) and names the train steps the runs need
    (`train_step`, one per set of values fetched with a train op), for codemods/sessions_fetch_calls.py to
    turn each run into calls and codemods/sessions_writer.py to write the steps. A run it does not follow
    declines the program (TFM212: fetches by an unknown name, feeds that are not placeholder dicts,
    placeholders a fetch needs and the feed does not give, values fetched with a train op in an order TF1 did
    not fix; TFM211: initialisation more than once, inside a loop or after the graph ran).

Why: each run must become calls that return the same values; what cannot be proven to do so stays in graph
mode. `RunChecks` is a part of the `Sessions` codemod: its methods run with `self` the codemod.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, ScopeProvider

from . import session_checkpoints, session_fetches, session_metrics, session_optimizers
from .builders import source_of
from .names import references_in as _names_in
from .session_program_shapes import builds_graph_through_helper
from .sessions_model import INITIALIZERS, NOT_GRAPH, STATEFUL_MARKERS, UNSUPPORTED_IN_TENSORS, VARIABLE, VARIABLE_FACTORIES, Decline, Program, _arg, _calls_in, _single_small, _step_key
from .sessions_rules import FETCH_FEED, GRAPH, SESSION_USE


class RunChecks:
    """Finds and checks every run of a Session program (a part of `Sessions`)."""

    def _find_runs(self, program: Program) -> None:
        """Every `sess.run(...)`, `t.eval(...)`, `op.run(...)`, `sess.close()` of the program: plan or decline."""
        runs: list[tuple[str, cst.Call, cst.BaseExpression | None, cst.BaseExpression | None]] = []
        program.runs = runs  # type: ignore[attr-defined]
        for call in self._own(program.block, cst.Call, m.Call(func=m.Attribute(value=m.Call(), attr=m.Name("run")))):
            assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
            if self._is(call.func.value, INITIALIZERS) and not call.args:
                runs.append(("init", call, None, None))
        seen: set[int] = set()  # a name bound several times (a chain) lists each access once per binding
        for name in sorted(program.graph_names()):
            for assignment in program.scope.assignments[name]:  # type: ignore[attr-defined]
                for access in assignment.references:
                    if id(access.node) in seen or self._after_fetch(program, name, access.node):
                        continue  # (after `name = sess.run(name)` the name is a plain value)
                    seen.add(id(access.node))
                    receiver = access.node
                    attribute = self.get_metadata(ParentNodeProvider, receiver, None)
                    call = self.get_metadata(ParentNodeProvider, attribute, None) if attribute is not None else None
                    if not (isinstance(attribute, cst.Attribute) and attribute.value is receiver and isinstance(call, cst.Call) and call.func is attribute):
                        continue
                    method = attribute.attr.value
                    evaluated = session_fetches.evaluated_update(self, program.variables - program.containers, call, program.session_names) if name in program.variables else None
                    if evaluated is not None:  # `global_step.assign(i).eval()`: as `sess.run(global_step.assign(i))`
                        if evaluated[1] is not None:
                            program.claimed.add(id(evaluated[1].value))
                        runs.append(("run", evaluated[0], call, None))
                        continue
                    if name in program.session_names and method in ("run", "close"):
                        program.claimed.add(id(receiver))
                        if method == "close":
                            if call.args:
                                raise Decline(call, SESSION_USE.code, "`sess.close(...)` with arguments")
                            runs.append(("close", call, None, None))
                            continue
                        fetch = _arg(call, 0, "fetches")
                        feed = _arg(call, 1, "feed_dict")
                        extra = [a for a in call.args if a is not fetch and a is not feed]
                        if fetch is None or extra:
                            raise Decline(call, FETCH_FEED.code, "`sess.run` with options, run_metadata or no fetches")
                        runs.append(("run", call, fetch.value, feed.value if feed else None))
                    elif method in ("eval", "run") and name not in program.session_names:
                        program.claimed.add(id(receiver))
                        feed = _arg(call, 0, "feed_dict")
                        for argument in call.args:
                            if argument is feed and argument.keyword is None or argument is feed and argument.keyword.value == "feed_dict":  # type: ignore[union-attr]
                                continue
                            if argument.keyword is not None and argument.keyword.value == "session" and isinstance(argument.value, cst.Name) and argument.value.value in program.session_names:
                                program.claimed.add(id(argument.value))
                                continue
                            raise Decline(call, FETCH_FEED.code, f"`.{method}(...)` with arguments other than a feed dict")
                        runs.append(("run", call, receiver, feed.value if feed else None))
        runs.sort(key=lambda run: self.position(run[1]))
        initializing = [run for run in runs if run[0] == "init" or (run[0] == "run" and self._fetches_init(program, run[2]))]
        initializing = [run for run in initializing if not session_checkpoints.reset_by_restore(self, program, run[1])]
        initializing = session_metrics.without_leading_local_inits(self, program, runs, initializing)  # `sess.run(global); sess.run(local)`
        if len(initializing) > 1:
            raise Decline(initializing[1][1], SESSION_USE.code, "the variables are initialised more than once (a reset the eager code would not do)")
        if initializing and any(self.position(run[1]) < self.position(initializing[0][1]) for run in runs if run[0] == "run" and run not in initializing):
            raise Decline(initializing[0][1], SESSION_USE.code, "the variables are initialised after the graph already ran (a reset the eager code would not do)")
        for kind, call, fetch, feed in runs:
            if kind in ("init", "close") or self._fetches_init(program, fetch):
                parent = self.get_metadata(ParentNodeProvider, call)
                statement = self.get_metadata(ParentNodeProvider, parent) if isinstance(parent, cst.Expr) else None
                if statement is None or _single_small(statement) is None:
                    raise Decline(call, SESSION_USE.code, "the initializer or `close()` is part of a larger statement")
                if kind != "close" and statement not in program.top:  # type: ignore[attr-defined]
                    raise Decline(call, SESSION_USE.code, "the initializer runs inside a loop or branch (variables re-initialised)")
                if feed is not None:
                    raise Decline(call, FETCH_FEED.code, "the initializer is run with a feed")
            if kind == "run":
                self._check_run(program, call, fetch, feed)  # type: ignore[arg-type]

    def _feed(self, program: Program, call: cst.Call, feed: cst.BaseExpression | None) -> dict[str, cst.BaseExpression]:
        if feed is None:
            return {}
        if isinstance(feed, cst.Name):
            feed = self._feed_literal(program, call, feed)
        if not isinstance(feed, cst.Dict):
            raise Decline(call, FETCH_FEED.code, "the feed is not a dict literal")
        values: dict[str, cst.BaseExpression] = {}
        for element in feed.elements:
            key = element.key if isinstance(element, cst.DictElement) else None
            name = key.value if isinstance(key, cst.Name) else (self._by_name(program, key) if key is not None else None)
            if name is None or name not in program.placeholders:
                raise Decline(call, FETCH_FEED.code, "a feed key is not a placeholder of this program")
            program.claimed.add(id(key))
            values[name] = element.value  # type: ignore[union-attr]
        return values

    def _feed_literal(self, program: Program, call: cst.Call, name: cst.Name) -> cst.BaseExpression:
        """`feed_dict = {X: batch_xs, Y: batch_ys}` just before `sess.run(..., feed_dict=feed_dict)`: the dict
        literal, when the name serves only as a feed and its values (names, literals) are not rebound between
        the dict and the run (the dict goes; its values are passed at the run)."""
        scope = self.get_metadata(ScopeProvider, name, None)
        assignments = list(scope.assignments[name.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0].node, cst.Name) or name.value in program.graph_names():
            return name  # (a dict built at the top level of the program was taken for a tensor)
        target = assignments[0].node
        assign_target = self.get_metadata(ParentNodeProvider, target, None)
        assign = self.get_metadata(ParentNodeProvider, assign_target, None) if isinstance(assign_target, cst.AssignTarget) else None
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.value, cst.Dict)):
            return name
        statement = self.get_metadata(ParentNodeProvider, assign, None)
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return name
        block = self.get_metadata(ParentNodeProvider, statement, None)
        ancestor: cst.CSTNode | None = call
        while ancestor is not None and ancestor is not block:
            ancestor = self.get_metadata(ParentNodeProvider, ancestor, None)
        if ancestor is None or self.position(statement) >= self.position(call):
            return name  # the run is not after the dict in the same block
        for access in scope.accesses[name.value]:  # type: ignore[union-attr]
            argument = self.get_metadata(ParentNodeProvider, access.node, None)
            user = self.get_metadata(ParentNodeProvider, argument, None) if isinstance(argument, cst.Arg) else None
            if not (isinstance(user, cst.Call) and m.matches(user.func, m.Attribute(attr=m.Name("run") | m.Name("eval")))):
                return name  # the dict is used for something else too
        start, end = self.position(statement), self.position(call)
        for element in assign.value.elements:
            value = element.value
            if isinstance(value, (cst.Integer, cst.Float, cst.SimpleString)) or (isinstance(value, cst.Name) and value.value in ("True", "False", "None")):
                continue
            if not isinstance(value, cst.Name):
                return name
            for binding in scope.assignments[value.value]:  # type: ignore[union-attr]
                node = binding.node if isinstance(binding.node, cst.CSTNode) else None
                if node is None or start < self.position(node) < end:
                    return name  # rebound between the dict and the run
        program.feed_statements[id(statement)] = statement
        return assign.value

    def _check_run(self, program: Program, call: cst.Call, fetch: cst.BaseExpression, feed: cst.BaseExpression | None) -> None:
        for reference in _names_in(fetch):
            name = reference.value
            rewritten = name in program.placeholders or name in program.train_ops or (name in program.tensors and program.tensors[name].dynamic)
            if rewritten and self._after_fetch(program, name, reference):  # (a variable's or constant's name stays as it is)
                raise Decline(call, FETCH_FEED.code, f"`{reference.value}` is fetched again after it was rebound to its fetched value")
        values = self._feed(program, call, feed)
        fetch = self._normalized(program, fetch)
        elements = list(fetch.elements) if isinstance(fetch, (cst.List, cst.Tuple)) else None
        fetches = [e.value for e in elements] if elements is not None else [fetch]
        if elements is not None and session_metrics.initializer(self, fetch, INITIALIZERS, set(program.inits)):
            program.claimed.update(id(item) for item in fetches if isinstance(item, cst.Name))
            return  # `sess.run([global_init, local_init])`: initializers only (session_metrics)
        if elements is not None and any(isinstance(e, cst.StarredElement) for e in elements):
            raise Decline(call, FETCH_FEED.code, "a starred fetch")
        updates = [u for u in (session_fetches.variable_update(self, program.variables - program.containers, item) for item in fetches) if u]
        unordered = session_fetches.unordered(updates, len(fetches) - len(updates), lambda value: self._variables_read(program, value))
        if unordered:
            raise Decline(call, FETCH_FEED.code, unordered)
        if elements is not None and len(fetches) == 1 and isinstance(fetches[0], cst.Name) and fetches[0].value in program.train_ops:
            if not isinstance(self.get_metadata(ParentNodeProvider, call), cst.Expr):
                raise Decline(call, FETCH_FEED.code, "the value of a run of a list holding only the train op (`[None]`) is used")
        for item in fetches:
            if not isinstance(item, cst.Name):
                if (self._is(item, INITIALIZERS) or session_metrics.initializer(self, item, INITIALIZERS)) and elements is None:
                    continue
                self._check_fetched_expression(program, call, item, values)
                continue
            name = item.value
            program.claimed.add(id(item))
            if name in program.placeholders:
                raise Decline(call, FETCH_FEED.code, f"fetching the placeholder `{name}`")
            if name in program.containers:
                raise Decline(call, FETCH_FEED.code, f"fetching `{name}`, a container of variables")
            if name in program.inits:
                if elements is not None:
                    raise Decline(call, FETCH_FEED.code, "the initializer fetched with other values")
                continue
            if name in program.tensors:
                needed = program.tensors[name].params
            elif name in program.train_ops:
                needed = program.tensors[program.train_ops[name].loss].params
            elif name in program.variables:
                needed = []
            elif program.scope.assignments[name]:  # type: ignore[attr-defined]
                raise Decline(call, GRAPH.code, f"the fetch `{name}` is not built at the top level of the program (inside a loop or branch?)")
            else:
                raise Decline(call, FETCH_FEED.code, f"the fetch `{name}` is not a tensor, variable or train op")
            missing = [p for p in needed if p not in values and p not in program.defaults]
            if missing:
                raise Decline(call, FETCH_FEED.code, f"`{name}` needs placeholder(s) {', '.join(missing)} that the feed does not give")
        trains = [item for item in fetches if isinstance(item, cst.Name) and item.value in program.train_ops]
        if trains and not all(isinstance(item, cst.Name) for item in fetches):
            raise Decline(call, FETCH_FEED.code, "an expression fetched together with the train op")
        if trains:
            if len(trains) > 1:
                concern = session_optimizers.several_train_ops_concern(self, program, call, fetches, trains, STATEFUL_MARKERS)
                if concern is not None:
                    raise Decline(call, FETCH_FEED.code, concern)
            if elements is None:
                parent = self.get_metadata(ParentNodeProvider, call)
                if not isinstance(parent, cst.Expr) and not session_fetches.unread_binding(self, call):
                    raise Decline(call, FETCH_FEED.code, "the value of a train-op run (None) is used")
            elif len(trains) == 1 and trains[0] is not fetches[0] and trains[0] is not fetches[-1] and len(fetches) > 2:
                raise Decline(call, FETCH_FEED.code, "a train op fetched between other values")
            train = program.train_ops[trains[0].value]
            extras = tuple(item.value for item in fetches if item is not trains[0])  # type: ignore[union-attr]
            if train.global_step is not None and train.global_step in extras:
                raise Decline(call, FETCH_FEED.code, f"`{train.global_step}` fetched together with the train op that increments it (TF1 does not order that read and the increment): fetch it in a run of its own")
            for extra in extras:
                if extra in program.containers or (extra in program.tensors and not program.tensors[extra].dynamic):
                    raise Decline(call, FETCH_FEED.code, f"`{extra}` fetched together with the train op")
                assigned = session_optimizers.assigns_variables(self, program, extra)
                if assigned is not None:
                    raise Decline(call, FETCH_FEED.code, f"`{extra}` assigns variables (`{assigned}`) and is fetched together with the train op: TF1 does not order the assignment and the update (measured, bench/tf1_fetch_order.py: the clip ran before the update, after it, or overwrote it, changing from run to run): fetch it in a run of its own, after the train op's run if the update is meant to come first (WGAN's clipping)")
            key = _step_key(train, extras)
            if key not in train.steps:
                train.steps[key] = program.fresh("train_step")

    def _variables_read(self, program: Program, value: cst.BaseExpression) -> set[str]:
        """The program's variables that `value` reads, directly or through the tensors it uses."""
        seen: set[str] = set()
        todo = [n.value for n in _names_in(value)]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += program.tensors[name].deps if name in program.tensors else []
        return seen & program.variables

    def _check_fetched_expression(self, program: Program, call: cst.Call, item: cst.BaseExpression, values: dict[str, cst.BaseExpression]) -> None:
        """`sess.run(tf.argmax(pred, 1), feed)`: an expression over the graph, evaluated eagerly in place."""
        update = session_fetches.variable_update(self, program.variables - program.containers, item)
        if update is not None:  # `sess.run(v.assign(e))`: the update done in place (session_fetches)
            program.claimed.add(id(update.variable))
            self._check_fed(program, call, update.value, values, f"`{source_of(item)}`")
            return
        if isinstance(item, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            raise Decline(call, FETCH_FEED.code, f"fetch by name ({source_of(item)}) that no tensor of this program was given with `name=` (exactly once)")
        tensor_op = (
            isinstance(item, (cst.BinaryOperation, cst.UnaryOperation, cst.Subscript))
            or isinstance(item, cst.Call) and (self.qualified_name(item) or "").startswith("tf.")
            or self._helper_built(item)  # `sess.run(G(z), feed)`: a helper of this file building the tensor
        )
        if not tensor_op:
            raise Decline(call, FETCH_FEED.code, f"the fetch `{source_of(item)}` is not a tensor (a dict, list or other structure built differently)")
        references = [n for n in _names_in(item) if n.value in program.graph_names()]
        calls = [self.qualified_name(c) or "" for c in _calls_in(item)]
        if not references and not any(q.startswith("tf.") for q in calls):
            raise Decline(call, FETCH_FEED.code, f"the fetch `{source_of(item)}` is not a tensor of this program's graph")
        self._check_fed(program, call, item, values, f"`{source_of(item)}`")

    def _check_fed(self, program: Program, call: cst.Call, item: cst.BaseExpression, values: dict[str, cst.BaseExpression], what: str) -> None:
        """The calls in a fetched expression run eagerly and the graph names it reads are given by the feed."""
        references = [n for n in _names_in(item) if n.value in program.graph_names()]
        calls = [self.qualified_name(c) or "" for c in _calls_in(item)]
        for qualified in calls:
            if qualified.startswith(UNSUPPORTED_IN_TENSORS + VARIABLE_FACTORIES) or qualified in INITIALIZERS or qualified == VARIABLE:
                raise Decline(call, FETCH_FEED.code, f"the fetch uses `{qualified}`")
        for reference in references:
            name = reference.value
            if name in program.placeholders:
                needed = [name]
            elif name in program.tensors:
                needed = program.tensors[name].params
            elif name in program.variables:
                needed = []
            else:
                raise Decline(call, FETCH_FEED.code, f"the fetch {what} uses `{name}`")
            missing = [p for p in needed if p not in values and p not in program.defaults]
            if missing:
                raise Decline(call, FETCH_FEED.code, f"`{name}` needs placeholder(s) {', '.join(missing)} that the feed does not give")
            program.claimed.add(id(reference))

    def _helper_built(self, item: cst.BaseExpression) -> bool:
        """`G(z)`: a call of a function of this file that builds graph ops and creates no variables."""
        if not (isinstance(item, cst.Call) and isinstance(item.func, cst.Name) and self.qualified_name(item) is None):
            return False
        return builds_graph_through_helper(self, item, NOT_GRAPH, (VARIABLE, *VARIABLE_FACTORIES)) and self._call_concern(item) is None

    def _fetches_init(self, program: Program, fetch: cst.BaseExpression | None) -> bool:
        fetch = self._normalized(program, fetch) if fetch is not None else None
        if isinstance(fetch, cst.Name):
            return fetch.value in program.inits
        return fetch is not None and (self._is(fetch, INITIALIZERS) or session_metrics.initializer(self, fetch, INITIALIZERS, set(program.inits)))
