"""TFM207 / TFM219 checkpoints of a Session program: `tf.train.Saver` becomes `tf.train.Checkpoint`.

What it matches (hooks called by `codemods/sessions.py` while it models a Session program)
    `saver = tf.train.Saver()` / `tf.train.Saver(max_to_keep=N)` at the top level of the program, used only as
    `saver.save(sess, path[, global_step=step])` and `saver.restore(sess, path)` in the program's own code,
    also when the program opens a second `with tf.Session() as sess:` that restores before it runs anything
    (TF1 re-initialised the variables there, then overwrote every one of them from the checkpoint).

What it writes (TFM207)
    `saver = tf.train.Checkpoint(W=W, b=b, optimizer=optimizer)`: the program's variables and the Keras
    optimizer of each train op, as far as they exist where the Saver was made (a Saver saves the global
    variables that exist when it is built, optimizer slots included once `minimize` ran).
    `saver.save(sess, path)` -> `saver.write(path)` (returns the path, as TF1 did);
    `saver.save(sess, path, global_step=step)` -> a `tf.train.CheckpointManager` over `dirname(path)` named
    `basename(path)` with the Saver's `max_to_keep` (TF1's default 5) saving `checkpoint_number=step`: the same
    `path-step` files and the same `checkpoint` state file, so `tf.train.latest_checkpoint` keeps working;
    `saver.restore(sess, path)` -> `saver.read(path)`.

When it declines (TFM219)
    Savers given a `var_list`, other options, saves with `write_state=False`, a checkpoint path computed by a
    call, a restore of a checkpoint the program never writes (TF1 keys are op names, `tf.train.Checkpoint` keys
    are attribute paths: read such a file by name with `tf.train.load_checkpoint(path).get_tensor("W")`), a
    save without `global_step` in a file that asks `tf.train.latest_checkpoint` (only the manager writes the
    state file), or a later session that runs something before restoring.

Why
    `tf.train.Saver` needs a Session; in eager TF2 it raises. `tf_upgrade_v2` only renames it to `compat.v1`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from .base import Rule
from .builders import source_of
from .names import references_in as _names
from .imports import module_alias
from .session_program_shapes import function_definitions
from .session_scopes import store_call

CONVERT = Rule(
    code="TFM207",
    name="saver-to-checkpoint",
    fix=FixKind.SAFE,
    summary="A Session program's `tf.train.Saver` save/restore becomes `tf.train.Checkpoint` (+ `CheckpointManager` for `global_step`).",
    explanation="""
        Part of the Session rewrite (TFM201). `saver = tf.train.Saver()` becomes a `tf.train.Checkpoint` over
        the variables and Keras optimizers that existed where the Saver was built (what TF1 saved);
        `saver.save(sess, path)` becomes `saver.write(path)`, `saver.save(sess, path, global_step=step)` a
        `tf.train.CheckpointManager` (directory and file name taken from `path`, the Saver's `max_to_keep`,
        TF1's 5 by default) saving `checkpoint_number=step` (same `path-step` files, same `checkpoint` state
        file: `tf.train.latest_checkpoint` still finds them), and `saver.restore(sess, path)` becomes
        `saver.read(path)`. A second session that restores before it runs anything needs no session
        at all: the variables are the same objects. Checkpoints written by the TF1 program have other
        key names (op names); they are read by name with `tf.train.load_checkpoint`.
    """,
    before="""
        W = tf.Variable(1.0)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = saver.save(sess, "/tmp/model.ckpt", global_step=10)
            saver.restore(sess, path)
    """,
    after="""
        W = tf.Variable(1.0)
        saver = tf.train.Checkpoint(W=W)
        path = tf.train.CheckpointManager(saver, os.path.dirname("/tmp/model.ckpt"), max_to_keep=5, checkpoint_name=os.path.basename("/tmp/model.ckpt")).save(checkpoint_number=10)
        saver.read(path)
    """,
)

DECLINE = Rule(
    code="TFM219",
    name="saver-not-converted",
    fix=FixKind.MANUAL,
    summary="A `tf.train.Saver` use the Checkpoint rewrite cannot follow (var_list, foreign checkpoints, options).",
    explanation="""
        The Session program is left in graph mode (TFM260) because its Saver is used in a way the
        `tf.train.Checkpoint` rewrite (TFM207) cannot reproduce with certainty: a `var_list` or options other
        than `max_to_keep`, a save with `write_state=False`, a path computed by a call, a save without
        `global_step` in a file that asks `tf.train.latest_checkpoint` (only a `CheckpointManager` keeps the
        state file), a later session that runs the graph before it restores, or a restore of a checkpoint
        the program does not write itself. TF1 checkpoints name their values by op name (`"W"`), TF2's by
        attribute path (`"W/.ATTRIBUTES/VARIABLE_VALUE"`): read a TF1 file by name with
        `reader = tf.train.load_checkpoint(path); W.assign(reader.get_tensor("W"))`.
    """,
    before="""
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, "pretrained/model.ckpt")
    """,
    after="""
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, "pretrained/model.ckpt")
    """,
)

RULES = (CONVERT, DECLINE)
SAVER = "tf.train.Saver"
STATE_READERS = frozenset({"tf.train.latest_checkpoint", "tf.train.get_checkpoint_state"})
PATH_CALLS = frozenset({"os.path.join", "str"})
SAVE_PARAMETERS = ("sess", "save_path", "global_step", "latest_filename", "meta_graph_suffix", "write_meta_graph", "write_state")


class Declined(Exception):
    """Same shape as `sessions.Decline`: (node, code, message)."""

    def __init__(self, node: cst.CSTNode, code: str, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.code = code
        self.message = message


@dataclass
class Saver:
    name: str
    statement: cst.SimpleStatementLine
    max_to_keep: cst.BaseExpression | None
    saves: list[tuple[cst.Call, cst.BaseExpression, cst.BaseExpression | None]] = field(default_factory=list)  # call, path, step
    restores: list[tuple[cst.Call, cst.BaseExpression]] = field(default_factory=list)


def _decline(node: cst.CSTNode, message: str) -> Declined:
    return Declined(node, DECLINE.code, message)


def classify(codemod, program, statement: cst.CSTNode) -> bool:  # noqa: ANN001
    """`saver = tf.train.Saver(...)` at the top level: recorded (True), or the program declines."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    small = statement.body[0]
    value = getattr(small, "value", None)
    if isinstance(small, (cst.Assign, cst.Expr)) and m.matches(value, m.Call(func=m.Attribute(value=m.Name(), attr=m.Name("save") | m.Name("restore")))):
        if value.func.value.value in program.savers:  # type: ignore[union-attr]
            return True  # `path = saver.save(sess, ...)`: plain Python (checked with the Saver's other uses)
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call)):
        return False
    if codemod.qualified_name(small.value) != SAVER:
        return False
    target = small.targets[0].target
    if not isinstance(target, cst.Name):
        raise _decline(statement, "the Saver is not bound to a plain name")
    if not codemod.enabled(CONVERT.code) or codemod.run.is_suppressed(CONVERT.code, codemod.position(statement)[0]):
        raise _decline(statement, "the Saver rewrite (TFM207) is not selected or is suppressed here")
    max_to_keep = None
    for argument in small.value.args:
        keyword = argument.keyword.value if argument.keyword is not None else None
        if keyword == "max_to_keep":
            if any(n.value in program.graph_names() for n in _names(argument.value)):
                raise _decline(statement, "`max_to_keep` is a graph value")
            max_to_keep = argument.value
        elif keyword == "var_list" and m.matches(argument.value, m.Name("None")):
            continue
        else:
            what = f"`{keyword}=`" if keyword else "a `var_list`"
            raise _decline(statement, f"the Saver is built with {what}: a `tf.train.Checkpoint` names its objects itself (list them as keyword arguments by hand)")
    program.savers[target.value] = Saver(target.value, statement, max_to_keep)
    return True


def restored_sessions(codemod, program) -> bool:  # noqa: ANN001
    """Several sessions over the program's variables are one eager program when every session after the
    first is a `with` block that restores all of them (a Saver built after every variable and train op)
    before it runs anything (its initializer aside: TF1 overwrote those values from the checkpoint)."""
    if not program.savers or len(program.sessions) < 2:
        return False
    covering = [s for s in program.savers.values() if _covers_everything(codemod, program, s)]
    if not covering:
        return False
    for session in program.sessions[1:]:
        if not isinstance(session, cst.With) or not isinstance(session.body, cst.IndentedBlock):
            return False
        if not _restores_first(codemod, program, session, {s.name for s in covering}):
            return False
    return True


def reset_by_restore(codemod, program, call: cst.Call) -> bool:  # noqa: ANN001
    """The initializer run `call` is in a later session that restores every variable right after."""
    if not restored_sessions(codemod, program):
        return False
    node: cst.CSTNode | None = call
    while node is not None:
        if any(node is s for s in program.sessions[1:]):
            return True
        node = codemod.get_metadata(ParentNodeProvider, node, None)
    return False


def _covers_everything(codemod, program, saver: Saver) -> bool:  # noqa: ANN001
    where = codemod.position(saver.statement)
    for name in program.variables:
        if any(codemod.position(a.node) > where for a in program.scope.assignments[name]):
            return False
    return all(codemod.position(train.statement) < where for train in program.train_ops.values())


def _restores_first(codemod, program, session: cst.With, savers: set[str]) -> bool:  # noqa: ANN001
    name = session.items[0].asname.name.value if session.items[0].asname is not None else None  # type: ignore[union-attr]
    graph = program.graph_names() - set(program.savers)
    for statement in session.body.body:  # type: ignore[union-attr]
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
        value = small.value if isinstance(small, cst.Expr) else None
        if isinstance(value, cst.Call) and m.matches(value.func, m.Attribute(value=m.Name(), attr=m.Name("restore"))):
            receiver = value.func.value.value  # type: ignore[attr-defined]
            first = value.args[0].value if value.args else None
            if receiver in savers and isinstance(first, cst.Name) and first.value == name:
                return True
        if isinstance(value, cst.Call) and _is_init_run(codemod, program, value):
            continue
        if any(n.value in graph or n.value == name for n in _names(statement)):
            return False
    return False


def _is_init_run(codemod, program, call: cst.Call) -> bool:  # noqa: ANN001
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "run":
        return False
    receiver = func.value
    if isinstance(receiver, cst.Name) and receiver.value in program.inits:
        return True
    if isinstance(receiver, cst.Call) and (codemod.qualified_name(receiver) or "").endswith(("global_variables_initializer", "initialize_all_variables")):
        return True
    if isinstance(receiver, cst.Name) and receiver.value in program.session_names and call.args:
        fetch = call.args[0].value
        return (isinstance(fetch, cst.Name) and fetch.value in program.inits) or (
            isinstance(fetch, cst.Call) and (codemod.qualified_name(fetch) or "").endswith(("global_variables_initializer", "initialize_all_variables"))
        )
    return False


def check(codemod, program) -> None:  # noqa: ANN001
    """Every use of each Saver is a save or restore this rewrite reproduces."""
    if not program.savers:
        return
    for saver in program.savers.values():
        assignments = program.scope.assignments[saver.name]
        if len(assignments) != 1:
            raise _decline(saver.statement, f"`{saver.name}` is bound more than once")
        for access in next(iter(assignments)).references:
            _use(codemod, program, saver, access.node)
    check_not_empty(codemod, program)
    saves = [save for saver in program.savers.values() for save in saver.saves]
    restores = [restore for saver in program.savers.values() for restore in saver.restores]
    if restores and not saves:
        raise _decline(
            restores[0][0],
            "restores a checkpoint this program does not write: TF1 checkpoint keys are op names, `tf.train.Checkpoint` keys "
            "attribute paths; read it by name with `tf.train.load_checkpoint(path).get_tensor(name)` and assign the variables",
        )
    if any(step is None for _, _, step in saves):
        for call in find(codemod.tree, cst.Call):
            if codemod.qualified_name(call) in STATE_READERS:
                raise _decline(call, "the program asks for the latest checkpoint, but saves without `global_step` (`Checkpoint.write` keeps no state file): save with a step")


def _use(codemod, program, saver: Saver, node: cst.CSTNode) -> None:  # noqa: ANN001
    attribute = codemod.get_metadata(ParentNodeProvider, node, None)
    call = codemod.get_metadata(ParentNodeProvider, attribute, None) if attribute is not None else None
    if not (isinstance(attribute, cst.Attribute) and attribute.value is node and isinstance(call, cst.Call) and call.func is attribute):
        raise _decline(node, f"`{saver.name}` is used other than by `.save(sess, ...)` / `.restore(sess, ...)`")
    if codemod._owner(call) is not program.block:
        raise _decline(call, f"`{saver.name}` is used inside another function")
    method = attribute.attr.value
    if method not in ("save", "restore"):
        raise _decline(call, f"`{saver.name}.{method}(...)` has no `tf.train.Checkpoint` counterpart here")
    names = SAVE_PARAMETERS if method == "save" else ("sess", "save_path")
    given: dict[str, cst.BaseExpression] = {}
    for index, argument in enumerate(call.args):
        if argument.star:
            raise _decline(call, f"`{saver.name}.{method}` with * or ** arguments")
        keyword = argument.keyword.value if argument.keyword is not None else (names[index] if index < len(names) else "?")
        if keyword not in names:
            raise _decline(call, f"`{saver.name}.{method}(..., {keyword}=...)` is not understood")
        given[keyword] = argument.value
    session = given.get("sess")
    if not (isinstance(session, cst.Name) and session.value in program.session_names):
        raise _decline(call, f"`{saver.name}.{method}` is given something other than the program's session")
    path = given.get("save_path")
    if path is None:
        raise _decline(call, f"`{saver.name}.{method}` without a path")
    if any(n.value in program.graph_names() for n in _names(path)):
        raise _decline(call, "the checkpoint path is a graph value")
    program.claimed.add(id(session))
    program.claimed.add(id(node))
    if method == "restore":
        parent = codemod.get_metadata(ParentNodeProvider, call, None)
        if not isinstance(parent, cst.Expr):
            raise _decline(call, "the value of `restore` (None) is used")
        saver.restores.append((call, path))
        return
    for keyword in ("latest_filename", "meta_graph_suffix"):
        if keyword in given:
            raise _decline(call, f"`save(..., {keyword}=...)` has no `tf.train.Checkpoint` counterpart")
    if "write_state" in given and not m.matches(given["write_state"], m.Name("True")):
        raise _decline(call, "`save(..., write_state=False)`: a CheckpointManager always writes the state file")
    step = given.get("global_step")
    if step is not None and m.matches(step, m.Name("None")):
        step = None
    if step is not None:
        _check_path(codemod, call, path)
        for reference in _names(step):
            if reference.value in program.graph_names():
                if reference.value not in program.variables or reference.value in program.containers:
                    raise _decline(call, f"the `global_step` of the save is the graph value `{reference.value}`")
                program.claimed.add(id(reference))
    saver.saves.append((call, path, step))


def _check_path(codemod, call: cst.Call, path: cst.BaseExpression) -> None:  # noqa: ANN001
    """The path of a save with a step is written twice (directory and file name): no calls with effects."""
    for inner in find(path, cst.Call):
        qualified = codemod.qualified_name(inner) or (inner.func.value if isinstance(inner.func, cst.Name) else None)  # type: ignore[attr-defined]
        is_format = isinstance(inner.func, cst.Attribute) and inner.func.attr.value == "format"  # type: ignore[attr-defined]
        if qualified not in PATH_CALLS and not is_format:
            raise _decline(call, f"the checkpoint path `{source_of(path)}` is computed by a call (it would be evaluated twice): bind it to a name first")


# -- the rewrite -----------------------------------------------------------------------------------


def plan(codemod, program) -> None:  # noqa: ANN001
    if not program.savers:
        return
    tf = codemod.tf
    needs_os = False
    for saver in program.savers.values():
        objects = _saved_objects(codemod, program, saver)
        codemod.offer_fix(saver.statement, CONVERT.code, f"`tf.train.Saver` now `tf.train.Checkpoint` over {', '.join(objects)}")
        line = cst.parse_statement(f"{saver.name} = {tf}.train.Checkpoint({', '.join(f'{o}={o}' for o in objects)})\n", config=codemod.tree.config_for_parsing)
        codemod.edits.statements[id(saver.statement)] = [line.with_changes(leading_lines=saver.statement.leading_lines, trailing_whitespace=saver.statement.trailing_whitespace)]  # type: ignore[union-attr]
        for call, path in saver.restores:
            codemod.edits.expressions[id(call)] = cst.Call(func=cst.Attribute(cst.Name(saver.name), cst.Name("read")), args=[cst.Arg(path)])
        for call, path, step in saver.saves:
            if step is None:
                codemod.edits.expressions[id(call)] = cst.Call(func=cst.Attribute(cst.Name(saver.name), cst.Name("write")), args=[cst.Arg(path)])
                continue
            needs_os = True
            keep = source_of(saver.max_to_keep) if saver.max_to_keep is not None else "5"
            text = source_of(path)
            manager = cst.parse_expression(
                f"{tf}.train.CheckpointManager({saver.name}, os.path.dirname({text}), max_to_keep={keep}, checkpoint_name=os.path.basename({text})).save(checkpoint_number=_)"
            )
            assert isinstance(manager, cst.Call)
            codemod.edits.expressions[id(call)] = manager.with_changes(args=[manager.args[0].with_changes(value=step)])
    if needs_os and module_alias(codemod.tree, "os") != "os":
        AddImportsVisitor.add_needed_import(codemod.context, "os")


def _saved_objects(codemod, program, saver: Saver) -> list[str]:  # noqa: ANN001
    """The variables and Keras optimizers that exist where the Saver is built, in definition order."""
    where = codemod.position(saver.statement)
    found: list[tuple[tuple[int, int], str]] = []
    for name in program.variables:
        positions = [codemod.position(a.node) for a in program.scope.assignments[name]]
        if positions and max(positions) < where:
            found.append((min(positions), name))
    for call in _program_calls(program):
        name = _variable_helper_binding(codemod, program, call)
        if name is not None and codemod.position(call) < where and all(name != n for _, n in found):
            found.append((codemod.position(call), name))
    for train in program.train_ops.values():
        optimizer = train.optimizer or train.keras_optimizer
        if codemod.position(train.statement) < where and optimizer and all(optimizer != n for _, n in found):
            found.append((codemod.position(train.statement), optimizer))
    if not found:
        raise AssertionError("checked: a Saver without variables")
    return [name for _, name in sorted(found)]


# Calls that create variables (or layers that create them) which a Checkpoint over the program's named variables
# would leave out; TF1's Saver saved them all. `tf.keras.` names are compared without their `tf.` prefix.
_VARIABLE_MAKERS = ("tf.Variable", "tf.get_variable", "tf.layers.", "tf.contrib.", "tf.make_template", "tf.nn.rnn_cell.", "keras.layers.", "keras.Sequential", "keras.Model", "keras.models.", "keras.applications.")


def _unnamed_variables(codemod, program, saver: Saver) -> cst.Call | None:  # noqa: ANN001
    """A call before the Saver, in the program's own code, that creates variables the Checkpoint would not name:
    a helper of this file that creates variables (`w = init_weights(shape)`), a layer or a variable factory
    whose result is not one of the program's variables. None when every variable is named."""
    where = codemod.position(saver.statement)
    for call in _program_calls(program):
        if codemod.position(call) >= where:
            continue
        qualified = codemod.qualified_name(call)
        if qualified is None:
            if _variable_helper_binding(codemod, program, call) is not None:
                continue  # `w = init_weights(shape)`, a helper returning one `tf.Variable(...)`: named in the Checkpoint
            if isinstance(call.func, cst.Name) and function_definitions(codemod.tree, call.func.value):
                concern = codemod._call_concern(call)  # noqa: SLF001 (the Session rewrite's own test of a helper)
                if concern is not None and "creates variables" in concern:
                    return call
            elif store_call(call):
                return call
            continue
        bare = qualified[3:] if qualified.startswith("tf.keras.") else qualified
        if not (qualified.startswith(_VARIABLE_MAKERS) or bare.startswith(_VARIABLE_MAKERS)):
            continue
        if _named_variable(codemod, program, call):
            continue  # `W = tf.Variable(...)`, `weights = {"h1": tf.Variable(...)}`: named in the Checkpoint
        return call
    return None


def _named_variable(codemod, program, call: cst.Call) -> bool:  # noqa: ANN001
    """`call` is the value of `W = tf.Variable(...)`, or an element of a dict / list / tuple bound to a name the
    program knows as a container of variables (the Checkpoint tracks such structures whole)."""
    node: cst.CSTNode = call
    parent = codemod.get_metadata(ParentNodeProvider, node, None)
    while isinstance(parent, (cst.Dict, cst.DictElement, cst.List, cst.Tuple, cst.Element)):
        node, parent = parent, codemod.get_metadata(ParentNodeProvider, parent, None)
    if not (isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1):
        return False
    target = parent.targets[0].target
    if not isinstance(target, cst.Name) or target.value not in program.variables:
        return False
    return node is call or target.value in program.containers


def _variable_helper_binding(codemod, program, call: cst.Call) -> str | None:  # noqa: ANN001
    """`w` for `w = helper(...)` at the top of the program where `helper` is a function of this file (defined once)
    whose body is a single `return tf.Variable(...)` (nlintz's `init_weights`): `w` is that variable."""
    if not isinstance(call.func, cst.Name):
        return None
    definitions = function_definitions(codemod.tree, call.func.value)
    if len(definitions) != 1 or definitions[0].decorators:
        return None
    body = definitions[0].body
    statements = [st for st in body.body if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Expr) and isinstance(st.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))]
    if len(statements) != 1 or not isinstance(statements[0], cst.SimpleStatementLine) or len(statements[0].body) != 1:
        return None
    returned = statements[0].body[0]
    if not isinstance(returned, cst.Return) or not isinstance(returned.value, cst.Call) or codemod.qualified_name(returned.value) != "tf.Variable":
        return None
    parent = codemod.get_metadata(ParentNodeProvider, call, None)
    if isinstance(parent, cst.Assign) and parent.value is call and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
        name = parent.targets[0].target.value
        if len(program.scope.assignments[name]) == 1:
            return name
    return None


def _program_calls(program) -> list[cst.Call]:  # noqa: ANN001
    """The calls of the program's own code, in source order: not those inside functions, classes or lambdas it defines."""
    nested = {id(call) for inner in find(program.block, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) if inner is not program.block for call in find(inner, cst.Call)}
    return [call for call in find(program.block, cst.Call) if id(call) not in nested]  # type: ignore[misc]


def check_not_empty(codemod, program) -> None:  # noqa: ANN001
    for saver in program.savers.values():
        unnamed = _unnamed_variables(codemod, program, saver)
        if unnamed is not None:
            raise _decline(
                saver.statement,
                f"the Saver saves every variable, also those `{source_of(unnamed)}` creates, which this rewrite cannot name in a "
                "`tf.train.Checkpoint` (a restore would silently leave them as initialised): list what to save by hand "
                "(the layers, modules or variables) in a `tf.train.Checkpoint`",
            )
        where = codemod.position(saver.statement)
        if not any(min(codemod.position(a.node) for a in program.scope.assignments[n]) < where for n in program.variables if program.scope.assignments[n]):
            raise _decline(saver.statement, "the Saver saves no variable created at the top level of this program (its variables come from layers or helpers, or do not exist yet): list what to save in a `tf.train.Checkpoint` by hand")
