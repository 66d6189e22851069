"""What a TF1 session configuration becomes in TF2 (TFM253's translation, for `graph_plumbing`).

Matches the configuration handed to a session factory that `graph_plumbing` removes:
`tf.Session(config=tf.ConfigProto(...))`, `tf.Session(config=config)` with `config` bound once to a
`tf.ConfigProto(...)`, and that name's `config.a.b = v` settings (`gpu_options` given as
`tf.GPUOptions(...)` included).

Writes nothing itself: it answers with the `tf.config` statements the options become (`allow_growth`
-> `set_memory_growth` for each GPU, placement, threading, hiding the GPUs) and a note for what is
dropped (`per_process_gpu_memory_fraction`), or None for any option without a known TF2 counterpart
or a config used in any other way. `GraphPlumbing._plan_configs` and the session planning decide what
to rewrite with the answer.

Why: eager TF2 has no session to configure; the process-wide `tf.config` calls are its counterpart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import ScopeProvider

from .names import dotted_name

if TYPE_CHECKING:
    from .graph_plumbing import GraphPlumbing


def session_config(visitor: GraphPlumbing, call: cst.Call) -> tuple[list[cst.BaseStatement], str] | None:
    """For a session factory call: the tf.config statements its config becomes (and a note), or None."""
    if visitor.qualified_name(call) == "keras.backend.get_session":
        return ([], "") if not call.args else None
    if not call.args:
        return [], ""
    if len(call.args) != 1 or call.args[0].keyword is None or call.args[0].keyword.value != "config":
        return None
    value = call.args[0].value
    if isinstance(value, cst.Call) and visitor.qualified_name(value) == "tf.ConfigProto":
        return translate_config(visitor, value, [])
    if isinstance(value, cst.Name) and named_config_translates(visitor, value):
        return [], ""  # a named config: rewritten with its own statements by _plan_configs
    return None


def named_config_translates(visitor: GraphPlumbing, name: cst.Name) -> bool:
    """True if `name` is bound once to a tf.ConfigProto whose options all have TF2 counterparts."""
    scope = visitor.get_metadata(ScopeProvider, name, None)
    if scope is None:
        return False
    for access in scope.accesses[name.value]:
        if access.node is not name:
            continue
        if len(access.referents) != 1:
            return False
        statement = visitor._statement_of(next(iter(access.referents)).node)
        if not (isinstance(statement, cst.Assign) and visitor.qualified_name(statement.value) == "tf.ConfigProto"):
            return False
        found = config_settings(visitor, statement, allow_session_args=True)
        return found is not None and translate_config(visitor, statement.value, [(p, v) for _, p, v in found]) is not None  # type: ignore[arg-type]
    return False


def config_settings(visitor: GraphPlumbing, assign: cst.Assign, allow_session_args: bool, consumed: set[cst.CSTNode] | None = None,
                     sessions: list[cst.Call] | None = None) -> list[tuple[cst.Assign, str, cst.BaseExpression]] | None:
    """`config.a.b = v` settings of a named ConfigProto; None if it is used any other way."""
    name = dotted_name(assign.targets[0].target)
    uses = visitor._handle_uses(assign)
    if uses is None:
        return None
    settings = []
    for use in uses:
        statement = visitor._statement_of(use)
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and rooted_at(statement.targets[0].target, use):
            settings.append((statement, dotted_name(statement.targets[0].target)[len(name) + 1 :], statement.value))
            continue
        arg = visitor._parent(use)
        call = visitor._parent(arg) if isinstance(arg, cst.Arg) else None
        if isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value == "config" and isinstance(call, cst.Call):
            if (allow_session_args and visitor.qualified_name(call) == "tf.Session") or (consumed is not None and call in consumed):
                if sessions is not None:
                    sessions.append(call)
                continue
        return None
    return settings


def rooted_at(target: cst.CSTNode, use: cst.CSTNode) -> bool:
    node = target
    while isinstance(node, cst.Attribute):
        if node.value is use:
            return True
        node = node.value
    return False


def translate_config(
    visitor: GraphPlumbing, proto: cst.Call, settings: list[tuple[str, cst.BaseExpression]]
) -> tuple[list[cst.BaseStatement], str] | None:
    """ConfigProto(...) keywords plus `config.a.b = v` settings -> tf.config statements; None if unknown."""
    options: list[tuple[str, cst.BaseExpression]] = []
    for arg in proto.args:
        if arg.keyword is None:
            return None
        key = arg.keyword.value
        if key == "gpu_options":
            if not (isinstance(arg.value, cst.Call) and visitor.qualified_name(arg.value) == "tf.GPUOptions"):
                return None
            for inner in arg.value.args:
                if inner.keyword is None:
                    return None
                options.append((f"gpu_options.{inner.keyword.value}", inner.value))
        else:
            options.append((key, arg.value))
    options.extend(settings)
    tf = visitor._tf_alias()
    code: list[str] = []
    notes: list[str] = []
    for key, value in options:
        source = cst.Module(body=[]).code_for_node(value)
        if key == "gpu_options.allow_growth":
            if source == "True":
                code.append(f'for gpu in {tf}.config.list_physical_devices("GPU"):\n    {tf}.config.experimental.set_memory_growth(gpu, True)\n')
            elif source != "False":
                return None
        elif key == "gpu_options.per_process_gpu_memory_fraction":
            notes.append(f"`per_process_gpu_memory_fraction={source}` dropped (no fraction setting in TF2; use "
                         "`tf.config.set_logical_device_configuration` with a `memory_limit` if needed)")
        elif key == "log_device_placement":
            code.append(f"{tf}.debugging.set_log_device_placement({source})\n")
        elif key == "allow_soft_placement":
            code.append(f"{tf}.config.set_soft_device_placement({source})\n")
        elif key in ("intra_op_parallelism_threads", "inter_op_parallelism_threads"):
            code.append(f"{tf}.config.threading.set_{key[: -len('_threads')]}_threads({source})\n")
        elif key == "device_count" and source.replace(" ", "") in ('{"GPU":0}', "{'GPU':0}"):
            code.append(f'{tf}.config.set_visible_devices([], "GPU")\n')
        else:
            return None
    config = visitor.tree.config_for_parsing if visitor.tree is not None else cst.PartialParserConfig()
    statements = [cst.parse_statement(line, config=config) for line in dict.fromkeys(code)]
    return statements, ("; " + "; ".join(notes) if notes else "")