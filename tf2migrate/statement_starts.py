"""Where each statement of a module starts: its first line (leading comment and empty lines included) and the
indentation tokens in force there. Positions of findings are computed one statement at a time from these
(`tf2migrate.metadata.Positions`), and the text of a parsed module is cut into its top-level statements' texts
with them (`tf2migrate.handoff`).

For a module whose text and CPython `ast` are known (`tf2migrate.module_text`), the starts come from the
`ast`'s line numbers without rendering anything (`starts_from_ast`); otherwise from one plain rendering
(`rendered_statement_starts`). The tests compare the two.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst
from libcst._add_slots import add_slots
from libcst._nodes.internal import CodegenState
from libcst.metadata.position_provider import NEWLINE_RE as _NEWLINE

from tf2migrate.module_text import known_ast, known_text


@add_slots
@dataclass(frozen=False)
class _StatementStartsState(CodegenState):
    """A plain rendering that notes, for every statement, the line it starts on and the indentation
    tokens in force there (line breaks counted token by token, as the tracking state counts them)."""

    starts: dict[cst.CSTNode, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    line: int = 1

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            self.line += len(_NEWLINE.findall(value))

    def before_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, _STATEMENTS):
            self.starts[node] = (self.line, tuple(self.indent_tokens))


# Statements whose code starts a line of its own and does not depend on what encloses it. An `elif`
# is an `If` that its parent renders with another keyword: it is not one of them.
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


def statement_starts(module: cst.Module) -> dict[cst.CSTNode, tuple[int, tuple[str, ...]]]:
    python = known_ast(module)
    if python is not None:
        starts = starts_from_ast(module, python, known_text(module) or "")
        if starts is not None:
            return starts
    return rendered_statement_starts(module)


def rendered_statement_starts(module: cst.Module) -> dict[cst.CSTNode, tuple[int, tuple[str, ...]]]:
    state = _StatementStartsState(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)  # noqa: SLF001
    starts = state.starts
    for node in list(starts):
        if isinstance(node, cst.If) and isinstance(node.orelse, cst.If):
            starts.pop(node.orelse, None)  # `elif`
    return starts


def starts_from_ast(module: cst.Module, python: ast.Module, text: str) -> dict[cst.CSTNode, tuple[int, tuple[str, ...]]] | None:
    """`rendered_statement_starts` for a module parsed from `text`, without rendering it.

    `python`, CPython's `ast` of the same text, gives the line of each statement's first token (of its first decorator,
    for a decorated definition), in the same order as the tree's statements (depth first, in source order).
    A statement starts that many lines earlier as it has leading empty / comment lines (one line each); its
    indentation is the stack of the enclosing blocks' indents. None when the two do not line up (then the
    module is rendered)."""
    lines = _ast_statement_lines(python.body)
    text_lines: list[str] | None = None
    starts: dict[cst.CSTNode, tuple[int, tuple[str, ...]]] = {}
    position = 0
    default_indent = module.default_indent
    # items: (node, indentation in force, is an `elif`), or the number of a suite's small statements to skip
    pending: list = [(node, (), False) for node in reversed(module.body)]
    while pending:
        item = pending.pop()
        if isinstance(item, int):
            position += item
            continue
        node, indent, elif_ = item
        if position >= len(lines):
            return None
        if isinstance(node, cst.SimpleStatementLine):
            starts[node] = (lines[position] - len(node.leading_lines), indent)
            position += len(node.body)
            continue
        if not isinstance(node, cst.BaseCompoundStatement):
            return None
        first = lines[position]
        position += 1
        if not elif_:
            decorators = getattr(node, "decorators", ())
            if decorators:
                if text_lines is None:
                    text_lines = text.splitlines()
                if not (0 < first <= len(text_lines) and text_lines[first - 1].lstrip().startswith("@")):
                    return None  # `@(` with the expression on the next line: ast's line is not the `@`'s
                first -= len(decorators[0].leading_lines)
            starts[node] = (first - len(node.leading_lines), indent)
        children: list = []
        outer = indent
        if isinstance(node, cst.Match):  # the `case` lines are indented inside the `match`
            outer = (*indent, default_indent if node.indent is None else node.indent)
        for block in _blocks(node):
            if isinstance(block, cst.If):
                children.append((block, indent, True))
            elif isinstance(block, cst.IndentedBlock):
                inner = (*outer, default_indent if block.indent is None else block.indent)
                children.extend((child, inner, False) for child in block.body)
            elif isinstance(block, cst.SimpleStatementSuite):  # `if x: y; z`: ast statements, not the tree's
                children.append(len(block.body))
            else:
                return None
        pending.extend(reversed(children))
    if position != len(lines):
        return None
    return starts


def _blocks(node: cst.BaseCompoundStatement) -> list[cst.CSTNode]:
    """The bodies of a compound statement in source order (an `elif` is its `If`)."""
    if isinstance(node, cst.If):
        blocks: list[cst.CSTNode] = [node.body]
        if isinstance(node.orelse, cst.If):
            blocks.append(node.orelse)
        elif node.orelse is not None:
            blocks.append(node.orelse.body)
        return blocks
    if isinstance(node, (cst.Try, cst.TryStar)):
        blocks = [node.body, *(handler.body for handler in node.handlers)]
        if node.orelse is not None:
            blocks.append(node.orelse.body)
        if node.finalbody is not None:
            blocks.append(node.finalbody.body)
        return blocks
    if isinstance(node, (cst.For, cst.While)):
        return [node.body] if node.orelse is None else [node.body, node.orelse.body]
    if isinstance(node, cst.Match):
        return [case.body for case in node.cases]
    return [node.body]  # FunctionDef, ClassDef, With


def _ast_statement_lines(body: list[ast.stmt]) -> list[int]:
    """The first line of every statement, depth first in source order (a decorated definition: its first
    decorator's line)."""
    lines: list[int] = []
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        decorators = getattr(statement, "decorator_list", None)
        lines.append(decorators[0].lineno if decorators else statement.lineno)
        children: list[ast.stmt] = []
        if isinstance(statement, ast.If):
            children = [*statement.body, *statement.orelse]
        elif isinstance(statement, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            children = [*statement.body, *(s for h in statement.handlers for s in h.body), *statement.orelse, *statement.finalbody]
        elif isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
            children = [*statement.body, *statement.orelse]
        elif isinstance(statement, ast.Match):
            children = [s for case in statement.cases for s in case.body]
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith)):
            children = list(statement.body)
        pending.extend(reversed(children))
    return lines
