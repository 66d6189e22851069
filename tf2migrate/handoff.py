"""The tree the engine hands to the next codemod after one changed the file: the module's changed top-level
statements parsed again from their own text, the others kept as they were.

A codemod's output tree cannot be handed on as it is: metadata is keyed by node, so a node object placed
twice (a transformer that put `node.value` in two places) gets one position, parent and scope, and a rule
may build node shapes the parser never produces (a `Name` holding `a.b`, default commas, whitespace owned
by another node), which later rules would see where a parse of the same text gives them something else.
Parsing the whole output again (what the engine did) settles both, at ~0.19 ms a line, once for every
codemod that changes the file. A codemod changes a few statements: here only the top-level statements
that are not the very objects of the tree it was given are rendered and parsed again, and spliced between
the kept ones. What is handed on is then made of parsed nodes only, every node once (a kept statement is
a subtree of the given tree, which had no shared node; each kept statement occurs once), and it equals what
parsing the whole text gives: the few places where a statement's parse depends on the statement before or
after it are checked (the comment lines between them, the module's header and footer, the module's
indentation and line ending), and where that is not certain the whole text is parsed, as before.

With the environment variable TF2MIGRATE_CHECK_HANDOFF set (tests; off in production) every handed-on
tree is also compared with a parse of the whole text (`deep_equals`, same rendering, no shared node).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState

from tf2migrate.traversal import KINDS, NODE, SEQUENCE, value_kind

CHECK_VARIABLE = "TF2MIGRATE_CHECK_HANDOFF"

# How the module's trees were made (counted for `bench/` and the tests): whole-text parses and spliced ones.
COUNTS = {"whole": 0, "spliced": 0, "parsed_lines": 0}


def handed_on(before: cst.Module, after: cst.Module, text: str | None, parse: Callable[[str], cst.Module]) -> cst.Module:
    """The tree `parse(after.code)` gives, made from `after` (a codemod's output for the tree `before`) by
    parsing only its changed top-level statements. `text`: `after.code` when the caller has it rendered;
    `parse`: the whole-text parse (it raises for a text that does not parse)."""
    spliced = _splice(before, after)
    if spliced is None:
        if text is None:
            text = after.code
        COUNTS["whole"] += 1
        COUNTS["parsed_lines"] += text.count("\n")
        tree = parse(text)
    else:
        COUNTS["spliced"] += 1
        tree = spliced
    if os.environ.get(CHECK_VARIABLE):
        check(tree, text if text is not None else after.code, parse)
    return tree


def check(tree: cst.Module, text: str, parse: Callable[[str], cst.Module]) -> None:
    """Raise AssertionError unless `tree` is what parsing `text` gives, with every node object once."""
    if tree.code != text:
        raise AssertionError("handed-on tree does not render as the codemod's output")
    if not tree.deep_equals(parse(text)):
        raise AssertionError("handed-on tree differs from a parse of the codemod's output")
    shared = first_shared_node(tree)
    if shared is not None:
        raise AssertionError(f"handed-on tree holds one {type(shared).__name__} object twice")


def first_shared_node(tree: cst.CSTNode) -> cst.CSTNode | None:
    """A node object that occurs twice in `tree`, or None."""
    seen: set[int] = set()
    stack: list[cst.CSTNode] = [tree]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return node
        seen.add(id(node))
        for name in _fields(type(node)):
            child = getattr(node, name)
            kind = KINDS.get(type(child)) or value_kind(child)
            if kind == NODE:
                stack.append(child)
            elif kind == SEQUENCE:
                stack.extend(item for item in child if (KINDS.get(type(item)) or value_kind(item)) == NODE)
    return None


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def _same(first: Sequence[object], second: Sequence[object]) -> bool:
    return len(first) == len(second) and all(a is b for a, b in zip(first, second))


def _splice(before: cst.Module, after: cst.Module) -> cst.Module | None:
    """`after` with its new top-level statements replaced by their parse; None where a parse of the whole
    text might give something else (or a statement's own text does not parse)."""
    if (
        after.default_indent != before.default_indent
        or after.default_newline != before.default_newline
        or after.has_trailing_newline != before.has_trailing_newline
        or after.encoding != before.encoding
        or not _same(after.header, before.header)
        or not _same(after.footer, before.footer)
        or not before.body
        or not after.body
    ):
        return None
    body = list(after.body)
    kept = {id(statement): index for index, statement in enumerate(before.body)}
    if len({id(statement) for statement in body}) != len(body):
        return None
    runs: list[tuple[int, int]] = []  # [start, end) of the consecutive new statements
    for index, statement in enumerate(body):
        old_index = kept.get(id(statement))
        if old_index is None:
            if runs and runs[-1][1] == index:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
        elif index == 0:
            if old_index != 0 and getattr(statement, "leading_lines", ()):
                return None  # first now: a parse gives its leading lines to the module's header
        elif old_index == 0 or before.body[old_index - 1] is body[index - 1]:
            continue  # the same statement before it as in the parsed text (or no leading lines: it was first)
        elif _owns_indented_lines(body[index - 1], statement):
            return None  # another statement before it now: an indented comment line might be that one's
    for start, end in runs:
        statements = _parse_run(after, body, start, end)
        if statements is None:
            return None
        body[start:end] = statements
    return after.with_changes(body=body) if runs else after


def _owns_indented_lines(previous: cst.CSTNode, statement: cst.CSTNode) -> bool:
    """True when `statement` follows a compound statement and has a leading line with indentation (which
    a parse might give to the compound statement's block instead)."""
    if isinstance(previous, cst.SimpleStatementLine):
        return False
    return any(line.whitespace.value for line in getattr(statement, "leading_lines", ()))


def _parse_run(module: cst.Module, body: list[cst.CSTNode], start: int, end: int) -> list[cst.CSTNode] | None:
    """The parse of the statements `body[start:end]`, in the context the whole text gives them."""
    if start and _owns_indented_lines(body[start - 1], body[start]):
        return None
    if end < len(body):
        trailer: Sequence[cst.EmptyLine] = getattr(body[end], "leading_lines", ())
    elif module.has_trailing_newline:
        trailer = module.footer
    else:
        return None  # the text's last newline is not there: leave that to the whole parse
    newline = module.default_newline
    state = CodegenState(default_indent=module.default_indent, default_newline=newline)
    if start:
        # A first block indented by the module's indentation: the parser takes its default indentation (and
        # so which blocks record an indentation of their own) from the first indented line.
        state.add_token(f"if 1:{newline}{module.default_indent}pass{newline}")
    else:
        for line in module.header:
            line._codegen(state)  # noqa: SLF001
    for statement in body[start:end]:
        statement._codegen(state)  # noqa: SLF001
    for line in trailer:
        line._codegen(state)  # noqa: SLF001
    text = "".join(state.tokens)
    try:
        parsed = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return None
    COUNTS["parsed_lines"] += text.count("\n")
    if (
        parsed.default_indent != module.default_indent
        or parsed.default_newline != newline
        or len(parsed.footer) != len(trailer)
    ):
        return None
    if not start:
        # all the leading lines of the first statement are the header's in a parse
        return list(parsed.body) if len(parsed.header) == len(module.header) and len(parsed.body) == end else None
    opening = parsed.body[0] if parsed.body else None
    if (
        parsed.header
        or len(parsed.body) != 1 + end - start
        or not isinstance(opening, cst.If)
        or not isinstance(opening.body, cst.IndentedBlock)
        or opening.body.footer
    ):
        return None
    return list(parsed.body[1:])
