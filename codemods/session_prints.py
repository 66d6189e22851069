"""Graph names given to `print` in a Session program, for the Session rewrite (codemods/sessions.py).

What it matches
    `print(dot_operation)` / `print(X, W, d_l1, d_w)` / `print("W:", W1)` at the top level of a Session
    program (the module or the function that opens the Session), where an argument is a graph name of the
    program (a placeholder, a tensor or a variable) given as it is, and every argument is a name or a
    literal (nothing else that the rewrite might have to edit).

What it writes
    - a tensor or placeholder argument becomes the string literal `'<TF1 graph tensor dot_operation>'`;
    - a variable argument stays: eager code prints the same `tf.Variable` object.
    One finding (TFM278) per print says what the line now prints instead of TF1's text.

Why
    TF1 printed the symbolic tensor, `Tensor("MatMul:0", shape=(1, 1), dtype=int32)`: its op name in the
    graph (given by creation order), the static shape with `?` for unknown sizes, the dtype; tutorials do it
    to show that building the graph computes nothing ("wrong! no result"). Eager code has no symbolic tensor
    there: a tensor that depends on placeholders is a function of its feeds and has no value at that point,
    and evaluating the others once more to describe them would also run their random ops again (changing the
    numbers printed afterwards). The tool cannot know the op name or the inferred static shape without
    TensorFlow, so it prints a fixed description instead of inventing one: the line stays (the output keeps
    its lines), says which graph name TF1 printed, and computes nothing. A variable is the same object in
    eager code: its repr keeps the name, shape and dtype (`float32`, not TF1's `float32_ref`) and adds its
    current value (`numpy=...`), the initial value at that point of the program.
    Anything else in the print (a call, an expression over graph names) keeps the program in graph mode
    (TFM214), as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from tf2migrate.findings import FixKind

from .base import Rule

PRINTS = Rule(
    code="TFM278",
    name="graph-name-printed",
    fix=FixKind.SAFE,
    summary="A graph tensor given to `print` in a converted Session program: a fixed description is printed (TF1 printed the symbolic tensor).",
    explanation="""
        Part of the Session rewrite (TFM201). TF1 printed a graph tensor given to `print` as the symbolic
        tensor, `Tensor("MatMul:0", shape=(1, 1), dtype=int32)` (op name, static shape, dtype), and no
        value. Eager code has no symbolic tensor: a tensor fed by placeholders has no value at that point,
        and computing the others once more would run their random ops again. The argument becomes the
        string `'<TF1 graph tensor NAME>'` (the line stays, nothing is computed; the op name and the
        static shape TF1 inferred are not known without TensorFlow, so none are invented). A variable
        argument stays: eager code prints the same `tf.Variable`, whose repr shows its name, shape and
        dtype and now also its current value. Only a print whose arguments are names and literals is
        rewritten; any other print of a graph name keeps the program in graph mode (TFM214). Each
        rewritten print is reported: its output line differs from TF1's.
    """,
    before="""
        m1 = tf.constant([[2, 2]])
        m2 = tf.constant([[3], [3]])
        dot_operation = tf.matmul(m1, m2)
        print(dot_operation)
        with tf.Session() as sess:
            print(sess.run(dot_operation))
    """,
    after="""
        m1 = tf.constant([[2, 2]])
        m2 = tf.constant([[3], [3]])
        def dot_operation():
            return tf.matmul(m1, m2)
        print('<TF1 graph tensor dot_operation>')
        print(dot_operation())
    """,
)

RULES = (PRINTS,)


@dataclass
class Printed:
    """One `print(...)` call of the program that names graph values."""

    call: cst.Call
    names: dict[int, str]  # id(Name argument) -> the graph name (tensors and placeholders: replaced)
    variables: list[str]  # variable arguments, kept


def _print_call(codemod, node: cst.Name) -> cst.Call | None:  # noqa: ANN001
    argument = codemod.get_metadata(ParentNodeProvider, node, None)
    call = codemod.get_metadata(ParentNodeProvider, argument, None) if isinstance(argument, cst.Arg) else None
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "print" and argument.value is node:  # type: ignore[union-attr]
        return call
    return None


def _plain(argument: cst.Arg) -> bool:
    """A name or a literal given positionally, or `sep=`/`end=`/`file=sys.stderr`/`flush=`: nothing the
    Session rewrite edits."""
    if argument.star:
        return False
    if argument.keyword is not None:
        if argument.keyword.value == "file":
            return m.matches(argument.value, m.Name() | m.Attribute(value=m.Name(), attr=m.Name()))
        return argument.keyword.value in ("sep", "end", "flush") and isinstance(argument.value, (cst.Name, cst.SimpleString))
    return isinstance(argument.value, (cst.Name, cst.SimpleString, cst.Integer, cst.Float))


def take(codemod, program, name: str, node: cst.Name, top_level: bool, prints: dict[int, Printed]) -> bool:  # noqa: ANN001
    """`node` (a use of the graph name `name`, `top_level` when it is in the program's own scope) is an argument
    of a print this rule rewrites: record it in `prints` (keyed by the print call) and claim it. False when
    the rule does not take it (the Session rewrite then declines, TFM214)."""
    call = _print_call(codemod, node)
    if call is None or not top_level or not all(_plain(a) for a in call.args):
        return False
    if name not in program.variables and name not in program.tensors and name not in program.placeholders:
        return False
    if not codemod.enabled(PRINTS.code) or codemod.run.is_suppressed(PRINTS.code, codemod.position(call)[0]):
        return False
    entry = prints.setdefault(id(call), Printed(call, {}, []))
    if name in program.variables:
        entry.variables.append(name)
    else:
        entry.names[id(node)] = name
    program.claimed.add(id(node))
    return True


def shape_printed(codemod, statement: cst.SimpleStatementLine, use: cst.CSTNode) -> bool:  # noqa: ANN001
    """`print(hypothesis.shape, Y.shape)`: a top-level print statement of which `use` (a graph name's `.shape`
    / `.get_shape()`) is an argument as it is, the others being shape uses, names or literals. The Session
    rewrite computes those static shapes as for an `assert` (session_contexts.plan_static_shapes); `plan`
    reports the print (TF2's `TensorShape` prints an unknown size as `None` where TF1 printed `?`)."""
    small = statement.body[0]
    call = small.value if isinstance(small, cst.Expr) else None
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "print"):
        return False
    if not any(argument.value is use and argument.keyword is None for argument in call.args):
        return False
    if not all(_plain(argument) or _shape_use(argument.value) for argument in call.args):
        return False
    return codemod.enabled(PRINTS.code) and not codemod.run.is_suppressed(PRINTS.code, codemod.position(call)[0])


def _shape_use(value: cst.BaseExpression) -> bool:
    return m.matches(value, m.Attribute(value=m.Name(), attr=m.Name("shape")) | m.Call(func=m.Attribute(value=m.Name(), attr=m.Name("get_shape")), args=[]))


def description(name: str) -> str:
    return f"<TF1 graph tensor {name}>"


def plan(codemod, program) -> None:  # noqa: ANN001
    """Each recorded print: its tensor arguments replaced by their description, and a finding; each print of
    static shapes (rewritten with the asserts by session_contexts), a finding."""
    for statement, uses in program.static_shapes.values():
        small = statement.body[0]
        if isinstance(small, cst.Expr):
            shown = ", ".join(f"`{name}`" for name, _ in uses)
            codemod.offer_fix(small.value, PRINTS.code, f"the static shape of {shown} is now computed by TF2's shape inference and prints unknown sizes as `None` (TF1 printed `?`)")
    prints: dict[int, Printed] = program.prints
    for entry in sorted(prints.values(), key=lambda e: codemod.position(e.call)):
        arguments = [
            argument.with_changes(value=cst.SimpleString(repr(description(entry.names[id(argument.value)]))))
            if id(argument.value) in entry.names else argument
            for argument in entry.call.args
        ]
        parts = []
        if entry.names:
            shown = ", ".join(f"`{n}`" for n in dict.fromkeys(entry.names.values()))
            parts.append(f"{shown} now printed as `{description('NAME')}` (TF1 printed the symbolic tensor: op name, static shape, dtype; eager code has no value there)")
        if entry.variables:
            shown = ", ".join(f"`{n}`" for n in dict.fromkeys(entry.variables))
            parts.append(f"the variable{'s' if len(set(entry.variables)) > 1 else ''} {shown} print{'' if len(set(entry.variables)) > 1 else 's'} as the eager `tf.Variable`, with its current value (TF1 printed no value)")
        codemod.offer_fix(entry.call, PRINTS.code, "this print's output differs from TF1's: " + "; ".join(parts))
        if entry.names:
            codemod.edits.expressions[id(entry.call)] = entry.call.with_changes(args=arguments)
