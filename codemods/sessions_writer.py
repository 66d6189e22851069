"""The rewrite plan of a converted Session program: functions, train steps, graph code removed (codemods/sessions.py).

What it matches
    The programs of a file once every one of them was accepted (all of them are converted, or none).

What it writes (into the codemod's `Edits`, applied by `Sessions.leave_*`)
    Each tensor recomputed per call becomes `def compute_<name>(<placeholders>):` that computes the tensors it
    depends on and returns its value (`_function_for`; inside `with tf.device(...)` when it was built in one;
    a `tf.gradients` tensor under a tape, codemods/session_optimizers.py); each `minimize` a `@tf.function`
    train step: the loss under a `tf.GradientTape`, the Keras optimizer's `apply_gradients`,
    `global_step.assign_add(1)`, the values fetched with it returned (`_train_steps`); an optimizer statement
    becomes its Keras optimizer (codemods/sessions_keras_optimizers.py); each run the expression of
    codemods/sessions_fetch_calls.py; placeholders, initializers, graphs, inlined feed dicts, `sess.close()`
    and the sessions' `with` statements go (`_plan`; a session's config stays as `config =
    tf.ConfigProto(...)` for TFM253: `_kept_config`). TFM202 (`_plan_compat`): the `compat.v1` import becomes
    `import tensorflow` and the calls that switched eager execution off go. The program's parts (checkpoints,
    summaries, prints, metrics, static shapes) add their own edits.

Why: the eager program must compute what the graph computed: one function per tensor that depends on feeds or
state, one train step per `minimize`. `StepWriter` is a part of the `Sessions` codemod: its methods run with
`self` the codemod.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from . import session_checkpoints, session_contexts, session_fed_tensors, session_fetches, session_metrics, session_optimizers, session_prints, session_summaries
from .builders import source_of
from .session_schedules import ScheduleCalls
from .sessions_model import GRAPH_MODE_SWITCHES, Program, Tensor, TrainOp, _arg, _single_small
from .sessions_rules import COMPAT_IMPORT


class StepWriter:
    """Plans the edits of the converted programs (a part of `Sessions`)."""

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
