"""What `tf.layers` / contrib layer calls become in a file left in graph mode (TFM260), where TF1 built them.

What it matches
    Helpers for `tf1_variables` (TFM230 / TFM237), used only on the second pass of a file that stays in graph
    mode (`FileRun.graph_mode`):
    - `shares_variables(code)`: whether the file shares variables between layer calls by name (`reuse=` other
      than None / False, `reuse_variables()`, `AUTO_REUSE`, or the `VariableStore` tf1_variables writes for them). Where it does not, each TF1 layer call made a new
      layer with new variables every time it ran while the graph was built; a Keras 3 layer built in the call
      (`tf.keras.layers.Dense(16)(x)`) does exactly that in v1 graph mode (measured: its variables are graph
      variables that `global_variables_initializer()` initialises and TF1 optimizers train), so call sites
      that cannot be proven to run once (inside a class, a loop, a function called several times) still run.
    - `graph_dropout(...)`: TF1's dropout as graph ops. Keras 3 `Dropout` cannot take a tensor `training` in v1
      graph mode (OperatorNotAllowedInGraphError) and with `training=True` it does not draw a new mask per
      `session.run`; `tf.nn.dropout` does, as TF1's `tf.layers.dropout` / `tf.contrib.layers.dropout` did
      (`smart_cond(training, nn.dropout(x, rate), identity(x))`). A training flag that is not a literal is
      folded into the rate: `tf.nn.dropout(x, rate=rate * tf.cast(training, tf.float32))` is the identity when
      the flag is false (rate 0 keeps every unit and scales by 1) and TF1's dropout when it is true.
Why
    A fix whose output crashes where the input ran is a bug: before this, such calls were left as they were and
    the fallback file stopped on `tf.layers` (gone under Keras 3).
"""

from __future__ import annotations

import re

import libcst as cst

# `VariableStore`: the store tf1_variables writes for `variable_scope` / `get_variable` keeps TF1's sharing by
# name; a file that has one (a second run over the tool's own output) is judged as the first run judged it
_SHARING = re.compile(r"\breuse\s*=\s*(?!None\b|False\b)|reuse_variables|AUTO_REUSE|\bVariableStore\b")


# The layer functions graph_contrib_layers writes pass their `reuse` parameter on: not sharing by themselves.
_WRITTEN = "(written by tf2migrate, TFM281)"  # graph_contrib_layers.MARK, as text: this helper module imports no codemod (a test keeps them equal)
_TOP_LEVEL = re.compile(r"(?m)^(?=\S)")


def shares_variables(code: str) -> bool:
    """True when the module may share layer variables by name (then a layer built in the call would not)."""
    if _WRITTEN in code:
        code = "".join(chunk for chunk in _TOP_LEVEL.split(code) if _WRITTEN not in chunk)
    return _SHARING.search(code) is not None


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space))


def _parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float)):
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def graph_dropout(
    tf: str, inputs: cst.BaseExpression, pairs: list[tuple[str, cst.BaseExpression]], default_training: str
) -> cst.Call:
    """`tf.nn.dropout` / `tf.identity` computing what TF1's dropout layer computed; `pairs` in Keras keywords
    (`rate`, `noise_shape`, `seed`, `training`, `name`). Raises ValueError for keywords it does not know."""
    given = dict(pairs)
    unknown = set(given) - {"rate", "noise_shape", "seed", "training", "name"}
    if unknown:
        raise ValueError(f"`{sorted(unknown)[0]}=` has no `tf.nn.dropout` counterpart")
    training = given.get("training", cst.parse_expression(default_training))
    text = cst.Module(body=[]).code_for_node(training)
    if text == "False":
        args = [cst.Arg(value=inputs)] + ([_kw("name", given["name"])] if "name" in given else [])
        return cst.Call(func=cst.parse_expression(f"{tf}.identity"), args=_commas(args))
    rate = given.get("rate", cst.Float("0.5"))
    if text != "True":
        cast = cst.Call(func=cst.parse_expression(f"{tf}.cast"), args=_commas([cst.Arg(value=training), cst.Arg(value=cst.parse_expression(f"{tf}.float32"))]))
        rate = cst.BinaryOperation(left=_parenthesized(rate), operator=cst.Multiply(), right=cast)
    args = [cst.Arg(value=inputs)]
    for key in ("noise_shape", "seed"):
        if key in given:
            args.append(_kw(key, given[key]))
    args.append(_kw("rate", rate))
    if "name" in given:
        args.append(_kw("name", given["name"]))
    return cst.Call(func=cst.parse_expression(f"{tf}.nn.dropout"), args=_commas(args))


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [arg.with_changes(comma=comma) for arg in args[:-1]] + args[-1:]
