"""The analysis of one Session program: its statements read into the program model (codemods/sessions_model.py).

What it matches
    The top-level statements of a program's block, of its sessions' `with` bodies and of the blocks that only
    give graph code a context (`with graph.as_default():`, `with tf.device(...)`, name and variable scopes
    that create nothing: `_graph_context`). `_classify` records what each one defines: a placeholder (also
    `tf.placeholder_with_default` with a literal default, and a fed expression of a placeholder), a variable
    or a container of variables, a tensor (a graph value; also the items of an unpacked value and the bindings
    of a chain `L1 = conv(X); L1 = relu(L1)`), an optimizer, a train op (`minimize`: its loss, `var_list` and
    `global_step`, `_train_op`), an initializer, a session config or graph, or nothing (plain Python). Tensors
    given a `name=` are recorded so that fetches and feeds by name (`"loss:0"`) resolve (`_normalized`).
    `_analyse` then runs, in order, the checks (codemods/sessions_checks.py), the runs
    (codemods/sessions_runs.py) and the checks of the program's parts (checkpoints, summaries, metrics).

Writes nothing. What it does not understand raises `Decline` (TFM211-TFM214): a session opened with other
context managers or a target, a placeholder without a dtype, graph code in an augmented assignment, a
`minimize` of something not built in the program, a variable whose initial value reads the graph, ...
`ProgramAnalysis` is a part of the `Sessions` codemod: its methods run with `self` the codemod.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, ScopeProvider

from . import session_checkpoints, session_contexts, session_dataset_values, session_fed_tensors, session_metrics, session_optimizers, session_scopes, session_summaries
from .builders import source_of
from .names import references_in as _names_in
from .session_program_shapes import builds_graph_through_helper, item_of, stateful_call, unpacked_targets, unpacked_variables
from .sessions_model import CONFIGS, INITIALIZERS, NOT_GRAPH, PLACEHOLDER, SESSION_FACTORIES, STATEFUL_MARKERS, VARIABLE, VARIABLE_FACTORIES, Decline, Program, Tensor, TrainOp, _arg, _assign_target, _calls_in, _single_small
from .sessions_rules import FETCH_FEED, GRAPH, OPTIMIZER, SESSION_USE


class ProgramAnalysis:
    """Reads a Session program's statements into its `Program` (a part of `Sessions`)."""

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
        elif isinstance(value, cst.Call) and session_scopes.store_call(value) and m.matches(value.func, m.Attribute(attr=m.Name("get"))):
            program.variables.add(name)  # `variable_store.get(...)` (TFM231): a tf.Variable made once, eagerly, at the top level
            program.stored.add(name)
            program.tensors.pop(name, None)
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
