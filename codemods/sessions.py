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

from tf2migrate.traversal import find

from . import session_checkpoints, session_metrics, session_prints, session_summaries
from .base import Codemod
from .plumbing import argument_of_removed_api, fallback_cannot_switch, handed_to_other_code
from .sessions_analysis import ProgramAnalysis
from .sessions_bindings import NameBindings
from .sessions_checks import ProgramChecks
from .sessions_detection import ProgramDetection
from .sessions_fetch_calls import FetchCalls
from .sessions_keras_optimizers import KerasOptimizers
from .sessions_model import SESSION_FACTORIES, Decline, Edits, Program
from .sessions_rules import COMPAT_IMPORT, CONVERT, FETCH_FEED, GRAPH, OPTIMIZER, SESSION_USE
from .sessions_runs import RunChecks
from .sessions_writer import StepWriter

# Read through this module by others: eager_programs and the tests (OPTIMIZERS), session_datasets (_arg),
# session_graph_values and session_rebinding (VARIABLE, VARIABLE_FACTORIES).
from .sessions_keras_optimizers import OPTIMIZERS  # noqa: F401
from .sessions_model import VARIABLE, VARIABLE_FACTORIES, _arg  # noqa: F401


class Sessions(ProgramDetection, ProgramAnalysis, NameBindings, ProgramChecks, KerasOptimizers, RunChecks, FetchCalls, StepWriter, Codemod):
    """TFM201/TFM202 and their declines (the module docstring says what it matches and writes).

    `visit_Module` finds the file's programs, reports each decline and plans the rewrite when every
    program converts; the `leave_*` methods below apply the plan. The rest is in the bases, one module
    each: which code is a program (`ProgramDetection`, sessions_detection.py), its statements read into
    the program model (`ProgramAnalysis`, sessions_analysis.py; the model in sessions_model.py), names
    bound more than once (`NameBindings`, sessions_bindings.py), what blocks a conversion
    (`ProgramChecks`, sessions_checks.py), TF1 -> Keras optimizers (`KerasOptimizers`,
    sessions_keras_optimizers.py), the runs and their fetches and feeds (`RunChecks`, sessions_runs.py),
    a fetch turned into calls (`FetchCalls`, sessions_fetch_calls.py), the functions and train steps
    written (`StepWriter`, sessions_writer.py). The rules' docs are in sessions_rules.py.
    """

    RULES = (CONVERT, COMPAT_IMPORT, SESSION_USE, FETCH_FEED, OPTIMIZER, GRAPH, *session_checkpoints.RULES, *session_summaries.RULES, *session_prints.RULES, *session_metrics.RULES)
    TRIGGERS = ("Session",)
    METADATA_DEPENDENCIES = Codemod.METADATA_DEPENDENCIES

    # -- the programs of a file, the findings -----------------------------------------------

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

    def _summary(self, program: Program) -> str:
        parts = []
        functions = [t for t in program.tensors.values() if t.dynamic]
        if functions:
            parts.append(f"{len(functions)} tensor(s) now functions, placeholders as parameters")
        if program.train_ops:
            parts.append(f"{len(program.train_ops)} minimize() now a tf.function train step with GradientTape")
        parts.append("sess.run/eval now direct calls returning the same values")
        return "Session program rewritten as eager TF2: " + "; ".join(parts)

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


class _Renamer(cst.CSTTransformer):
    """Renames the original Name nodes (by identity) inside a generated expression built from them."""

    def __init__(self, renames: dict[int, str]) -> None:
        super().__init__()
        self.renames = renames

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.renames.get(id(original_node))
        return updated_node.with_changes(value=new) if new is not None else updated_node


CODEMOD = Sessions
