"""TF1 streaming metrics and grouped initializers in a Session program, for the Session rewrite.

What it matches (called by codemods/sessions.py while it analyses a Session program, TFM201)
    - `init = tf.group(tf.global_variables_initializer(), tf.local_variables_initializer())`, a bare
      `tf.local_variables_initializer()` (also run inline: `sess.run(tf.group(...))`): an initializer.
    - `acc = tf.metrics.accuracy(labels=L, predictions=P)[1]` (the update op), `[0]` (the value), or both
      unpacked, `acc, acc_op = tf.metrics.accuracy(L, P)`; the same for `tf.metrics.mean(values)`. Top-level
      statements of the program; `weights=` and the collection arguments are declined.

What it writes
    Once per program, a class before the first metric, then one object per metric:

        class StreamingMean:
            def __init__(self): total, count = two float32 variables at 0 (not trainable)
            def update(self, values): total += sum(values), count += size(values); return total / count
            def update_accuracy(self, labels, predictions): update(predictions == labels)
            def result(self): total / count

        acc_metric = StreamingMean()

    and the metric's tensors become `acc_metric.update_accuracy(L, P)` (the update op) and
    `acc_metric.result()` (the value); the Session rewrite turns them into functions called where the
    program ran them. The initializers go with the other initializers (eager variables start initialised).

Why
    TF1's `tf.metrics.*` (tensorflow/python/ops/metrics_impl.py) keep a running total and count in two
    float32 local variables that `tf.local_variables_initializer()` sets to 0: `mean` adds
    `reduce_sum(cast(values, float32))` and `cast(size(values), float32)`, its update op returns
    `div_no_nan(total, count)` after both additions, its value reads the two without adding; `accuracy`
    first squeezes a last dimension of 1 where the ranks differ by one, casts the predictions to the
    labels' dtype and takes the mean of `cast(equal(predictions, labels), float32)`. Under eager execution
    `tf.compat.v1.metrics.*` raise, so they kept whole tutorials (MorvanZhou 302/401/402) in graph mode.
    The class does the same arithmetic in the same dtype. What TF1 does not define is declined (TFM263):
    the value and the update of one metric fetched in one run (measured with tests/tf1_runner.py: the
    value was read before the update in some runs and after it in others), a metric's update fetched
    twice in one run or read by another tensor (TF1 updated once per run, eager code would update per
    use), weights, other metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from .base import Rule
from .builders import source_of
from .names import references_in as _names
from .session_program_shapes import stateful_call

CONVERT = Rule(
    code="TFM262",
    name="streaming-metrics-to-tf2",
    fix=FixKind.SAFE,
    summary="A Session program's `tf.metrics.accuracy` / `mean` (value, update_op) become a running total/count written into the file; `tf.group` of initializers goes.",
    explanation="""
        Part of the Session rewrite (TFM201). TF1's streaming metrics keep a float32 total and count in
        local variables (zeroed by `tf.local_variables_initializer()`); each run of the update op adds
        the batch (`accuracy`: the predictions equal to their labels, after casting the predictions to
        the labels' dtype and squeezing a last dimension of 1) and returns total / count; the value op
        reads total / count. A class `StreamingMean` written into the file does the same arithmetic:
        `metric.update_accuracy(labels, predictions)` / `metric.update(values)` for the update op,
        `metric.result()` for the value, called where the program ran them. `tf.group` of the global and
        local initializers goes like the global initializer: eager variables start initialised.
    """,
    before="""
        accuracy = tf.metrics.accuracy(labels=tf.argmax(y, 1), predictions=tf.argmax(logits, 1))[1]
        with tf.Session() as sess:
            sess.run(tf.group(tf.global_variables_initializer(), tf.local_variables_initializer()))
            print(sess.run(accuracy, feed_dict={x: data, y: labels}))
    """,
    after="""
        accuracy_metric = StreamingMean()

        def compute_accuracy(x, y):
            logits = compute_logits(x)
            return accuracy_metric.update_accuracy(labels=tf.argmax(y, 1), predictions=tf.argmax(logits, 1))

        print(compute_accuracy(tf.cast(data, tf.float32), tf.cast(labels, tf.float32)).numpy())
    """,
)

DECLINE = Rule(
    code="TFM263",
    name="streaming-metric-not-converted",
    fix=FixKind.MANUAL,
    summary="A TF1 streaming metric the Session rewrite cannot reproduce (value and update in one run, update read twice, weights, other metrics).",
    explanation="""
        The Session program is left in graph mode (TFM260) because a `tf.metrics.*` op is used in a way
        whose TF1 result is not defined or not converted: the value and the update op of one metric
        fetched in the same `sess.run` (TF1 does not order them: measured, the value was read before the
        update in some runs and after it in others), the update op fetched twice in one run or used to
        build another tensor (TF1 updated once per run; eager code would update once per use),
        `weights=` / `metrics_collections=` / `updates_collections=`, a metric other than `accuracy` and
        `mean`, or a metric call that is not bound at the top level as `m = tf.metrics.X(...)[i]` or
        `value, update = tf.metrics.X(...)`. Fetch the update and the value in separate runs, or port the
        metric by hand to a `tf.keras.metrics` object (`update_state`, `result`, `reset_state`).
    """,
    before="""
        acc, acc_op = tf.metrics.accuracy(labels, predictions)
        value, _ = sess.run([acc, acc_op], feed_dict={x: data})
    """,
    after="""
        acc, acc_op = tf.metrics.accuracy(labels, predictions)
        value, _ = sess.run([acc, acc_op], feed_dict={x: data})
    """,
)

RULES = (CONVERT, DECLINE)
HELPER_BASE = "StreamingMean"
# TF1 metric -> (its parameters in order, the method of the helper that updates it)
METRICS: dict[str, tuple[tuple[str, ...], str]] = {
    "tf.metrics.accuracy": (("labels", "predictions", "weights", "metrics_collections", "updates_collections", "name"), "update_accuracy"),
    "tf.metrics.mean": (("values", "weights", "metrics_collections", "updates_collections", "name"), "update"),
}
DATA = {"tf.metrics.accuracy": ("labels", "predictions"), "tf.metrics.mean": ("values",)}
LOCAL_INITIALIZERS = frozenset({"tf.local_variables_initializer", "tf.initialize_local_variables", "tf.initializers.local_variables"})

STREAMING_MEAN = '''
class {name}:
    """TF1's streaming `tf.metrics.mean` / `tf.metrics.accuracy`: a float32 running total and count of
    every value since the start; an update adds a batch and returns total / count (0 before any value)."""

    def __init__(self):
        self.total = {tf}.Variable(0.0, trainable=False)
        self.count = {tf}.Variable(0.0, trainable=False)

    def update(self, values):
        values = {tf}.cast(values, {tf}.float32)
        self.total.assign_add({tf}.reduce_sum(values))
        self.count.assign_add({tf}.cast({tf}.size(values), {tf}.float32))
        return self.result()

    def update_accuracy(self, labels, predictions):
        labels, predictions = {tf}.convert_to_tensor(labels), {tf}.convert_to_tensor(predictions)
        if predictions.shape.rank == labels.shape.rank + 1 and predictions.shape[-1] == 1:
            predictions = {tf}.squeeze(predictions, [-1])
        elif labels.shape.rank == predictions.shape.rank + 1 and labels.shape[-1] == 1:
            labels = {tf}.squeeze(labels, [-1])
        if predictions.dtype != labels.dtype:
            predictions = {tf}.cast(predictions, labels.dtype)
        return self.update({tf}.equal(predictions, labels))

    def result(self):
        return {tf}.math.divide_no_nan(self.total, self.count)
'''


class Declined(Exception):
    """Same shape as `sessions.Decline`: (node, code, message)."""

    def __init__(self, node: cst.CSTNode, code: str, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.code = code
        self.message = message


@dataclass
class Metric:
    qualified: str
    statement: cst.SimpleStatementLine
    obj: str  # the name of the StreamingMean object
    value: str | None  # the tensor holding the metric's value (no update)
    update: str | None  # the tensor holding its update op


def _decline(node: cst.CSTNode, message: str) -> Declined:
    return Declined(node, DECLINE.code, message)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def initializer(codemod, node: cst.CSTNode, global_initializers: frozenset[str], inits: set[str] | frozenset[str] = frozenset()) -> bool:  # noqa: ANN001
    """`tf.local_variables_initializer()`, `tf.group(...)` of global / local initializer calls without
    arguments (`name=` aside), or a fetched list of initializers (calls, or `inits`, names bound to
    initializers): run once at the start, they set what eager code creates initialised."""
    if isinstance(node, (cst.List, cst.Tuple)):
        return bool(node.elements) and all(
            isinstance(e, cst.Element)
            and ((isinstance(e.value, cst.Name) and e.value.value in inits) or (isinstance(e.value, cst.Call) and not e.value.args and (codemod.qualified_name(e.value) or "") in global_initializers) or initializer(codemod, e.value, global_initializers))
            for e in node.elements
        )
    if not isinstance(node, cst.Call):
        return False
    qualified = codemod.qualified_name(node) or ""
    if qualified in LOCAL_INITIALIZERS:
        return not node.args
    if qualified != "tf.group" or not node.args:
        return False
    grouped = [a for a in node.args if not (a.keyword is not None and a.keyword.value == "name")]
    return bool(grouped) and all(
        a.keyword is None and not a.star and isinstance(a.value, cst.Call) and not a.value.args and (codemod.qualified_name(a.value) or "") in (global_initializers | LOCAL_INITIALIZERS)
        for a in grouped
    )


def _local_only(codemod, program, fetch: cst.BaseExpression | None) -> bool:  # noqa: ANN001
    if isinstance(fetch, cst.Name) and fetch.value in program.inits:
        small = program.inits[fetch.value].body[0]
        fetch = small.value if isinstance(small, cst.Assign) else None
    return isinstance(fetch, cst.Call) and not fetch.args and (codemod.qualified_name(fetch) or "") in LOCAL_INITIALIZERS


def without_leading_local_inits(codemod, program, runs: list, initializing: list) -> list:  # noqa: ANN001
    """The initializing runs less those of the local initializer alone that come before any other run
    (`sess.run(tf.global_variables_initializer()); sess.run(tf.local_variables_initializer())`): the local
    variables start at zero there, as eager code creates them. One run after the graph ran (a reset of the
    metrics) stays, and the Session rewrite declines it."""
    first = min((codemod.position(run[1]) for run in runs if run[0] == "run" and run not in initializing), default=None)
    return [
        run for run in initializing
        if not (run[0] == "run" and _local_only(codemod, program, run[2]) and (first is None or codemod.position(run[1]) < first))
    ]


def _metric_call(codemod, value: cst.BaseExpression) -> tuple[cst.Call, str] | None:  # noqa: ANN001
    if isinstance(value, cst.Call):
        qualified = codemod.qualified_name(value) or ""
        if qualified.startswith("tf.metrics."):
            return value, qualified
    return None


def _index(subscript: cst.Subscript) -> int | None:
    if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
        return None
    index = subscript.slice[0].slice.value
    if isinstance(index, cst.Integer) and index.value in ("0", "1"):
        return int(index.value)
    return None


def classify(codemod, program, statement: cst.CSTNode, make_tensor) -> bool:  # noqa: ANN001
    """A top-level `m = tf.metrics.X(...)[i]` / `value, update = tf.metrics.X(...)`: its tensors recorded
    (True); another use of `tf.metrics.*` in the statement declines the program."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    small = statement.body[0]
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
        return _check_no_metric(codemod, statement)
    target, value = small.targets[0].target, small.value
    names: list[str | None]
    if isinstance(value, cst.Subscript) and isinstance(target, cst.Name) and _metric_call(codemod, value.value) is not None:
        index = _index(value)
        if index is None:
            raise _decline(statement, f"`{source_of(value)}`: only item 0 (the value) or 1 (the update op) of a metric is converted")
        call, qualified = _metric_call(codemod, value.value)  # type: ignore[misc]
        names = [target.value, None] if index == 0 else [None, target.value]
    elif _metric_call(codemod, value) is not None and isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == 2:
        call, qualified = _metric_call(codemod, value)  # type: ignore[misc]
        names = []
        for element in target.elements:
            if isinstance(element, cst.StarredElement) or not isinstance(element.value, cst.Name):
                raise _decline(statement, f"`{source_of(target)}`: a metric unpacked into something other than two names")
            names.append(None if element.value.value == "_" else element.value.value)
    else:
        return _check_no_metric(codemod, statement)
    if qualified not in METRICS:
        raise _decline(statement, f"`{qualified}` is not converted (only `tf.metrics.accuracy` and `tf.metrics.mean`)")
    if not codemod.enabled(CONVERT.code) or codemod.run.is_suppressed(CONVERT.code, codemod.position(statement)[0]):
        raise _decline(statement, "the streaming-metric rewrite (TFM262) is not selected or is suppressed here")
    parameters, method = METRICS[qualified]
    given: dict[str, cst.Arg] = {}
    for position, argument in enumerate(call.args):
        if argument.star:
            raise _decline(statement, f"`{qualified}` with * or ** arguments")
        keyword = argument.keyword.value if argument.keyword is not None else (parameters[position] if position < len(parameters) else "?")
        if keyword not in parameters:
            raise _decline(statement, f"`{qualified}(..., {keyword}=...)` is not a parameter of TF1's metric")
        if keyword in ("weights", "metrics_collections", "updates_collections") and not _is_none(argument.value):
            raise _decline(statement, f"`{qualified}(..., {keyword}=...)` is not converted (a weighted mean or collections)")
        given[keyword] = argument
    data = DATA[qualified]
    if any(parameter not in given for parameter in data):
        raise _decline(statement, f"`{qualified}` without {' and '.join(data)}")
    kept = [n for n in names if n is not None]
    if not kept:
        return True  # nothing keeps the metric: nothing runs it
    if any(name in program.graph_names() for name in kept):
        raise _decline(statement, f"`{source_of(target)}` rebinds a graph name")
    obj = program.fresh(f"{kept[0]}_metric")
    metrics = program.metrics
    metrics[obj] = Metric(qualified, statement, obj, names[0], names[1])
    arguments = [cst.Arg(given[p].value, keyword=cst.Name(p) if given[p].keyword is not None else None, equal=given[p].equal if given[p].keyword is not None else cst.MaybeSentinel.DEFAULT) for p in data]
    arguments = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in arguments[:-1]] + [arguments[-1]]
    if names[0] is not None:
        make_tensor(names[0], statement, cst.parse_expression(f"{obj}.result()"))
    if names[1] is not None:
        make_tensor(names[1], statement, cst.Call(func=cst.Attribute(cst.Name(obj), cst.Name(method)), args=arguments))
    return True


def _check_no_metric(codemod, statement: cst.CSTNode) -> bool:  # noqa: ANN001
    for call in find(statement, cst.Call):
        qualified = codemod.qualified_name(call) or ""
        if qualified.startswith("tf.metrics."):
            raise _decline(statement, f"`{qualified}` is not bound at the top level as `m = {qualified}(...)[i]` or `value, update = {qualified}(...)`")
    return False


def check(codemod, program) -> None:  # noqa: ANN001
    """After the runs are found: each run updates a metric at most once and never reads its value with
    its update (TF1 does not order the two); no other tensor is built from a metric's update."""
    for tensor in program.tensors.values():
        for value in tensor.values():
            inner = stateful_call(codemod, value, ("tf.metrics.",))  # in a helper of this file the tensor calls
            if inner is not None:
                raise _decline(tensor.statement, f"`{tensor.name}` calls `{inner}` in a helper function, where this rewrite does not convert it (TF1's metrics raise under eager execution): bind it at the top level as `m = {inner}(...)[i]`")
    metrics = program.metrics
    if not metrics:
        return
    updates = {m.update: m for m in metrics.values() if m.update is not None}
    for tensor in program.tensors.values():
        for dep in tensor.deps:
            if dep in updates and tensor.name != dep:
                raise _decline(tensor.statement, f"`{tensor.name}` is built from the metric update `{dep}`: TF1 updated the metric once per run, eager code would update it again for each value computed from it")
    for kind, call, fetch, _ in program.runs:
        if kind != "run" or fetch is None:
            continue
        fetched = [n.value for n in _names(fetch)]
        reached = _reached(program, fetched)
        for update, metric in updates.items():
            if fetched.count(update) > 1:
                raise _decline(call, f"the metric update `{update}` is fetched twice in one run (TF1 updated once)")
            if update in fetched and metric.value is not None and metric.value in reached:
                raise _decline(call, f"the value `{metric.value}` (or a tensor built from it) and the update `{update}` of one metric are fetched in the same run: TF1 does not order the two (measured: the value was read before the update in some runs, after it in others); fetch them in separate runs")


def _reached(program, names: list[str]) -> set[str]:  # noqa: ANN001
    """The names and every graph name the tensors among them are built from."""
    reached: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        tensor = program.tensors.get(name)
        if tensor is not None:
            pending.extend(tensor.deps)
        train = program.train_ops.get(name)
        if train is not None:
            pending.append(train.loss)
    return reached


def plan(codemod, program, statements: dict[int, list[cst.BaseStatement]]) -> None:  # noqa: ANN001
    """The helper class before the first metric, each metric's object before its tensors' functions."""
    if not program.metrics:
        return
    tf = codemod.tf or "tf"
    config = codemod.tree.config_for_parsing
    first = min(program.metrics.values(), key=lambda metric: codemod.position(metric.statement))
    helper = program.fresh(HELPER_BASE)
    for metric in program.metrics.values():
        replacement = statements.get(id(metric.statement), [])
        creation = cst.parse_statement(f"{metric.obj} = {helper}()\n", config=config)
        leading = replacement[0].leading_lines if replacement else metric.statement.leading_lines
        creation = creation.with_changes(leading_lines=leading)
        rest = [replacement[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)]), *replacement[1:]] if replacement else []
        added: list[cst.BaseStatement] = [creation]
        if metric is first:
            source = STREAMING_MEAN.format(name=helper, tf=tf).lstrip("\n")
            added = [cst.parse_statement(source, config=config).with_changes(leading_lines=leading or [cst.EmptyLine(indent=False)]), creation.with_changes(leading_lines=[cst.EmptyLine(indent=False)])]
        statements[id(metric.statement)] = [*added, *rest]
        codemod.offer_fix(metric.statement, CONVERT.code, f"`{metric.qualified}` (value, update_op) -> a running float32 total/count (`{helper}`, written into this file) as TF1's local variables kept")
