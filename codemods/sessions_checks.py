"""What blocks the conversion of a Session program (TFM211, TFM213, TFM214), for codemods/sessions.py.

What it matches
    The program model once every statement is classified (`_check_definitions`): a name bound more than once
    beyond codemods/sessions_bindings.py's cases (the reason from codemods/session_rebound_reasons.py), a
    tensor built by calls that create variables (`tf.get_variable`, `tf.layers`, Keras layers) or whose code
    is out of sight (helpers of other modules: `_call_concern`), graph-only machinery (`tf.cond`, `tf.data`,
    collections), input pipelines, a Python value the graph froze that changes later (`_check_frozen`), a
    decayed learning rate over a step that no `minimize` increments (`_schedule`), an optimizer shared in a
    way one Keras optimizer cannot follow, momentum over sparse gradients, a loss that reads no variable; at
    the end of the analysis (`_check_references`), every use of a graph name or session that the rewrite does
    not understand.

What it writes
    Nothing but facts the rewrite reads: each tensor's dependencies, whether it is recomputed on each call
    (`dynamic`: it reads placeholders, variables or random ops), its parameters (the placeholders it needs)
    and function name; the Keras schedule of a decayed rate. Anything else raises `Decline` with the finding's
    code and message, and `Sessions` then leaves every Session program of the file in graph mode (one file,
    one execution mode).

Why: never guess. A program converted in part, or computing a value at another time than TF1 did, would run
and compute something else. `ProgramChecks` is a part of the `Sessions` codemod: its methods run with `self`
the codemod.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import FunctionScope, ParentNodeProvider

from . import session_classes, session_contexts, session_optimizers, session_prints, session_rebound_reasons
from .builders import source_of
from .names import references_in as _names_in
from .session_program_shapes import function_definitions, stateful_call
from .session_schedules import SCHEDULES, keras_schedule, schedule_arguments
from .sessions_model import SEEN_THROUGH, STATEFUL_MARKERS, UNSUPPORTED_IN_TENSORS, VARIABLE, VARIABLE_FACTORIES, Decline, Program, Tensor, TrainOp, _calls_in
from .sessions_rules import GRAPH, OPTIMIZER, SESSION_USE


class ProgramChecks:
    """Declines what the rewrite cannot convert with certainty (a part of `Sessions`)."""

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
                if name in program.stored and m.matches(self.get_metadata(ParentNodeProvider, access.node, None), m.Attribute(value=m.Name(name), attr=m.Name("name"))):
                    continue  # `W1.name`: the store gives the variable TF1's full name ("layer1/W:0"), unique as tf.get_variable's was
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


def _local_elsewhere(inner: object, outer: object, name: str) -> bool:
    """Whether a function scope between `inner` (where a name is read) and `outer` binds `name` itself
    (a parameter or assignment, not `global`/`nonlocal`): Python then reads that function's own name."""
    while inner is not None and inner is not outer:
        if isinstance(inner, FunctionScope) and any(True for _ in inner.assignments[name]):  # type: ignore[attr-defined]
            return True
        inner = getattr(inner, "parent", None)
    return False
