"""Small node builders shared by the rules, so rewrites look alike and read like hand-written code."""

from __future__ import annotations

import libcst as cst


def source_of(node: cst.CSTNode) -> str:
    """The source code of `node` alone, as LibCST renders it (default module settings)."""
    return cst.Module(body=[]).code_for_node(node)


def dotted(name: str) -> cst.Name | cst.Attribute:
    """'tf.keras.optimizers.Adam' -> the Attribute chain that spells it."""
    parts = name.split(".")
    node: cst.Name | cst.Attribute = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=value` (no spaces around '=', as PEP 8 wants for keyword arguments)."""
    return cst.Arg(value=value, keyword=cst.Name(name))


def call(func: str | cst.BaseExpression, *args: cst.BaseExpression | cst.Arg, **kwargs: cst.BaseExpression) -> cst.Call:
    """Build `func(args..., key=value...)`; `func` may be a dotted string."""
    callee = dotted(func) if isinstance(func, str) else func
    arguments = [a if isinstance(a, cst.Arg) else cst.Arg(value=a) for a in args]
    arguments.extend(keyword(name, value) for name, value in kwargs.items())
    return cst.Call(func=callee, args=with_commas(arguments))


def with_commas(arguments: list[cst.Arg]) -> list[cst.Arg]:
    """Normalise separators: ', ' between arguments, none after the last."""
    result = []
    for index, argument in enumerate(arguments):
        last = index == len(arguments) - 1
        comma = cst.MaybeSentinel.DEFAULT if last else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        result.append(argument.with_changes(comma=comma))
    return result


def expression(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


def statement(code: str, module: cst.Module | None = None) -> cst.BaseStatement:
    """Parse one statement with the module's indentation and newline conventions."""
    config = module.config_for_parsing if module is not None else cst.PartialParserConfig()
    return cst.parse_statement(code, config=config)


def pass_statement() -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(body=[cst.Pass()])


def docstring_has(node: cst.ClassDef | cst.FunctionDef, mark: str) -> bool:
    """True when `node`'s docstring contains `mark`: how a rule recognises the classes and functions it wrote
    into a file (graph_shared_layers, graph_rnn_cells)."""
    docstring = node.get_docstring(clean=False)
    return docstring is not None and mark in docstring
