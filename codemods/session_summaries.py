"""TFM206 / TFM218 summaries of a Session program: TF1 summary ops + `FileWriter` become TF2 summary writes.

What it matches (hooks called by `codemods/sessions.py` while it models a Session program)
    At the top level of the program: `tf.summary.scalar/histogram/image(tag, value)` (bound to a name or
    not), `merged = tf.summary.merge_all()` / `tf.summary.merge([s1, s2])`, `writer = tf.summary.FileWriter(
    logdir[, sess.graph])`; in the program's code `writer.add_summary(summary, step)` where `summary` was
    fetched by `sess.run` (alone or with other fetches, the train op included), `writer.add_graph(...)`,
    `writer.flush()`, `writer.close()`.

What it writes (TFM206)
    A summary op (`merged`) is a tensor like the others: a function returning the values its summaries
    record, `(cost, accuracy)`, computed where `sess.run` fetched it (in the train step when fetched with the
    train op, before the update, as TF1 did), fetched as NumPy values. `writer.add_summary(summary, step)`
    becomes `with writer.as_default():` and one TF2 op per summary, `tf.summary.scalar("loss",
    summary[0], step=step)`, same tags; `tf.summary.FileWriter(logdir)` becomes `tf.summary.create_file_writer(logdir)`
    (`max_queue`, `flush_secs` -> `flush_millis`, `filename_suffix` kept). The graph argument and
    `add_graph` go: eager code has no graph to write (noted in the finding; `tf.summary.trace_on` traces a
    `tf.function` if the graph view is wanted).

When it declines (TFM218)
    Tags that are not plain string literals (TF1 made repeated or invalid names unique/valid), `family=`
    or `collections=`, other summary kinds (`text`, `audio`, `tensor_summary`), a summary op used other than
    by being fetched, a fetched summary that cannot be traced to its `sess.run`, other writer methods.

Why
    TF1 summary ops produce serialized protos through a Session; TF2 summary ops write directly to the
    default writer and need a step. `tf_upgrade_v2` only renames them to `compat.v1`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from . import session_scopes
from .base import Rule
from .builders import source_of
from .names import references_in as _names

CONVERT = Rule(
    code="TFM206",
    name="summaries-to-tf2",
    fix=FixKind.SAFE,
    summary="A Session program's TF1 summaries (`merge_all`, `FileWriter.add_summary`) become TF2 summary ops with `step=` under `writer.as_default()`.",
    explanation="""
        Part of the Session rewrite (TFM201). Summary ops and `merge_all` / `merge` become functions
        returning the values they record, computed where `sess.run` fetched them (in the train step when
        fetched with the train op; a variable is read there, before the update: TF1 did not order such a
        read against the update, so its value could be either). `tf.summary.FileWriter(logdir, ...)` becomes
        `tf.summary.create_file_writer(logdir)` and `writer.add_summary(summary, step)` becomes
        `with writer.as_default():` followed by the TF2 `tf.summary.scalar` / `histogram` /
        `image` op of each summary, with the same tags and `step=step`. The events file holds the same scalars; TF2
        histograms use other buckets over the same values; TF2 names image summaries `tag` where TF1 wrote
        `tag/image/0`, ..., and scales float images by clipping to [0, 1] where TF1 rescaled each image.
        The graph argument and `add_graph` are dropped: eager code has no graph (`tf.summary.trace_on`
        records the graph of a `tf.function` if wanted). TF2's `tf.summary.scalar` / `histogram` / `image`
        are implemented by the `tensorboard` package, which TensorFlow 2.20+ no longer installs: the
        finding says so (`pip install tensorboard`).
    """,
    before="""
        tf.summary.scalar("loss", loss)
        merged = tf.summary.merge_all()
        with tf.Session() as sess:
            writer = tf.summary.FileWriter("logs", sess.graph)
            sess.run(tf.global_variables_initializer())
            summary, _ = sess.run([merged, train_op], feed_dict={x: data})
            writer.add_summary(summary, 1)
    """,
    after="""
        def compute_merged(x):
            loss = compute_loss(x)
            return (loss,)

        writer = tf.summary.create_file_writer("logs")
        summary, _ = [tf.nest.map_structure(lambda value: value.numpy(), train_step(tf.cast(data, tf.float32))), None]
        with writer.as_default():
            tf.summary.scalar("loss", summary[0], step=1)
    """,
)

DECLINE = Rule(
    code="TFM218",
    name="summaries-not-converted",
    fix=FixKind.MANUAL,
    summary="TF1 summaries the TF2 summary rewrite cannot follow (computed tags, family=, other kinds, untraceable values).",
    explanation="""
        The Session program is left in graph mode (TFM260) because a summary is used in a way the TF2
        rewrite (TFM206) cannot reproduce with certainty: a tag that is not a plain string literal or is
        given twice (TF1 renamed it `tag_1`), `family=` / `collections=`, `tf.summary.text` / `audio` /
        `tensor_summary`, a summary op used for something other than being fetched, a fetched summary
        that is not traced to one `sess.run`, or a writer method other than `add_summary`, `add_graph`,
        `flush` and `close`. Rewrite it by hand: `writer = tf.summary.create_file_writer(logdir)` and
        `with writer.as_default(): tf.summary.scalar(tag, value, step=step)` where the value is computed.
    """,
    before="""
        tf.summary.scalar("loss", loss, family="train")
    """,
    after="""
        tf.summary.scalar("loss", loss, family="train")
    """,
)

RULES = (CONVERT, DECLINE)
KINDS = {"tf.summary.scalar": "scalar", "tf.summary.histogram": "histogram", "tf.summary.image": "image"}
PARAMETERS = {"scalar": ("name", "tensor"), "histogram": ("name", "values"), "image": ("name", "tensor", "max_outputs")}
OTHER_KINDS = ("tf.summary.text", "tf.summary.audio", "tf.summary.tensor_summary")
TAG = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.\-/]*$")
WRITER = "tf.summary.FileWriter"
WRITER_OPTIONS = ("logdir", "graph", "max_queue", "flush_secs", "graph_def", "filename_suffix")


class Declined(Exception):
    """Same shape as `sessions.Decline`: (node, code, message)."""

    def __init__(self, node: cst.CSTNode, code: str, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.code = code
        self.message = message


@dataclass
class Summary:
    kind: str
    tag: str
    tag_node: cst.BaseExpression
    data: cst.BaseExpression
    max_outputs: cst.BaseExpression | None
    statement: cst.SimpleStatementLine
    name: str | None


@dataclass
class Writer:
    name: str | None
    statement: cst.SimpleStatementLine
    call: cst.Call
    graph_dropped: bool = False
    writes: list[tuple[cst.SimpleStatementLine, cst.BaseExpression, cst.BaseExpression | None, str]] = field(default_factory=list)  # statement, value, step, op
    dropped: list[cst.SimpleStatementLine] = field(default_factory=list)  # add_graph


@dataclass
class State:
    summaries: list[Summary] = field(default_factory=list)
    ops: dict[str, list[Summary]] = field(default_factory=dict)  # summary-op tensor name -> its summaries
    merges: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)
    writers: list[Writer] = field(default_factory=list)
    claims: list[cst.Name] = field(default_factory=list)


def _decline(node: cst.CSTNode, message: str) -> Declined:
    return Declined(node, DECLINE.code, message)


def _arguments(call: cst.Call, names: tuple[str, ...], what: str) -> dict[str, cst.BaseExpression]:
    given: dict[str, cst.BaseExpression] = {}
    for index, argument in enumerate(call.args):
        if argument.star:
            raise _decline(call, f"`{what}` with * or ** arguments")
        keyword = argument.keyword.value if argument.keyword is not None else (names[index] if index < len(names) else "?")
        if keyword not in names:
            raise _decline(call, f"`{what}(..., {keyword}=...)` has no counterpart in the TF2 summary rewrite")
        given[keyword] = argument.value
    return given


def state(program) -> State:  # noqa: ANN001
    if program.summaries is None:
        program.summaries = State()
    return program.summaries


def classify(codemod, program, statement: cst.CSTNode, make_tensor: Callable[[str, cst.SimpleStatementLine, cst.BaseExpression], None]) -> bool:  # noqa: ANN001
    """A top-level summary op, merge or writer statement: recorded (True), or the program declines."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    small = statement.body[0]
    if isinstance(small, cst.Expr):
        target, value = None, small.value
    elif isinstance(small, cst.Assign) and len(small.targets) == 1:
        target, value = small.targets[0].target, small.value
    else:
        return False
    if not isinstance(value, cst.Call):
        return False
    qualified = codemod.qualified_name(value) or ""
    if not qualified.startswith("tf.summary."):
        return False
    if qualified in OTHER_KINDS:
        raise _decline(statement, f"`{qualified}` is not converted (only scalar, histogram and image summaries)")
    if qualified not in KINDS and qualified not in ("tf.summary.merge_all", "tf.summary.merge", WRITER):
        return False
    if target is not None and not isinstance(target, cst.Name):
        raise _decline(statement, f"`{qualified}` bound to something other than a plain name")
    if not codemod.enabled(CONVERT.code) or codemod.run.is_suppressed(CONVERT.code, codemod.position(statement)[0]):
        raise _decline(statement, "the summary rewrite (TFM206) is not selected or is suppressed here")
    summaries = state(program)
    name = target.value if isinstance(target, cst.Name) else None
    if qualified == WRITER:
        summaries.writers.append(Writer(name, statement, value))
        return True
    if qualified in KINDS:
        kind = KINDS[qualified]
        given = _arguments(value, PARAMETERS[kind], qualified)
        tag, data = given.get("name"), given.get("tensor", given.get("values"))
        if tag is None or data is None:
            raise _decline(statement, f"`{qualified}` without a tag or a value")
        text = tag.evaluated_value if isinstance(tag, cst.SimpleString) else None
        if not isinstance(text, str) or not TAG.match(text):
            raise _decline(statement, f"the summary tag `{source_of(tag)}` is not a plain string literal of valid characters (TF1 cleaned and uniquified such tags)")
        prefix = _scope_prefix(codemod, statement)
        if prefix:
            text = prefix + text
            tag = cst.SimpleString(f'"{text}"')  # the tag TF1 wrote: scope/name
        if any(s.tag == text for s in summaries.summaries):
            raise _decline(statement, f"the summary tag {text!r} is used twice (TF1 wrote the second one as {text + '_1'!r})")
        summary = Summary(kind, text, tag, data, given.get("max_outputs"), statement, name)
        summaries.summaries.append(summary)
        if name is not None:
            summaries.ops[name] = [summary]
            make_tensor(name, statement, _values(codemod, program, [summary]))
        return True
    if name is None:
        return True  # a merge whose result is not kept: nothing runs it
    if qualified == "tf.summary.merge_all":
        if value.args:
            raise _decline(statement, "`tf.summary.merge_all(key=...)` is not converted")
        members = list(summaries.summaries)
    else:
        given = _arguments(value, ("inputs",), qualified)
        inputs = given.get("inputs")
        if not isinstance(inputs, (cst.List, cst.Tuple)):
            raise _decline(statement, "`tf.summary.merge` of something other than a list of summary ops")
        members = []
        for element in inputs.elements:
            if not (isinstance(element, cst.Element) and isinstance(element.value, cst.Name) and element.value.value in summaries.ops):
                raise _decline(statement, "`tf.summary.merge` of something other than summary ops of this program")
            summaries.claims.append(element.value)
            members.extend(summaries.ops[element.value.value])
    if not members:
        raise _decline(statement, f"`{qualified}` merges no summary of this program")
    summaries.ops[name] = members
    summaries.merges[name] = statement
    make_tensor(name, statement, _values(codemod, program, members))
    return True


def name_scope_block(codemod, item: cst.BaseExpression) -> bool:  # noqa: ANN001
    """`tf.name_scope("Loss")` (a literal name): the scope names ops only, eager code does without it; the
    summaries in it get the prefix TF1 gave their tags (`Loss/loss`) written into the tag."""
    return (
        isinstance(item, cst.Call)
        and codemod.qualified_name(item) == "tf.name_scope"
        and len(item.args) == 1
        and item.args[0].keyword is None
        and isinstance(item.args[0].value, cst.SimpleString)
    )


def _scope_prefix(codemod, statement: cst.CSTNode) -> str:  # noqa: ANN001
    """`Layer1/` for a summary in `with tf.name_scope("Layer1"):` (TF1 prefixed the tag with the scope), when
    TF1 kept that scope name as written: a literal given to only one `tf.name_scope` of the file."""
    scopes: list[str] = []
    node = codemod.get_metadata(ParentNodeProvider, statement, None)
    while node is not None and not isinstance(node, (cst.FunctionDef, cst.Module)):
        if isinstance(node, cst.With):
            for item in node.items:
                if codemod.qualified_name(item.item) in session_scopes.SCOPES:  # a variable scope opens the name scope too
                    if not (name_scope_block(codemod, item.item) or session_scopes.literal_scope(codemod, item.item) is not None):
                        raise _decline(statement, "a summary inside a `tf.name_scope` whose name is not a literal (TF1 prefixed the tag with it)")
                    scopes.insert(0, item.item.args[0].value.evaluated_value)  # type: ignore[attr-defined]
        node = codemod.get_metadata(ParentNodeProvider, node, None)
    if not scopes:
        return ""
    used = [name for c in find(codemod.tree, cst.Call) if (name := session_scopes.literal_scope(codemod, c)) is not None]
    for scope in scopes:
        if used.count(scope) != 1 or not TAG.match(scope):
            raise _decline(statement, f"a summary inside `tf.name_scope({scope!r})`, a scope name given more than once (TF1 made it unique: the tag prefix is not certain)")
    return "/".join(scopes) + "/"


def _values(codemod, program, members: list[Summary]) -> cst.Tuple:  # noqa: ANN001
    """The values the summaries record; a variable is read (`tf.identity`) where the op is computed, so that
    a train step returns it as it was before the update, not the variable itself."""
    identity = cst.parse_expression(f"{codemod.tf}.identity")
    elements = [
        cst.Element(
            cst.Call(identity, [cst.Arg(s.data)]) if isinstance(s.data, cst.Name) and s.data.value in program.variables else s.data,
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
        )
        for s in members
    ]
    elements[-1] = elements[-1].with_changes(comma=cst.Comma() if len(elements) == 1 else cst.MaybeSentinel.DEFAULT)
    return cst.Tuple(elements=elements)


def summaries_of(program, name: str) -> list[Summary]:  # noqa: ANN001
    return program.summaries.ops[name]


def is_summary(program, name: str) -> bool:  # noqa: ANN001
    return program.summaries is not None and name in program.summaries.ops


# -- checks -----------------------------------------------------------------------------------------


def check(codemod, program) -> None:  # noqa: ANN001
    summaries = program.summaries
    if summaries is None:
        return
    for reference in summaries.claims:
        program.claimed.add(id(reference))
    for summary in summaries.summaries:
        if summary.name is None and not any(summary in members for members in summaries.ops.values()):
            for reference in _names(summary.data):  # never merged nor fetched: TF1 never computed it
                program.claimed.add(id(reference))
        if summary.max_outputs is not None and any(n.value in program.graph_names() for n in _names(summary.max_outputs)):
            raise _decline(summary.statement, "`max_outputs` is a graph value")
    for writer in summaries.writers:
        _check_writer(codemod, program, writer)
    if summaries.ops and not any(w.writes for w in summaries.writers):
        pass  # summaries fetched but never written: the values are still computed as TF1 did


def _check_writer(codemod, program, writer: Writer) -> None:  # noqa: ANN001
    given = _arguments(writer.call, WRITER_OPTIONS, WRITER)
    if "logdir" not in given:
        raise _decline(writer.statement, "`FileWriter` without a log directory")
    for keyword in ("graph", "graph_def"):
        if keyword in given:
            _claim_graph(codemod, program, writer.statement, given[keyword])
            writer.graph_dropped = True
    for keyword, value in given.items():
        if keyword not in ("graph", "graph_def") and any(n.value in program.graph_names() for n in _names(value)):
            raise _decline(writer.statement, f"the writer's `{keyword}` is a graph value")
    if writer.name is None:
        return
    scope = program.scope
    assignments = scope.assignments[writer.name]
    if len(assignments) != 1:
        raise _decline(writer.statement, f"`{writer.name}` is bound more than once")
    for access in next(iter(assignments)).references:
        node = access.node
        attribute = codemod.get_metadata(ParentNodeProvider, node, None)
        call = codemod.get_metadata(ParentNodeProvider, attribute, None) if attribute is not None else None
        if not (isinstance(attribute, cst.Attribute) and attribute.value is node and isinstance(call, cst.Call) and call.func is attribute):
            raise _decline(node, f"the writer `{writer.name}` is used other than by its methods")
        if codemod._owner(call) is not program.block:
            raise _decline(call, f"the writer `{writer.name}` is used inside another function")
        method = attribute.attr.value
        if method in ("flush", "close") and not call.args:
            continue
        statement = _statement_of(codemod, call)
        if method == "add_graph":
            if statement is None:
                raise _decline(call, "`add_graph` inside a larger statement")
            for argument in call.args:
                _claim_graph(codemod, program, call, argument.value)
            writer.dropped.append(statement)
            writer.graph_dropped = True
            continue
        if method != "add_summary":
            raise _decline(call, f"`{writer.name}.{method}(...)` has no counterpart in the TF2 summary rewrite")
        if statement is None:
            raise _decline(call, "`add_summary` inside a larger statement (it becomes a `with` block)")
        given = _arguments(call, ("summary", "global_step"), "add_summary")
        value, step = given.get("summary"), given.get("global_step")
        if value is None:
            raise _decline(call, "`add_summary` without a summary")
        op = _fetched_op(codemod, program, value)
        if op is None:
            raise _decline(call, f"the summary `{source_of(value)}` written here is not traced to one summary op fetched by `sess.run`")
        if step is not None and any(n.value in program.graph_names() for n in _names(step)):
            raise _decline(call, "the step of `add_summary` is a graph value")
        if step is not None and find(step, cst.Call) and len(summaries_of(program, op)) > 1:
            raise _decline(call, "the step of `add_summary` is computed by a call (each TF2 op gets `step=`): bind it to a name first")
        writer.writes.append((statement, value, step, op))


def _statement_of(codemod, call: cst.Call) -> cst.SimpleStatementLine | None:  # noqa: ANN001
    parent = codemod.get_metadata(ParentNodeProvider, call, None)
    statement = codemod.get_metadata(ParentNodeProvider, parent, None) if isinstance(parent, cst.Expr) else None
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement
    return None


def _claim_graph(codemod, program, node: cst.CSTNode, value: cst.BaseExpression) -> None:  # noqa: ANN001
    """`sess.graph`, a graph of the program, `tf.get_default_graph()`: dropped with the argument."""
    if m.matches(value, m.Attribute(value=m.Name(), attr=m.Name("graph"))) and value.value.value in program.session_names:  # type: ignore[attr-defined]
        program.claimed.add(id(value.value))  # type: ignore[attr-defined]
    elif isinstance(value, cst.Name) and value.value in program.graphs:
        program.claimed.add(id(value))
    elif m.matches(value, m.Attribute(value=m.Name(), attr=m.Name("graph_def") | m.Name("graph"))) and value.value.value in program.session_names | set(program.graphs):  # type: ignore[attr-defined]
        program.claimed.add(id(value.value))  # type: ignore[attr-defined]
    elif not (isinstance(value, cst.Call) and codemod.qualified_name(value) == "tf.get_default_graph" and not value.args):
        if not m.matches(value, m.Name("None")):
            raise _decline(node, f"the graph `{source_of(value)}` given to the writer is not this program's")


def _fetched_op(codemod, program, value: cst.BaseExpression) -> str | None:  # noqa: ANN001
    """The summary op whose fetched value `value` (a name bound by `sess.run` / `op.eval`) is."""
    if not isinstance(value, cst.Name):
        return None
    scope = codemod.get_metadata(ScopeProvider, value, None)
    if scope is None:
        return None
    found: set[str] = set()
    assignments = [a for a in scope.assignments[value.value]]
    if not assignments:
        return None
    for assignment in assignments:
        op = _op_bound(codemod, program, assignment.node)
        if op is None:
            return None
        found.add(op)
    return found.pop() if len(found) == 1 else None


def _op_bound(codemod, program, target: cst.CSTNode) -> str | None:  # noqa: ANN001
    index = None
    node = codemod.get_metadata(ParentNodeProvider, target, None)
    if isinstance(node, cst.Element):
        container = codemod.get_metadata(ParentNodeProvider, node, None)
        if not isinstance(container, (cst.Tuple, cst.List)) or any(isinstance(e, cst.StarredElement) for e in container.elements):
            return None
        index = [e.value for e in container.elements].index(target)  # type: ignore[attr-defined]
        node = codemod.get_metadata(ParentNodeProvider, container, None)
    if not isinstance(node, cst.AssignTarget):
        return None
    assign = codemod.get_metadata(ParentNodeProvider, node, None)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    call = assign.value
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name)):
        return None
    if call.func.attr.value == "eval" and index is None:
        fetch: cst.BaseExpression | None = call.func.value
    elif call.func.attr.value == "run" and call.func.value.value in program.session_names and call.args:
        fetch = call.args[0].value
        if index is not None:
            if not isinstance(fetch, (cst.List, cst.Tuple)) or len(fetch.elements) <= index:
                return None
            fetch = fetch.elements[index].value
    else:
        return None
    if isinstance(fetch, cst.Name) and is_summary(program, fetch.value):
        return fetch.value
    return None


# -- the rewrite -------------------------------------------------------------------------------------


def numpy_of(codemod, program, names: list[str], expression: cst.BaseExpression) -> cst.BaseExpression | None:  # noqa: ANN001
    """`tf.nest.map_structure(lambda value: value.numpy(), ...)` when a fetched name is a summary op
    (its value is a tuple of tensors); None otherwise (plain `.numpy()`)."""
    if not any(is_summary(program, name) for name in names):
        return None
    call = cst.parse_expression(f"{codemod.tf}.nest.map_structure(lambda value: value.numpy(), _)")
    assert isinstance(call, cst.Call)
    return call.with_changes(args=[call.args[0], call.args[1].with_changes(value=expression)])


def plan(codemod, program) -> None:  # noqa: ANN001
    summaries = program.summaries
    if summaries is None:
        return
    tf = codemod.tf
    statements = codemod.edits.statements
    merged_only = {id(reference) for reference in summaries.claims}
    for summary in summaries.summaries:
        if summary.name is None:
            statements[id(summary.statement)] = []
        elif all(id(a.node) in merged_only for a in program.scope.accesses[summary.name]):
            statements[id(summary.statement)] = []  # only merged: `compute_merged` computes its value
    notes = []
    if any(s.kind == "image" for s in summaries.summaries):
        notes.append("TF2 image summaries are tagged `tag`, not `tag/image/N`, and clip float images to [0, 1] where TF1 rescaled them")
    if any(s.kind == "histogram" for s in summaries.summaries):
        notes.append("TF2 histograms bucket the same values differently")
    for writer in summaries.writers:
        given = _arguments(writer.call, WRITER_OPTIONS, WRITER)
        arguments = [source_of(given["logdir"])]
        if "max_queue" in given:
            arguments.append(f"max_queue={source_of(given['max_queue'])}")
        if "flush_secs" in given:
            arguments.append(f"flush_millis={source_of(given['flush_secs'])} * 1000")
        if "filename_suffix" in given:
            arguments.append(f"filename_suffix={source_of(given['filename_suffix'])}")
        created = f"{tf}.summary.create_file_writer({', '.join(arguments)})"
        line = f"{writer.name} = {created}\n" if writer.name is not None else f"{created}\n"
        parsed = cst.parse_statement(line, config=codemod.tree.config_for_parsing)
        statements[id(writer.statement)] = [parsed.with_changes(leading_lines=writer.statement.leading_lines, trailing_whitespace=writer.statement.trailing_whitespace)]  # type: ignore[union-attr]
        for statement in writer.dropped:
            statements[id(statement)] = []
        for statement, value, step, op in writer.writes:
            statements[id(statement)] = [_write_block(codemod, writer, statement, value, step, summaries.ops[op])]
        note = "; the graph is not written (eager code has none; `tf.summary.trace_on` traces a tf.function)" if writer.graph_dropped else ""
        extra = ("; " + "; ".join(notes)) if notes and writer.writes else ""
        codemod.offer_fix(
            writer.statement,
            CONVERT.code,
            f"`tf.summary.FileWriter` now `tf.summary.create_file_writer`, summaries written with TF2 ops and `step=`{note}{extra}; "
            "TF2's summary ops need the `tensorboard` package (TF 2.20+ no longer installs it: `pip install tensorboard`)",
        )
    if not summaries.writers and summaries.summaries:
        codemod.offer_fix(summaries.summaries[0].statement, CONVERT.code, "TF1 summary ops without a writer: the fetched ones now functions returning their values, the others (never run by TF1) dropped")


def _write_block(codemod, writer: Writer, statement: cst.SimpleStatementLine, value: cst.BaseExpression, step: cst.BaseExpression | None, members: list[Summary]) -> cst.With:  # noqa: ANN001
    tf = codemod.tf
    step_text = source_of(step) if step is not None else "0"  # TF1 wrote a summary without a step at step 0
    lines = [f"with {writer.name}.as_default():"]
    for index, summary in enumerate(members):
        extra = f", max_outputs={source_of(summary.max_outputs)}" if summary.max_outputs is not None else ""
        lines.append(f"    {tf}.summary.{summary.kind}({source_of(summary.tag_node)}, {source_of(value)}[{index}], step={step_text}{extra})")
    block = cst.parse_statement("\n".join(lines) + "\n", config=codemod.tree.config_for_parsing)
    assert isinstance(block, cst.With)
    return block.with_changes(leading_lines=statement.leading_lines)
