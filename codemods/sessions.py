"""TFM201-TFM214 sessions: placeholder + Session programs become eager TensorFlow 2.

What it matches
    A *program*: the code of a module, or of one function, that opens a `tf.Session()` /
    `tf.InteractiveSession()` (`with ... as sess:`, `sess = ...`) and runs in it a graph built at the
    top level of the same block, of the session's `with` body, or of a `with graph.as_default():` block:

        X = tf.placeholder(tf.float32)                      # placeholders
        W = tf.Variable(0.0)                                # variables (also dicts/lists of them)
        pred = X * W                                        # tensors built from them
        cost = tf.reduce_mean(tf.square(pred - Y), name="cost")
        train_op = tf.train.AdamOptimizer(0.01).minimize(cost)
        init = tf.global_variables_initializer()
        with tf.Session(config=config) as sess:
            sess.run(init)
            _, c = sess.run([train_op, "cost:0"], feed_dict={X: bx, Y: by})
            print(cost.eval({X: bx, Y: by}), W.eval(), sess.run(tf.argmax(pred, 1), {X: bx}))

What it writes (TFM201)
    Variables stay where they are (created once, eagerly). Each tensor that depends on a placeholder,
    a variable or a random/assign op becomes a function whose parameters are its placeholders
    (`def compute_cost(X, Y): pred = compute_pred(X); return ...`); constant tensors stay values. A name
    rebound in a chain of graph building (`L1 = conv(X); L1 = relu(L1)`, the earlier bindings read only
    by the next one) becomes one function with the chain's statements in order; a tensor name rebound to
    its own fetched value (`y = sess.run(y)`) is plain Python from that statement on. A
    `tf.placeholder_with_default(<literal>, ...)` (training flags) is a placeholder whose default is passed
    where a run does not feed it; `True`/`False` fed to a bool placeholder stay Python bools.
    Helpers of the same file that build graph ops (`G_sample = generator(z)`, `sess.run(G(z), feed)`) are
    called in the functions; names unpacked from one graph value (`prob, logit = D(x)`) each get a
    function (declined when the value draws random numbers); `a, b = [tf.Variable(p) for p in INIT]` are
    variables; `minimize(-score)` computes its expression as the loss. Names bound more than once: a plain
    binding nothing reads before the graph binds the name is left as it is; a plain rebinding after the
    program's last run (outside loops that run again) makes the name plain Python from there on; a
    variable's name rebound to a fetched value while the graph still runs gets a name of its own
    (`b = sess.run(h)` -> `b_value = ...`). Feed values that call functions are passed in the feed's
    order (keywords where the parameters are in another order), so that random batches are drawn alike.
    The optimizer becomes its Keras counterpart (arguments mapped by TF1's positional order, TF1
    defaults that differ passed explicitly: Adam's epsilon 1e-8, Adagrad's epsilon 0; RMSProp from a class
    written into the file, codemods/session_optimizers.py), and each
    `minimize` a `@tf.function` train step with a `tf.GradientTape` over the variables the loss reads
    (`tape.watched_variables()`, or the `var_list` given); `minimize(..., global_step=step)` adds 1 to the
    step variable after each update, and a rate computed from variables (`tf.train.exponential_decay(lr,
    step, ...)`, as a `tf.keras.optimizers.schedules.ExponentialDecay` of the step) is the Keras optimizer's
    callable `learning_rate` (codemods/session_schedules.py). Placeholders, the initializer, the graph,
    the session and `sess.close()` go; a session's config stays behind as `config = tf.ConfigProto(...)`
    for TFM253. Each `sess.run(fetches, feed_dict)` / `t.eval(...)` / `op.run(...)` becomes calls that
    return the same values in the same structure: a tensor `.numpy()`, a list a list, the train op
    `None`; values fetched with the train op are computed in the step, before the update. Fetches and
    feeds by tensor name (`"cost:0"`) resolve through `name=`. Fed values are cast to the
    placeholder's dtype, as feeding did. A variable update fetched (`sess.run(v.assign(e))`,
    `tf.assign_add(v, e)`, a list of independent updates) is done in place (`v.assign(e)`); a train
    run bound to a name nothing reads (`opt = sess.run(train_op)`) stays bound (codemods/session_fetches.py).

    TFM202: when every Session program of a file was converted, `import tensorflow.compat.v1 as tf`
    becomes `import tensorflow as tf` and `tf.disable_v2_behavior()` / `disable_eager_execution()` go.

Why
    `tf.placeholder`, `tf.Session` and `tf.train.*Optimizer` do not exist in TF2's namespace, and under
    eager execution their `compat.v1` spellings raise. `tf_upgrade_v2` only renames them.

When it declines (TFM211-TFM214)
    Anything it does not fully understand (the session handed to other code, fetches by unknown name,
    feeds that are not placeholder dicts, optimizers without a faithful Keras counterpart, tensors
    used outside `sess.run` or built by code that creates variables, names rebound, Python values
    the graph froze that change later, graph-mode code elsewhere in the file, ...) leaves every
    Session program of the file untouched and reports why: one file, one execution mode. The
    graph-plumbing rules then keep it running in graph mode (TFM260).
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import FunctionScope, ParentNodeProvider, PositionProvider, ScopeProvider

from tf2migrate.traversal import find

from . import session_checkpoints, session_classes, session_contexts, session_dataset_values, session_fed_tensors, session_fetches, session_metrics, session_optimizers, session_prints, session_rebound_reasons, session_scopes, session_summaries
from .base import Codemod
from .builders import source_of
from .names import references_in as _names_in
from .session_schedules import SCHEDULES, ScheduleCalls, keras_schedule, schedule_arguments
from .session_program_shapes import builds_graph_through_helper, function_definitions, item_of, stateful_call, unpacked_targets, unpacked_variables
from .plumbing import PLUMBING_CODE, argument_of_removed_api, fallback_cannot_switch, handed_to_other_code, session_only_plumbing
from .sessions_rules import COMPAT_IMPORT, CONVERT, FETCH_FEED, GRAPH, OPTIMIZER, SESSION_USE
from .sessions_keras_optimizers import KerasOptimizers
from .sessions_model import CONFIGS, GRAPH_DRIVERS, GRAPH_MODE_SWITCHES, INITIALIZERS, NOT_GRAPH, PLACEHOLDER, SEEN_THROUGH, SESSION_FACTORIES, STATEFUL_MARKERS, UNSUPPORTED_IN_TENSORS, VARIABLE, VARIABLE_FACTORIES, Decline, Edits, Program, Tensor, TrainOp, _arg, _assign_target, _calls_in, _commas, _keyword, _single_small, _step_key


# Read from here by other modules: eager_programs and the tests (OPTIMIZERS), session_datasets (_arg),
# session_graph_values and session_rebinding (SESSION_FACTORIES, VARIABLE, VARIABLE_FACTORIES).
from .sessions_keras_optimizers import OPTIMIZERS  # noqa: E402,F401


class Sessions(KerasOptimizers, Codemod):
    RULES = (CONVERT, COMPAT_IMPORT, SESSION_USE, FETCH_FEED, OPTIMIZER, GRAPH, *session_checkpoints.RULES, *session_summaries.RULES, *session_prints.RULES, *session_metrics.RULES)
    TRIGGERS = ("Session",)
    METADATA_DEPENDENCIES = Codemod.METADATA_DEPENDENCIES

    # -- detection ---------------------------------------------------------------------------

    def visit_Module(self, node: cst.Module) -> bool:
        self.tree = node
        self.edits = Edits()
        self._removed: dict[int, cst.CSTNode] = {}  # the node is kept so that its id is not reused
        self._generated: dict[int, cst.CSTNode] = {}  # functions this rule wrote
        self.tf = self._tensorflow_alias(node)
        blocks: list[cst.CSTNode] = [node, *find(node, cst.FunctionDef)]
        taken = {name.value for name in find(node, cst.Name)}  # type: ignore[attr-defined]
        programs: list[Program] = []
        declined: list[Decline] = []
        skipped: list[cst.CSTNode] = []  # sessions that run nothing (Keras session plumbing): not ours
        # Sessions kept only for `K.set_session` / `with sess.as_default():` are graph_plumbing's (TFM251),
        # which removes them natively: neither a program here nor a reason to decline (codemods/plumbing.py).
        self._plumbing_calls: set[int] = set()
        for block in blocks:
            sessions = []
            for session in self._sessions(block):
                if self._left_to_plumbing(session):
                    self._plumbing_calls.update(id(c) for c in find(session, cst.Call) if self._is(c, SESSION_FACTORIES))
                else:
                    sessions.append(session)
            if not sessions:
                continue
            if not self._runs_graph(block):
                skipped.append(sessions[0])
                continue
            program = Program(block=block, scope=None, session=sessions[0], sessions=sessions, taken=taken)
            try:
                if self.tf is None:
                    raise Decline(sessions[0], GRAPH.code, "TensorFlow is not imported as a module (`import tensorflow as tf`): convert the program by hand")
                self._analyse(program)
                programs.append(program)
            except (Decline, session_checkpoints.Declined, session_summaries.Declined, session_metrics.Declined) as decline:
                declined.append(decline)  # type: ignore[arg-type]
        leftover = None
        if programs and not declined and not skipped:
            leftover = self._leftover_graph_code(node, programs)
            if leftover is not None:
                declined.append(leftover)
        for decline in declined:
            if decline.code == SESSION_USE.code and (handed_to_other_code(self, decline.node) or argument_of_removed_api(self, decline.node)):
                continue  # handed to a library, a local function or a removed API: legacy_calls reports it (TFM301/302/330)
            if decline.code == GRAPH.code and self._hands_over_a_session(decline.node):
                continue  # `lib.f(..., sess=sess)`: one construct, legacy_calls' TFM301/TFM302 covers it
            if self.tf is None and any(
                fallback_cannot_switch(self, call.func) for call in find(decline.node, cst.Call) if self._is(call, SESSION_FACTORIES)  # type: ignore[attr-defined]
            ):
                continue  # TFM261 (graph_plumbing) tells how to import TensorFlow so that the tool can work
            self.flag(decline.node, decline.code, decline.message + "; left in graph mode")
        if not programs:
            return False
        reason = None
        if leftover is not None:
            line = self.position(leftover.node)[0]
            reason = f"graph-mode code at line {self.run.linemap.to_original(line)} stays"
        elif declined:
            reason = "another Session program in this file cannot be converted"
        elif skipped:
            line = self.position(skipped[0])[0]
            reason = f"the Session at line {self.run.linemap.to_original(line)} runs nothing this rule converts (session plumbing, left to TFM25x)"
        elif self._blocking_switch(node) is not None:
            switch = self._blocking_switch(node)
            line = self.position(switch)[0]  # type: ignore[arg-type]
            reason = f"eager execution is switched off at line {self.run.linemap.to_original(line)} and that call cannot be removed here (TFM202 not selected, suppressed, or not a plain module-level statement)"
        elif not self.enabled(CONVERT.code) or any(self.run.is_suppressed(CONVERT.code, self.position(p.session)[0]) for p in programs):
            if len(programs) > 1:
                reason = "another Session program in this file is suppressed or not selected"
            else:
                return False
        if reason is not None:
            for program in programs:
                self.flag(program.session, SESSION_USE.code, reason + ", so this one is left in graph mode too (one file, one execution mode)")
            return False
        for program in programs:
            self.offer_fix(program.session, CONVERT.code, self._summary(program))
        for program in programs:
            self._plan(program)
        self._plan_compat(node)
        return True

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

    def _summary(self, program: Program) -> str:
        parts = []
        functions = [t for t in program.tensors.values() if t.dynamic]
        if functions:
            parts.append(f"{len(functions)} tensor(s) now functions, placeholders as parameters")
        if program.train_ops:
            parts.append(f"{len(program.train_ops)} minimize() now a tf.function train step with GradientTape")
        parts.append("sess.run/eval now direct calls returning the same values")
        return "Session program rewritten as eager TF2: " + "; ".join(parts)

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

    # -- analysis ----------------------------------------------------------------------------

    def _analyse(self, program: Program) -> None:
        block = program.block
        first = self._body(block)
        if not first:
            raise Decline(program.session, GRAPH.code, "empty block")
        program.scope = self.get_metadata(ScopeProvider, first[0])
        for session in program.sessions:
            self._session_statement(program, session)
        # Graph definitions: top level of the block and of the sessions' `with` bodies.
        top: list[cst.CSTNode] = []
        bodies = {id(s): list(s.body.body) for s in program.sessions if isinstance(s, cst.With) and isinstance(s.body, cst.IndentedBlock)}

        def expand(statements: list[cst.BaseStatement]) -> None:
            for statement in statements:
                top.append(statement)
                self._note_graph(program, statement)
                if id(statement) in bodies:
                    expand(bodies.pop(id(statement)))
                elif self._graph_context(program, statement):
                    program.graph_contexts.append(statement)  # type: ignore[arg-type]
                    expand(list(statement.body.body))  # type: ignore[attr-defined]

        expand(first)
        for body in bodies.values():
            expand(body)
        program.top = top  # type: ignore[attr-defined]
        for statement in top:
            self._classify(program, statement)
        self._check_configs(program)
        self._check_graphs(program)
        if program.variables or program.inits:
            for session in program.sessions:
                if self._in_loop(program, session):
                    raise Decline(session, SESSION_USE.code, "the Session is opened inside a loop (each one starts the variables uninitialised again)")
        if len(program.sessions) > 1 and (program.variables or program.inits or program.train_ops) and not session_checkpoints.restored_sessions(self, program):
            raise Decline(program.sessions[1], SESSION_USE.code, "more than one Session over variables (each new session starts them uninitialised again)")
        self._check_definitions(program)
        self._find_runs(program)
        session_checkpoints.check(self, program)
        session_summaries.check(self, program)
        session_metrics.check(self, program)
        self._check_references(program)

    def _note_graph(self, program: Program, statement: cst.CSTNode) -> None:
        """`graph = tf.Graph()`: a graph the program builds in (eager code has none)."""
        target = _assign_target(_single_small(statement))
        if target is not None and self._is(target[1], "tf.Graph") and not target[1].args:  # type: ignore[attr-defined]
            program.graphs[target[0]] = statement  # type: ignore[assignment]

    def _graph_context(self, program: Program, statement: cst.CSTNode) -> bool:
        """`with graph.as_default():` / `with tf.Graph().as_default():` around the program's graph code,
        or `with sess.as_default():` around code that runs it: blocks eager code does without."""
        if session_contexts.store_scope_block(self, statement):
            return True  # `with variable_store.scope('layer1'):` kept, its body the program's top level (session_contexts)
        if not isinstance(statement, cst.With) or len(statement.items) != 1 or statement.items[0].asname is not None:
            return False
        if not isinstance(statement.body, cst.IndentedBlock):
            return False
        item = statement.items[0].item
        if session_summaries.name_scope_block(self, item):
            return True  # `with tf.name_scope("Loss"):` names ops only: its body is the program's own top level
        if session_scopes.variable_scope_block(self, statement):
            return True  # `with tf.variable_scope("Inputs"):` creating no variable: names ops only (session_scopes)
        if session_contexts.device_block(self, item):
            program.devices.append(statement)  # kept; its tensors' functions run in it (session_contexts)
            return True
        if not m.matches(item, m.Call(func=m.Attribute(attr=m.Name("as_default")), args=[])):
            return False
        graph = item.func.value  # type: ignore[attr-defined]
        if isinstance(graph, cst.Name) and graph.value in program.session_names:
            program.claimed.add(id(graph))  # `with sess.as_default():` the session is the default anyway
            return True
        if isinstance(graph, cst.Name) and graph.value in program.graphs:
            program.claimed.add(id(graph))
            return True
        return self._is(graph, frozenset({"tf.Graph", "tf.get_default_graph"})) and not graph.args

    def _session_statement(self, program: Program, statement: cst.CSTNode) -> None:
        if isinstance(statement, cst.With):
            if len(statement.items) != 1 or not self._is(statement.items[0].item, SESSION_FACTORIES):
                raise Decline(statement, SESSION_USE.code, "the Session is opened together with other context managers")
            item = statement.items[0]
            call = item.item
            if item.asname is not None:
                if not isinstance(item.asname.name, cst.Name):
                    raise Decline(statement, SESSION_USE.code, "the Session is bound to something other than a name")
                program.session_names.add(item.asname.name.value)
        else:
            small = _single_small(statement)
            target = _assign_target(small)
            if target is not None:
                call = target[1]
                program.session_names.add(target[0])
            elif isinstance(small, cst.Expr):
                call = small.value
            else:
                raise Decline(statement, SESSION_USE.code, "the Session is created inside a larger statement")
            if not self._is(call, SESSION_FACTORIES):
                raise Decline(statement, SESSION_USE.code, "the Session is created inside a larger expression")
        assert isinstance(call, cst.Call)
        for argument in call.args:
            keyword = argument.keyword.value if argument.keyword is not None else None
            if keyword == "graph":
                program.graph_arguments.append(argument.value)
                continue
            if keyword != "config":
                raise Decline(statement, SESSION_USE.code, f"the Session is created with `{source_of(argument).rstrip(', ')}` (a target or graph of its own)")
            program.config_arguments.append(argument.value)

    def _classify(self, program: Program, statement: cst.CSTNode) -> None:
        """Record what a top-level statement defines (or nothing, for plain Python)."""
        small = _single_small(statement)
        target = _assign_target(small)
        if session_checkpoints.classify(self, program, statement):
            return
        if session_dataset_values.eager_dataset(self, program, statement):
            return  # a dataset iterated in Python (TFM265): plain eager code
        if session_summaries.classify(self, program, statement, lambda name, line, value: program.tensors.__setitem__(name, Tensor(name=name, statement=line, value=value, dynamic=True))):
            return
        if session_metrics.classify(self, program, statement, lambda name, line, value: program.tensors.__setitem__(name, Tensor(name=name, statement=line, value=value, dynamic=True))):
            return
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Attribute):
            root: cst.BaseExpression = small.targets[0].target
            while isinstance(root, cst.Attribute):
                root = root.value
            if isinstance(root, cst.Name) and root.value in program.configs:
                program.claimed.add(id(root))  # `config.gpu_options.allow_growth = True`: goes with the session
                program.config_statements.append(statement)  # type: ignore[arg-type]
                return
        if target is None and isinstance(small, cst.Assign) and unpacked_targets(small) is not None:
            self._unpacked_tensors(program, statement, small)  # type: ignore[arg-type]
            return
        if target is None:
            if isinstance(small, (cst.AugAssign, cst.AnnAssign)) and self._mentions_tf_graph(small):
                raise Decline(statement, GRAPH.code, "graph code in an augmented or annotated assignment")
            return
        name, value = target
        assert isinstance(statement, cst.SimpleStatementLine)
        if statement in program.sessions or program.graphs.get(name) is statement:
            return
        self._record_op_name(program, name, value, session_scopes.op_prefix(self, statement))
        if self._is(value, CONFIGS):
            self._claim_config_names(program, value)
            program.configs[name] = statement
        elif self._is(value, PLACEHOLDER):
            dtype = _arg(value, 0, "dtype")  # type: ignore[arg-type]
            if dtype is None:
                raise Decline(statement, FETCH_FEED.code, "placeholder without a dtype")
            program.placeholders[name] = dtype.value
            program.placeholder_statements[name] = statement
        elif session_fed_tensors.fed_placeholder(self, value) is not None:  # `tf.placeholder(tf.float32) / 255.`, always fed
            program.placeholders[name] = _arg(session_fed_tensors.fed_placeholder(self, value), 0, "dtype").value  # type: ignore[arg-type,union-attr]
            program.placeholder_statements[name] = statement
        elif self._is(value, "tf.placeholder_with_default"):
            self._placeholder_with_default(program, name, statement, value)  # type: ignore[arg-type]
        elif self._is(value, VARIABLE):
            program.variables.add(name)
            program.tensors.pop(name, None)
            self._check_initial_value(program, value, statement)
        elif self._variable_container(program, value):
            program.variables.add(name)  # a dict/list/tuple of variables: read by helpers, passed as var_list
            program.containers.add(name)
            program.claimed.update(id(n) for n in _names_in(value) if n.value in program.variables)  # its items
        elif isinstance(value, cst.Call) and self._is_optimizer(value):
            program.optimizers[name] = (statement, value)
        elif session_metrics.initializer(self, value, INITIALIZERS):
            program.inits[name] = statement  # `tf.group(global, local initializers)` (session_metrics)
        elif isinstance(value, cst.Call) and self.qualified_name(value) in INITIALIZERS:
            if value.args:
                raise Decline(statement, GRAPH.code, "initializer with arguments")
            program.inits[name] = statement
        elif m.matches(value, m.Call(func=m.Attribute(attr=m.Name("minimize")))):
            self._train_op(program, name, statement, value)  # type: ignore[arg-type]
        elif self._is_graph_expression(program, value):
            earlier = program.tensors.get(name)
            chain = [*earlier.chain, (earlier.statement, earlier.value)] if earlier is not None else []
            program.tensors[name] = Tensor(name=name, statement=statement, value=value, chain=chain)

    def _unpacked_tensors(self, program: Program, statement: cst.SimpleStatementLine, assign: cst.Assign) -> None:
        """`D_prob, D_logit = discriminator(X)`: each name a tensor `discriminator(X)[i]` (`_` skipped). Each
        function computes its item on its own, so the value must be the same on every call (nothing random)."""
        names = unpacked_targets(assign)
        assert names is not None
        kept = [(index, name) for index, name in enumerate(names) if name is not None]
        made = unpacked_variables(assign.value, len(names), lambda call: self._is(call, VARIABLE))
        if made is not None:  # `a, b = [tf.Variable(p) for p in INIT]`: variables, created once as in TF1
            for item in made:
                self._check_initial_value(program, item, statement)
            for _, name in kept:
                program.variables.add(name)
                program.tensors.pop(name, None)
            return
        if not self._is_graph_expression(program, assign.value):
            return
        if any(name in program.graph_names() for _, name in kept):
            raise Decline(statement, GRAPH.code, f"`{source_of(assign.targets[0].target)}` rebinds a graph name")
        if len(kept) > 1:
            random = stateful_call(self, assign.value, STATEFUL_MARKERS)
            if random is not None:
                raise Decline(statement, GRAPH.code, f"`{source_of(assign.targets[0].target)}` unpacks a value built with `{random}`, which eager code would draw again for each item")
        for index, name in kept:
            program.tensors[name] = Tensor(name=name, statement=statement, value=item_of(assign.value, index))

    def _placeholder_with_default(self, program: Program, name: str, statement: cst.SimpleStatementLine, call: cst.Call) -> None:
        """`is_training = tf.placeholder_with_default(False, shape=())`: a placeholder that runs not feeding it
        get its default (a literal: the functions get it as a parameter, passed at each call)."""
        default = _arg(call, 0, "input")
        if default is None or any(a.star for a in call.args):
            raise Decline(statement, FETCH_FEED.code, "`tf.placeholder_with_default` without a literal default")
        value = default.value
        negative = isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus)
        literal = value.expression if negative else value  # type: ignore[attr-defined]
        if isinstance(literal, cst.Name) and literal.value in ("True", "False") and not negative:
            dtype = "bool"
        elif isinstance(literal, cst.Float):
            dtype = "float32"
        elif isinstance(literal, cst.Integer):
            dtype = "int32"
        else:
            raise Decline(statement, FETCH_FEED.code, "`tf.placeholder_with_default` whose default is not a bool or number literal")
        program.placeholders[name] = cst.parse_expression(f"{self.tf}.{dtype}")
        program.placeholder_statements[name] = statement
        program.defaults[name] = value

    def _claim_config_names(self, program: Program, value: cst.BaseExpression) -> None:
        for reference in _names_in(value):
            if reference.value in program.configs:
                program.claimed.add(id(reference))

    def _in_loop(self, program: Program, node: cst.CSTNode) -> bool:
        current: cst.CSTNode | None = self.get_metadata(ParentNodeProvider, node, None)
        while current is not None and current is not program.block:
            if isinstance(current, (cst.For, cst.While)):
                return True
            current = self.get_metadata(ParentNodeProvider, current, None)
        return False

    def _check_graphs(self, program: Program) -> None:
        """The program may build in one graph of its own (or the default one), given to its session."""
        if len(program.graphs) > 1:
            raise Decline(program.session, SESSION_USE.code, "the program builds several graphs")
        for value in program.graph_arguments:
            if isinstance(value, cst.Name) and value.value in program.graphs:
                program.claimed.add(id(value))
            elif not (self._is(value, "tf.get_default_graph") and not value.args):  # type: ignore[attr-defined]
                raise Decline(value, SESSION_USE.code, f"the Session runs graph `{source_of(value)}`, which is not built in this program")

    def _check_configs(self, program: Program) -> None:
        """Session configuration (devices, threads, GPU memory) has no eager counterpart here: it goes."""
        for value in program.config_arguments:
            if isinstance(value, cst.Name) and value.value in program.configs:
                program.claimed.add(id(value))
            elif self._is(value, CONFIGS):
                self._claim_config_names(program, value)
            else:
                raise Decline(value, SESSION_USE.code, f"the Session's config `{source_of(value)}` is not a `tf.ConfigProto` built in this program")

    def _record_op_name(self, program: Program, name: str, value: cst.BaseExpression, prefix: str | None) -> None:
        """`y = tf.multiply(x, 2.0, name="y")`: the tensor `"y:0"` is `y` (fetches and feeds by name); in a scope
        `"Scope/y:0"`, nothing when the scope's name is uncertain (session_scopes.op_prefix)."""
        if not isinstance(value, cst.Call) or prefix is None:
            return
        argument = _arg(value, -1, "name")
        if argument is None or not isinstance(argument.value, cst.SimpleString):
            return
        literal = argument.value.evaluated_value
        if not isinstance(literal, str):
            return
        key = f"{prefix}{literal}:0"
        program.op_names[key] = None if key in program.op_names else name  # a name given twice is ambiguous

    def _by_name(self, program: Program, node: cst.BaseExpression) -> str | None:
        """The Python name of the tensor a string such as `"loss:0"` names, when certain."""
        if isinstance(node, cst.SimpleString) and isinstance(node.evaluated_value, str):
            name = program.op_names.get(node.evaluated_value)
            if name is not None and len(program.scope.assignments[name]) == 1:  # type: ignore[attr-defined]
                return name
        return None

    def _normalized(self, program: Program, fetch: cst.BaseExpression) -> cst.BaseExpression:
        """The fetch with tensors named by string (`"loss:0"`) replaced by their Python names."""
        def one(node: cst.BaseExpression) -> cst.BaseExpression:
            name = self._by_name(program, node)
            return cst.Name(name) if name is not None else node

        if isinstance(fetch, (cst.List, cst.Tuple)):
            key = id(fetch)
            if key not in program.normalized:
                program.normalized[key] = fetch.with_changes(elements=[e.with_changes(value=one(e.value)) for e in fetch.elements])
            return program.normalized[key]
        if isinstance(fetch, cst.SimpleString):
            key = id(fetch)
            if key not in program.normalized:
                program.normalized[key] = one(fetch)
            return program.normalized[key]
        return fetch

    def _variable_container(self, program: Program, value: cst.BaseExpression) -> bool:
        """`{"h1": tf.Variable(...), ...}`, `[W, b]`, `[weights["h1"], ...]`: a literal holding only variables;
        `theta_G1 + theta_G2`: lists of variables joined (session_optimizers)."""
        if session_optimizers.joined_variable_lists(value, program.containers, lambda v: self._variable_container(program, v)):
            return True
        if isinstance(value, cst.Dict):
            items = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
            if len(items) != len(value.elements):
                return False
        elif isinstance(value, (cst.List, cst.Tuple)):
            items = [e.value for e in value.elements if isinstance(e, cst.Element)]
            if len(items) != len(value.elements):
                return False
        else:
            return False

        def is_variable(item: cst.BaseExpression) -> bool:
            if self._is(item, VARIABLE):
                return not any(n.value in program.graph_names() for n in _names_in(item))
            if isinstance(item, cst.Name):
                return item.value in program.variables
            if isinstance(item, cst.Subscript) and isinstance(item.value, cst.Name) and item.value.value in program.variables:
                return all(isinstance(s.slice, cst.Index) and isinstance(s.slice.value, (cst.SimpleString, cst.Integer)) for s in item.slice)
            return False

        return bool(items) and all(is_variable(item) for item in items)

    def _mentions_tf_graph(self, node: cst.CSTNode) -> bool:
        return any((self.qualified_name(call) or "").startswith("tf.") for call in _calls_in(node))

    def _is_graph_expression(self, program: Program, value: cst.BaseExpression) -> bool:
        if isinstance(value, cst.Call) and (self.qualified_name(value) or "").startswith("keras.layers."):
            return False  # a Keras layer object made once (TFM234, TFM247): plain Python, even with `tf.*` calls in its arguments
        known = program.graph_names()
        if any(m.matches(call.func, m.Attribute(attr=m.Name("run") | m.Name("eval"))) for call in _calls_in(value)):
            return False  # a value computed by running the graph: plain Python
        if any(name.value in known for name in _names_in(value)):
            return True
        for call in _calls_in(value):
            qualified = self.qualified_name(call) or ""
            if qualified.startswith("tf.") and not qualified.startswith(NOT_GRAPH):
                return True
        return builds_graph_through_helper(self, value, NOT_GRAPH, (VARIABLE, *VARIABLE_FACTORIES))

    def _train_op(self, program: Program, name: str, statement: cst.SimpleStatementLine, call: cst.Call) -> None:
        assert isinstance(call.func, cst.Attribute)
        receiver = call.func.value
        inline = None
        if isinstance(receiver, cst.Name) and receiver.value in program.optimizers:
            optimizer = receiver.value
            program.claimed.add(id(receiver))
        elif isinstance(receiver, cst.Call) and self._is_optimizer(receiver):
            inline = receiver
            optimizer = ""
        else:
            qualified = self.qualified_name(receiver) if isinstance(receiver, cst.Call) else None
            what = f"`{qualified}`" if qualified else f"`{source_of(receiver)}`"
            raise Decline(statement, OPTIMIZER.code, f"`minimize` on {what}, which has no faithful Keras counterpart here")
        loss_arg = _arg(call, 0, "loss")
        if loss_arg is not None and not isinstance(loss_arg.value, cst.Name) and self._is_graph_expression(program, loss_arg.value):
            # `minimize(-D_loss)`: the expression is a loss tensor of its own, computed in the step
            loss_name = program.fresh(f"{name}_loss")
            program.tensors[loss_name] = Tensor(name=loss_name, statement=statement, value=loss_arg.value)
            program.synthetic.add(loss_name)
        elif loss_arg is None or not isinstance(loss_arg.value, cst.Name) or loss_arg.value.value not in program.tensors:
            raise Decline(statement, OPTIMIZER.code, "`minimize` of something that is not a tensor built in this program")
        else:
            program.claimed.add(id(loss_arg.value))
            loss_name = loss_arg.value.value
        var_list = None
        global_step = None
        for index, argument in enumerate(call.args):
            keyword = argument.keyword.value if argument.keyword else ("loss", "global_step", "var_list")[min(index, 2)]
            if keyword == "loss":
                continue
            value = argument.value
            if keyword == "global_step" and isinstance(value, cst.Name) and value.value in program.variables and value.value not in program.containers:
                global_step = value.value  # incremented after each update, as TF1's minimize did
                program.claimed.add(id(value))
                continue
            if keyword != "var_list":
                raise Decline(statement, OPTIMIZER.code, f"`minimize(..., {keyword}=...)` has no direct eager counterpart")
            var_list = argument.value
            for reference in _names_in(var_list):
                if reference.value in program.graph_names() and reference.value not in program.variables:
                    raise Decline(statement, OPTIMIZER.code, "`var_list` holds something other than variables")
                program.claimed.add(id(reference))
        program.train_ops[name] = TrainOp(name, statement, optimizer, inline, loss_name, var_list, global_step)

    def _check_initial_value(self, program: Program, node: cst.CSTNode, statement: cst.CSTNode) -> None:
        """A variable's initial value is computed once, at its creation: it must not read the graph."""
        for reference in _names_in(node):
            if reference.value in program.tensors and reference.value not in program.placeholders:
                # computed once for the initializer: checked when the program is known (session_contexts)
                program.initial_reads.setdefault(reference.value, (statement, set()))[1].add(id(reference))
                program.claimed.add(id(reference))
            elif reference.value in program.graph_names() and reference.value not in program.variables:
                raise Decline(statement, GRAPH.code, f"a variable's initial value reads `{reference.value}`")

    def _check_definitions(self, program: Program) -> None:
        """Each tensor: its dependencies, whether it must be recomputed, its parameters."""
        for name in list(program.placeholders) + list(program.variables) + list(program.tensors) + list(program.train_ops) + list(program.optimizers) + list(program.inits) + list(program.configs) + list(program.graphs):
            if name in program.synthetic:
                continue
            if name in program.train_ops and (name in program.tensors or name in program.variables or name in program.placeholders):
                # `step = [tf.assign(...)]` run, then `step = opt.minimize(cost)`: which binding a run sees is not followed
                raise Decline(program.train_ops[name].statement, GRAPH.code, f"`{name}` is bound more than once (a train op and another graph value)")
            assignments = self._fetched_over(program, name, self._dead_before_graph(program, name, program.scope.assignments[name]))  # type: ignore[attr-defined]
            if len(assignments) != 1 and not (name in program.tensors and self._chain(program, program.tensors[name], assignments)):
                node = program.tensors[name].statement if name in program.tensors else program.session
                reason = session_rebound_reasons.rebound_reason(self, name, list(program.scope.assignments[name]))  # type: ignore[attr-defined]
                raise Decline(node, GRAPH.code, f"`{name}` is bound more than once{reason}")
        for tensor in program.tensors.values():
            for call in (c for value in tensor.values() for c in _calls_in(value)):
                qualified = self.qualified_name(call) or ""
                if qualified in SCHEDULES:
                    self._schedule(program, tensor, call, qualified)
                    continue
                if qualified.startswith(VARIABLE_FACTORIES):
                    raise Decline(tensor.statement, GRAPH.code, f"`{qualified}` creates variables when called (convert it to a Keras layer or tf.Module first)")
                if qualified == "tf.gradients" and session_optimizers.gradients_call(self, tensor) is call:
                    program.gradients[tensor.name] = call  # a tape in the tensor's function (session_optimizers)
                    continue
                if qualified.startswith(UNSUPPORTED_IN_TENSORS):
                    raise Decline(tensor.statement, GRAPH.code, f"`{qualified}` has no eager counterpart in this rewrite")
                method = call.func.attr.value if isinstance(call.func, cst.Attribute) else ""
                if "iterator" in method or method in ("get_next", "make_initializer"):
                    raise Decline(tensor.statement, GRAPH.code, f"`.{method}()`: input pipelines are not converted")
                if qualified.startswith("tf.") and any(marker in qualified for marker in STATEFUL_MARKERS):
                    tensor.dynamic = True
                if method.startswith("assign") or qualified.startswith("tf.assign"):
                    tensor.dynamic = True
                concern = self._call_concern(call)
                if concern is not None:
                    raise Decline(tensor.statement, GRAPH.code, concern)
            if not tensor.dynamic and any(stateful_call(self, value, STATEFUL_MARKERS) for value in tensor.values()):
                tensor.dynamic = True  # a helper of this file draws random numbers: a new draw on each run, as in TF1
            for reference in (n for value in tensor.values() for n in _names_in(value)):
                if reference.value == tensor.name and tensor.chain:
                    program.claimed.add(id(reference))  # the previous binding of the chain, inside the function
                    continue
                if reference.value in program.graph_names():
                    program.claimed.add(id(reference))
                    if reference.value not in tensor.deps:
                        tensor.deps.append(reference.value)
                    if reference.value in program.train_ops or reference.value in program.inits or reference.value in program.optimizers:
                        raise Decline(tensor.statement, GRAPH.code, session_optimizers.built_from_optimizer(tensor.value, reference.value))
                else:
                    self._check_frozen(program, tensor, reference)
        for name, (statement, reads) in program.initial_reads.items():
            reason = session_contexts.initial_value_only(program, name, reads)
            if reason is not None:
                raise Decline(statement, GRAPH.code, reason)
            program.tensors[name].dynamic = False  # one value, computed once where it is defined, as the initializer did
        order = list(program.placeholders)
        for tensor in program.tensors.values():  # definition order: dependencies come first
            params: set[str] = set()
            for dep in tensor.deps:
                if dep in program.placeholders:
                    params.add(dep)
                    tensor.dynamic = True
                elif dep in program.variables:
                    tensor.dynamic = True
                elif dep in program.tensors:
                    inner = program.tensors[dep]
                    if inner.dynamic:
                        tensor.dynamic = True
                        params.update(inner.params)
                elif dep in program.session_names:
                    keeping = session_classes.session_keeping_class(self.tree, tensor.value, dep)
                    raise Decline(tensor.statement, SESSION_USE.code, f"`{tensor.name} = {source_of(tensor.value)}` uses the session outside `sess.run`" + (f": {keeping}" if keeping else ""))
            tensor.params = [p for p in order if p in params]
            if tensor.dynamic:
                tensor.function = program.fresh(f"compute_{tensor.name}")
            if tensor.name in program.gradients:
                concern = session_optimizers.gradients_concern(program, tensor, program.gradients[tensor.name])
                if concern is not None:
                    raise Decline(tensor.statement, GRAPH.code, concern)
        for name, (statement, call) in program.optimizers.items():
            self._keras_optimizer(program, call, statement)
        used: dict[str, list[TrainOp]] = {}
        for train in program.train_ops.values():
            if train.inline_optimizer is not None:
                self._keras_optimizer(program, train.inline_optimizer, train.statement)
            else:
                used.setdefault(train.optimizer, []).append(train)
                if len(used[train.optimizer]) > 1:  # one optimizer, several losses: built once for all their variables
                    concern = session_optimizers.shared_optimizer_concern(train.optimizer, used[train.optimizer])
                    if concern is not None:
                        raise Decline(train.statement, OPTIMIZER.code, concern)
                    program.shared_optimizers[train.optimizer] = used[train.optimizer]
            loss = program.tensors[train.loss]
            if not loss.dynamic:
                raise Decline(train.statement, OPTIMIZER.code, "the loss depends on no variable")
            sparse = session_contexts.sparse_gradients(self, program, train.loss)
            if sparse is not None:
                optimizer_call = train.inline_optimizer if train.inline_optimizer is not None else program.optimizers[train.optimizer][1]
                if self.qualified_name(optimizer_call) == "tf.train.MomentumOptimizer":
                    raise Decline(train.statement, OPTIMIZER.code, f"momentum over the sparse gradient of `{sparse}`: TF1 updated only the rows looked up, Keras' SGD moves every row")
                train.dense_gradients = True

    def _schedule(self, program: Program, tensor: Tensor, call: cst.Call, qualified: str) -> None:
        """`lr = tf.train.exponential_decay(0.1, global_step, ...)` over a step variable that a `minimize`
        increments: the Keras schedule read at the same step (codemods/session_schedules.py)."""
        given = schedule_arguments(call, qualified)
        step = given.get("global_step") if given is not None else None
        counters = {train.global_step for train in program.train_ops.values()}
        if not (isinstance(step, cst.Name) and step.value in counters):
            raise Decline(tensor.statement, OPTIMIZER.code, f"`{qualified}` over a step that no `minimize(..., global_step=...)` of this program increments")
        program.schedules[id(call)] = keras_schedule(self.tf or "tf", call, qualified)

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

    def _check_frozen(self, program: Program, tensor: Tensor, reference: cst.Name) -> None:
        """A Python value a tensor reads was fixed when TF1 built the graph; the function reads it on each
        call, so it must never change: bound once in this block, not by a loop."""
        assignments = program.scope.assignments[reference.value]  # type: ignore[attr-defined]
        if not assignments:
            return  # a global, import or builtin of an enclosing scope
        if session_contexts.bound_before(self, program, tensor.chain[0][0] if tensor.chain else tensor.statement, assignments):
            return  # bound (and rebound, by loops too) only before the tensor is built: the value TF1 used stays
        if len(assignments) > 1:
            raise Decline(tensor.statement, GRAPH.code, f"`{tensor.name}` reads `{reference.value}`, which is rebound later (TF1 used its value at graph-building time)")
        node: cst.CSTNode | None = next(iter(assignments)).node
        while node is not None and node is not program.block:
            if isinstance(node, (cst.For, cst.While, cst.CompFor)):
                raise Decline(tensor.statement, GRAPH.code, f"`{tensor.name}` reads `{reference.value}`, which a loop rebinds (TF1 used its value at graph-building time)")
            node = self.get_metadata(ParentNodeProvider, node, None)

    def _call_concern(self, call: cst.Call, seen: set[str] | None = None) -> str | None:
        """Why calling `call` on every step (as eager code does) could differ from calling it once
        while building the graph: it creates variables or layers, or its code is out of sight."""
        seen = set() if seen is None else seen
        qualified = self.qualified_name(call)
        if qualified is not None:
            if qualified == VARIABLE or qualified.startswith(VARIABLE_FACTORIES):
                return f"`{qualified}` creates variables when called; in eager code it would create new ones on every call"
            if not qualified.startswith(SEEN_THROUGH):
                return f"`{qualified}` comes from another module: if it creates variables, eager code would create new ones on every call (convert that module first)"
            return None
        if not isinstance(call.func, cst.Name) or call.func.value in seen:
            return None
        name = call.func.value
        seen.add(name)
        for definition in function_definitions(self.tree, name):
            for inner in _calls_in(definition):
                concern = self._call_concern(inner, seen)
                if concern is not None:
                    return f"`{name}` -> {concern}"
        return None

    # -- uses of the graph: sess.run, .eval(), .run() ----------------------------------------

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

    def _check_references(self, program: Program) -> None:
        """Every use of a graph name must be one the rewrite understands."""
        scope = program.scope
        for name in sorted(program.session_names) + sorted(program.graph_names() - program.session_names):
            # LibCST keeps references in sets (ordered by node address): sorted by position, the use reported is
            # the first one in the file on every run
            accesses = {id(access): access for assignment in scope.assignments[name] for access in assignment.references}  # type: ignore[attr-defined]
            for access in sorted(accesses.values(), key=lambda access: self.position(access.node)):
                if id(access.node) in program.claimed or self._after_fetch(program, name, access.node):
                    continue
                if name in program.variables and access.scope is not scope:
                    continue  # a helper function reading a variable: it is the same object in eager code
                if _local_elsewhere(access.scope, scope, name):
                    continue  # `def model(X): X = tf.nn.dropout(X, p)`: the helper's own `X` (LibCST links the read before the binding to the outer name)
                if name in program.variables and m.matches(self.get_metadata(ParentNodeProvider, access.node, None), m.Param(default=m.Name(name))):
                    continue  # `def D(x, w=d_weights)`: the helper's default is the same object in eager code
                if name not in program.session_names and session_contexts.static_shape_use(self, program, name, access.node):
                    continue  # `assert y.shape.as_list() == Y.shape.as_list()`: the static shapes TF1 inferred
                if name not in program.session_names and session_prints.take(self, program, name, access.node, access.scope is scope, program.prints):
                    continue  # `print(dot_operation)`: a fixed description printed instead (session_prints, TFM278)
                if name not in program.session_names and session_contexts.printed(self, access.node):
                    raise Decline(access.node, GRAPH.code, f"the graph name `{name}` is printed: TF1 printed the symbolic tensor (its op name, static shape and dtype), which eager code cannot print alike (it has values); remove that print to convert")
                kind = "session" if name in program.session_names else "graph name"
                code = SESSION_USE.code if name in program.session_names else GRAPH.code
                raise Decline(access.node, code, f"the {kind} `{name}` is used in a way the eager rewrite cannot follow")

    # -- planning the rewrite ----------------------------------------------------------------

    def _plan(self, program: Program) -> None:
        statements = self.edits.statements
        self.edits.renames.update(program.renames)
        for name, statement in program.placeholder_statements.items():
            statements[id(statement)] = []
        for statement in [*program.inits.values(), *program.graphs.values(), *program.feed_statements.values()]:
            statements[id(statement)] = []
        for context in program.graph_contexts:
            if all(context is not device for device in program.devices) and not session_contexts.store_scope_block(self, context):
                self.edits.unwrap.add(id(context))
        for tensor in program.tensors.values():
            if tensor.dynamic:
                function = self._function_for(program, tensor)
                if id(tensor.statement) in statements:  # `a, b = f(x)`: one function per item
                    statements[id(tensor.statement)].append(function.with_changes(leading_lines=[cst.EmptyLine(indent=False)]))
                else:
                    statements[id(tensor.statement)] = [function]
                for statement, _ in tensor.chain:
                    statements[id(statement)] = []
        for name, (statement, call) in program.optimizers.items():
            small = statement.body[0]
            assert isinstance(small, cst.Assign)
            statements[id(statement)] = [statement.with_changes(body=[small.with_changes(value=self._keras_optimizer(program, call, statement))])]
        for train in program.train_ops.values():  # (after the function of a `minimize(-loss)` expression)
            statements[id(train.statement)] = statements.get(id(train.statement), []) + self._train_steps(program, train)
        for kind, call, fetch, feed in program.runs:  # type: ignore[attr-defined]
            parent = self.get_metadata(ParentNodeProvider, call)
            statement = self.get_metadata(ParentNodeProvider, parent) if isinstance(parent, cst.Expr) else None
            if kind in ("close", "init") or (kind == "run" and self._fetches_init(program, fetch)):
                if statement is None:
                    raise AssertionError("checked in analysis")
                statements[id(statement)] = []
                continue
            replacement = self._run_expression(program, fetch, self._feed(program, call, feed))
            if statement is not None:
                replacement = session_fetches.statement_form(replacement)
            self.edits.expressions[id(call)] = replacement
        for session in program.sessions:
            kept = self._kept_config(program, session)
            if isinstance(session, cst.With):
                self.edits.unwrap.add(id(session))
                if kept is not None:
                    self.edits.with_prefix[id(session)] = kept
            else:
                statements[id(session)] = [kept.with_changes(leading_lines=session.leading_lines)] if kept is not None else []  # type: ignore[union-attr]
        for name, trains in program.shared_optimizers.items():
            last = max(trains, key=lambda train: self.position(train.statement))
            statements[id(last.statement)] = [*statements.get(id(last.statement), []), session_optimizers.build_statement(name, trains, self.tree.config_for_parsing)]
        for qualified, (name, statement) in program.optimizer_helpers.items():
            replacement = statements[id(statement)]
            helper = cst.parse_statement(session_optimizers.helper_source(qualified, name, self.tf or "tf"), config=self.tree.config_for_parsing)
            helper = helper.with_changes(leading_lines=replacement[0].leading_lines or [cst.EmptyLine(indent=False)])
            replacement[0] = replacement[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])  # type: ignore[union-attr]
            statements[id(statement)] = [helper, *replacement]
        session_checkpoints.plan(self, program)
        session_summaries.plan(self, program)
        session_prints.plan(self, program)
        session_metrics.plan(self, program, statements)
        if program.static_shapes:
            session_contexts.plan_static_shapes(self, program, statements, lambda name, position, keyword: _arg(session_fed_tensors.placeholder_call(program.placeholder_statements[name]), position, keyword).value if _arg(session_fed_tensors.placeholder_call(program.placeholder_statements[name]), position, keyword) else None)  # type: ignore[attr-defined]

    def _kept_config(self, program: Program, session: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """`tf.Session(config=tf.ConfigProto(options))`: the options outlive the session as
        `config = tf.ConfigProto(options)`, which the session-config rule (TFM253) turns into
        `tf.config` calls. A named config is simply left where it is, for the same rule."""
        if isinstance(session, cst.With):
            call = session.items[0].item
        else:
            small = _single_small(session)
            call = small.value if isinstance(small, (cst.Assign, cst.Expr)) else None
        if not isinstance(call, cst.Call):
            return None
        config = _arg(call, -1, "config")
        if config is None or not isinstance(config.value, cst.Call) or not config.value.args:
            return None
        name = program.fresh("config")
        line = cst.parse_statement(f"{name} = _\n", config=self.tree.config_for_parsing)
        assert isinstance(line, cst.SimpleStatementLine) and isinstance(line.body[0], cst.Assign)
        return line.with_changes(body=[line.body[0].with_changes(value=config.value)])

    def _fetches_init(self, program: Program, fetch: cst.BaseExpression | None) -> bool:
        fetch = self._normalized(program, fetch) if fetch is not None else None
        if isinstance(fetch, cst.Name):
            return fetch.value in program.inits
        return fetch is not None and (self._is(fetch, INITIALIZERS) or session_metrics.initializer(self, fetch, INITIALIZERS, set(program.inits)))

    def _cast(self, program: Program, placeholder: str, value: cst.BaseExpression) -> cst.BaseExpression:
        dtype = program.placeholders[placeholder]
        if isinstance(dtype, cst.Name) and dtype.value == "None":
            return value  # an element of a dataset iterated in Python (TFM265): a tensor of the element's own dtype
        if isinstance(value, cst.Name) and value.value in ("True", "False") and (self.qualified_name(dtype) == "tf.bool" or placeholder in program.defaults and source_of(dtype).endswith(".bool")):
            return value  # a training flag stays a Python bool (layers that branch on it need one; tf.function traces each value)
        qualified = self.qualified_name(dtype) if isinstance(dtype, (cst.Name, cst.Attribute)) else None
        if qualified and qualified.startswith("tf.") and qualified.count(".") == 1:
            dtype = cst.parse_expression(f"{self.tf}.{qualified[3:]}")
        return cst.Call(func=cst.parse_expression(f"{self.tf}.cast"), args=_commas([cst.Arg(value), cst.Arg(dtype)]))

    def _call(self, program: Program, function: str, params: list[str], values: dict[str, cst.BaseExpression]) -> cst.Call:
        fed = [p for p in values if p in params]  # in the feed's order: the order its values were computed in
        if fed != [p for p in params if p in values] and sum(bool(_calls_in(values[p])) for p in fed) > 1:
            # `{X: next_x(), z: sample_z()}` where the function takes (z, X): keywords keep the feed's order of calls
            rest = [p for p in params if p not in values]
            return cst.Call(func=cst.Name(function), args=_commas([_keyword(p, self._cast(program, p, values.get(p, program.defaults.get(p)))) for p in fed + rest]))  # type: ignore[arg-type]
        return cst.Call(func=cst.Name(function), args=_commas([cst.Arg(self._cast(program, p, values.get(p, program.defaults.get(p)))) for p in params]))  # type: ignore[arg-type]

    def _numpy(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        return cst.Call(func=cst.Attribute(value=expression, attr=cst.Name("numpy")))

    def _fetch_value(self, program: Program, fetch: cst.BaseExpression, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        if isinstance(fetch, cst.Name):
            value = self._value_of(program, fetch.value, values)
            return session_summaries.numpy_of(self, program, [fetch.value], value) or session_contexts.listed_values(program, fetch.value, value) or self._numpy(value)
        fetch = session_fetches.method_form(self, program.variables - program.containers, fetch)  # `tf.assign(v, e)` -> `v.assign(e)`
        replacements = {id(n): self._value_of(program, n.value, values) for n in _names_in(fetch) if n.value in program.graph_names() and id(n) not in program.renames}
        renames = program.renames

        class Inline(cst.CSTTransformer):
            def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
                if id(original_node) in renames:
                    return updated_node.with_changes(value=renames[id(original_node)])
                return replacements.get(id(original_node), updated_node)

        inlined = fetch.visit(Inline())
        assert isinstance(inlined, cst.BaseExpression)
        if not isinstance(inlined, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
            inlined = inlined.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return self._numpy(inlined)

    def _value_of(self, program: Program, name: str, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        """The eager value standing for graph name `name` under the feed `values`."""
        if name in program.placeholders:
            return self._cast(program, name, values[name])
        if name in program.tensors and program.tensors[name].dynamic:
            tensor = program.tensors[name]
            return self._call(program, tensor.function, tensor.params, values)
        return cst.Name(name)

    def _run_expression(self, program: Program, fetch: cst.BaseExpression, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        fetch = self._normalized(program, fetch)
        if isinstance(fetch, cst.Name):
            if fetch.value in program.train_ops:
                train = program.train_ops[fetch.value]
                return self._call(program, train.steps[()], self._step_params(program, train, ()), values)
            return self._fetch_value(program, fetch, values)
        if not isinstance(fetch, (cst.List, cst.Tuple)):
            return self._fetch_value(program, fetch, values)
        names = [e.value.value if isinstance(e.value, cst.Name) else "" for e in fetch.elements]  # type: ignore[attr-defined]
        trains = [n for n in names if n in program.train_ops]
        if names == trains:  # `sess.run([train_op], feed)` / `sess.run([g_train, d_train])` as a statement (checked): the step alone
            train = program.train_ops[trains[0]]
            key = _step_key(train, tuple(trains[1:]))
            return self._call(program, train.steps[key], self._step_params(program, train, key), values)
        elements: list[cst.BaseElement] = []
        if trains:
            train = program.train_ops[trains[0]]
            key = _step_key(train, tuple(n for n in names if n != trains[0]))
            step = self._call(program, train.steps[key], self._step_params(program, train, key), values)
            if len(trains) > 1:  # (session_optimizers) the step returns the values; each train op's value is None
                return session_optimizers.several_train_ops_value(fetch, names, trains, step)
            extras = tuple(n for n in names if n != trains[0])
            nested = session_summaries.numpy_of(self, program, list(extras), step)  # a summary op's value is a tuple
            if len(extras) == 1:
                results: list[cst.BaseExpression] = [nested or self._numpy(step)]
                starred = False
            else:
                results, starred = [], True
            for name in names:
                if name == trains[0]:
                    elements.append(cst.Element(cst.Name("None")))
                elif not starred:
                    elements.append(cst.Element(results.pop(0)))
            if starred and extras:
                generator = cst.parse_expression("(value.numpy() for value in _)")
                assert isinstance(generator, cst.GeneratorExp)
                generator = nested or generator.with_changes(for_in=generator.for_in.with_changes(iter=step))
                if names[-1] == trains[0]:  # `[cost, pred, train_op]`: the values, then the train op's None
                    elements.insert(0, cst.StarredElement(generator))
                else:
                    elements.append(cst.StarredElement(generator))
        else:
            elements = [cst.Element(self._fetch_value(program, e.value, values)) for e in fetch.elements]  # type: ignore[attr-defined]
        elements = [e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in elements[:-1]] + elements[-1:]
        if isinstance(fetch, cst.Tuple):
            if len(elements) == 1:
                elements = [elements[0].with_changes(comma=cst.Comma())]
            return cst.Tuple(elements=elements)
        return cst.List(elements=elements)

    def _step_params(self, program: Program, train: TrainOp, extras: tuple[str, ...]) -> list[str]:
        needed = set(program.tensors[train.loss].params)
        for extra in extras:
            if extra in program.tensors:  # a variable fetched with the train op needs no feed
                needed.update(program.tensors[extra].params)
            elif extra in program.train_ops:  # another train op of the same run (session_optimizers)
                needed.update(program.tensors[program.train_ops[extra].loss].params)
        return [p for p in program.placeholders if p in needed]

    def _function_for(self, program: Program, tensor: Tensor) -> cst.FunctionDef:
        if program.schedules:
            transform = ScheduleCalls(program.schedules)
            tensor = Tensor(
                tensor.name, tensor.statement, tensor.value.visit(transform), tensor.deps, tensor.dynamic, tensor.params, tensor.function,  # type: ignore[arg-type]
                [(statement, value.visit(transform)) for statement, value in tensor.chain],  # type: ignore[misc]
            )
        lines = []
        for dep in tensor.deps:
            inner = program.tensors.get(dep)
            if inner is not None and inner.dynamic:
                lines.append(f"{dep} = {inner.function}({', '.join(inner.params)})")
        lines += [f"{tensor.name} = {source_of(value)}" for _, value in tensor.chain]
        body_lines = lines + [f"return {source_of(tensor.value)}"]
        if tensor.name in program.gradients:  # `tf.gradients(ys, xs)`: ys computed under a tape watching xs
            body_lines = session_optimizers.gradients_body(self.tf or "tf", program, tensor, program.gradients[tensor.name], lines)
        source = f"def {tensor.function}({', '.join(tensor.params)}):\n" + "".join(f"    {line}\n" for line in body_lines)
        function = cst.parse_statement(source, config=self.tree.config_for_parsing)
        assert isinstance(function, cst.FunctionDef)
        body = function.body
        assert isinstance(body, cst.IndentedBlock)
        last = body.body[-1]
        assert isinstance(last, cst.SimpleStatementLine)
        returned = last.body[0]
        assert isinstance(returned, cst.Return)
        if tensor.name not in program.gradients:
            last = last.with_changes(body=[returned.with_changes(value=tensor.value)], trailing_whitespace=tensor.statement.trailing_whitespace)
        leading = tensor.chain[0][0].leading_lines if tensor.chain else tensor.statement.leading_lines
        function = function.with_changes(body=body.with_changes(body=[*body.body[:-1], last]), leading_lines=leading or [cst.EmptyLine(indent=False)])
        device = session_contexts.device_of(self, tensor.statement, program.devices) if program.devices else None
        return session_contexts.wrap_in_device(function, device) if device is not None else function

    def _inline_optimizer_name(self, program: Program, train: TrainOp) -> str:
        """The name given to the Keras optimizer of `tf.train.X(...).minimize(...)`."""
        if not train.keras_optimizer:
            train.keras_optimizer = program.fresh("optimizer") if train.name != "optimizer" else "optimizer"
        return train.keras_optimizer

    def _train_steps(self, program: Program, train: TrainOp) -> list[cst.BaseStatement]:
        result: list[cst.BaseStatement] = []
        optimizer = train.optimizer
        if train.inline_optimizer is not None:
            optimizer = self._inline_optimizer_name(program, train)
            keras = self._keras_optimizer(program, train.inline_optimizer, train.statement)
            line = cst.parse_statement(f"{optimizer} = _\n", config=self.tree.config_for_parsing)
            assert isinstance(line, cst.SimpleStatementLine)
            assign = line.body[0]
            assert isinstance(assign, cst.Assign)
            result.append(line.with_changes(body=[assign.with_changes(value=keras)], leading_lines=train.statement.leading_lines or [cst.EmptyLine(indent=False)]))
        loss = program.tensors[train.loss]
        steps = train.steps or {(): program.fresh("train_step")}
        if not train.steps and any(train.name in key for other in program.train_ops.values() for key in other.steps):
            steps = {}  # only run together with another train op, in that one's step (session_optimizers)
        for extras, step in steps.items():
            params = self._step_params(program, train, extras)
            tf = self.tf
            variables = source_of(train.var_list) if train.var_list is not None else "tape.watched_variables()"
            if train.var_list is not None and not isinstance(train.var_list, (cst.Name, cst.List, cst.Tuple)):
                variables = f"list({variables})"  # `d_weights.values()`: a view the tape cannot take
            loss_name = train.loss
            lines = [
                "with " + tf + ".GradientTape() as tape:",
                f"    {loss_name} = {loss.function}({', '.join(loss.params)})",
            ]
            others = [program.train_ops[extra] for extra in extras if extra in program.train_ops]  # trained in the same run
            extras = tuple(extra for extra in extras if extra not in program.train_ops)
            updates = session_optimizers.other_train_op_lines(tf, program, others, self._inline_optimizer_name)
            lines += updates[0]
            computed = {loss_name, *(other.loss for other in others)}
            returned = []
            for extra in extras:
                if extra in program.variables:
                    # TF1 returned a variable fetched with the train op as it was after the update
                    returned.append(f"{tf}.identity({extra})")
                    continue
                if extra not in computed and extra not in [r for r in returned]:
                    inner = program.tensors[extra]
                    lines.append(f"{extra} = {inner.function}({', '.join(inner.params)})")
                returned.append(extra)
            lines += [
                f"variables = {variables}",
                f"gradients = tape.gradient({loss_name}, variables)",
                *([f"gradients = [{tf}.convert_to_tensor(g) if isinstance(g, {tf}.IndexedSlices) else g for g in gradients]"] if train.dense_gradients else []),
                f"{optimizer}.apply_gradients(zip(gradients, variables))",
                *updates[1],
                *([f"{train.global_step}.assign_add(1)"] if train.global_step else []),
                f"return {', '.join(returned) if returned else loss_name}",
            ]
            traced = not session_optimizers.reaches_gradients(program, [loss_name, *(other.loss for other in others), *extras])
            source = (f"@{tf}.function\n" if traced else "") + f"def {step}({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in lines)
            function = cst.parse_statement(source, config=self.tree.config_for_parsing)
            assert isinstance(function, cst.FunctionDef)
            function = function.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
            result.append(function)
        if train.inline_optimizer is None and result:
            result[0] = result[0].with_changes(leading_lines=train.statement.leading_lines or [cst.EmptyLine(indent=False)])  # type: ignore[union-attr]
        return result

    def _plan_compat(self, module: cst.Module) -> None:
        """TFM202: the compat.v1 import and the switches that turned eager execution off."""
        for statement in module.body:
            small = _single_small(statement)
            if isinstance(small, cst.Expr) and self._is(small.value, GRAPH_MODE_SWITCHES) and not small.value.args:  # type: ignore[attr-defined]
                if self.offer_fix(statement, COMPAT_IMPORT.code, f"`{source_of(small.value)}` removed: the program now runs eagerly"):
                    self.edits.statements[id(statement)] = []
            elif isinstance(small, cst.Import) and any(source_of(a.name) == "tensorflow.compat.v1" and a.asname for a in small.names) and len(small.names) == 1:
                if self.offer_fix(statement, COMPAT_IMPORT.code, "`import tensorflow.compat.v1` now `import tensorflow`: the program is native TF2"):
                    self.edits.statements[id(statement)] = [statement.with_changes(body=[small.with_changes(names=[small.names[0].with_changes(name=cst.Name("tensorflow"))])])]
            elif isinstance(small, cst.ImportFrom) and small.module is not None and source_of(small.module) == "tensorflow.compat" and not isinstance(small.names, cst.ImportStar) and len(small.names) == 1 and source_of(small.names[0].name) == "v1":
                alias = small.names[0].asname
                name = source_of(alias.name) if alias else "v1"
                if self.offer_fix(statement, COMPAT_IMPORT.code, "`from tensorflow.compat import v1` now `import tensorflow`: the program is native TF2"):
                    self.edits.statements[id(statement)] = [cst.parse_statement(f"import tensorflow as {name}\n", config=self.tree.config_for_parsing).with_changes(leading_lines=statement.leading_lines)]  # type: ignore[union-attr]

    # -- applying the plan -------------------------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        replacement = self.edits.expressions.get(id(original_node))
        if replacement is None:
            return updated_node
        return replacement.visit(_Renamer(self.edits.renames)) if self.edits.renames else replacement  # type: ignore[return-value]

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.edits.renames.get(id(original_node))
        return updated_node.with_changes(value=new) if new is not None else updated_node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine):  # noqa: ANN201
        replacement = self.edits.statements.get(id(original_node))
        if replacement is None:
            return updated_node
        if not replacement:
            self._removed[id(updated_node)] = updated_node  # dropped by the enclosing block, which keeps its comments
            return updated_node
        for statement in replacement:
            if isinstance(statement, cst.FunctionDef):
                self._generated[id(statement)] = statement
        return cst.FlattenSentinel(replacement)

    def leave_With(self, original_node: cst.With, updated_node: cst.With):  # noqa: ANN201
        if id(original_node) not in self.edits.unwrap:
            return updated_node
        body = updated_node.body
        assert isinstance(body, cst.IndentedBlock)
        statements = list(body.body)
        prefix = self.edits.with_prefix.get(id(original_node))
        if prefix is not None:
            statements.insert(0, prefix)
        elif _emptied(original_node, statements):
            return cst.RemoveFromParent()  # `with tf.variable_scope("Inputs"):` around placeholders only: nothing left
        first = statements[0]
        statements[0] = first.with_changes(leading_lines=[*original_node.leading_lines, *first.leading_lines])  # type: ignore[union-attr]
        return cst.FlattenSentinel(statements)

    def _drop_removed(self, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        kept: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for statement in body:
            if self._removed.get(id(statement)) is statement:
                lines = list(statement.leading_lines)  # type: ignore[union-attr]
                while lines and lines[-1].comment is not None:
                    lines.pop()  # comments about the removed statement go with it
                carried.extend(lines)
                continue
            if carried:
                merged = [*carried, *statement.leading_lines]  # type: ignore[union-attr]
                compact: list[cst.EmptyLine] = []
                for line in merged:
                    blank = line.comment is None
                    if blank and compact and compact[-1].comment is None and (len(compact) < 2 or compact[-2].comment is None):
                        continue  # at most two blank lines in a row
                    if blank and not compact and kept == [] and isinstance(statement, cst.BaseStatement) and False:
                        continue
                    compact.append(line)
                generated = self._generated.get(id(statement)) is statement
                statement = statement.with_changes(leading_lines=compact)
                if generated:
                    self._generated[id(statement)] = statement
                carried = []
            kept.append(statement)
        return self._space_after_generated(kept)

    def _space_after_generated(self, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        """A statement right after a generated function gets a blank line, as hand-written code would."""
        result: list[cst.BaseStatement] = []
        previous_generated = False
        for statement in body:
            if previous_generated and not isinstance(statement, cst.FunctionDef) and not any(line.comment is None for line in statement.leading_lines):  # type: ignore[union-attr]
                statement = statement.with_changes(leading_lines=[cst.EmptyLine(indent=False), *statement.leading_lines])  # type: ignore[union-attr]
            previous_generated = isinstance(statement, cst.FunctionDef) and self._generated.get(id(statement)) is statement
            result.append(statement)
        return result

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body = self._drop_removed(list(updated_node.body))
        if not body:
            body = [cst.SimpleStatementLine(body=[cst.Pass()])]
        return updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._drop_removed(list(updated_node.body)))


def _emptied(original: cst.With, statements: list[cst.BaseStatement]) -> bool:
    """The block's statements all went (leave_IndentedBlock left a `pass` where the original had none)."""
    only_pass = m.SimpleStatementLine(body=[m.Pass()])
    return len(statements) == 1 and m.matches(statements[0], only_pass) and not any(m.matches(s, only_pass) for s in original.body.body)  # type: ignore[attr-defined]


def _local_elsewhere(inner: object, outer: object, name: str) -> bool:
    """Whether a function scope between `inner` (where a name is read) and `outer` binds `name` itself
    (a parameter or assignment, not `global`/`nonlocal`): Python then reads that function's own name."""
    while inner is not None and inner is not outer:
        if isinstance(inner, FunctionScope) and any(True for _ in inner.assignments[name]):  # type: ignore[attr-defined]
            return True
        inner = getattr(inner, "parent", None)
    return False


class _Renamer(cst.CSTTransformer):
    """Renames the original Name nodes (by identity) inside a generated expression built from them."""

    def __init__(self, renames: dict[int, str]) -> None:
        super().__init__()
        self.renames = renames

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.renames.get(id(original_node))
        return updated_node.with_changes(value=new) if new is not None else updated_node


CODEMOD = Sessions
