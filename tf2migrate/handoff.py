"""The tree the engine hands to the next codemod after one changed the file: the changed statements parsed
again from their own text, the others kept as they were.

A codemod's output tree cannot be handed on as it is: metadata is keyed by node, so a node object placed
twice (a transformer that put `node.value` in two places) gets one position, parent and scope, and a rule
may build node shapes the parser never produces (default commas, whitespace owned by another node, a
`Comment` or whitespace holding a line break and code), which later rules would see where a parse of the same
text gives them something else. Parsing the whole output again (what the engine did)
settles both, at ~0.19 ms a line, once for every codemod that changes the file. A codemod changes a few
statements. Here, body by body (the module's, then the blocks of compound statements of which only the
block changed), a statement that is the very object of the tree the codemod was given is kept; a new one
that renders as the statement it replaces is that statement; a compound statement whose other fields are
the given one's is kept with its block spliced the same way; the other statements are rendered and parsed
on their own, below `if 1:` lines indented as the enclosing blocks. What is handed on is then made of
parsed nodes only, every node once (kept nodes are subtrees of the given tree, which had no shared node,
each used once), and it equals what parsing the whole text gives: the places where a statement's parse
depends on what is around it are checked (the comment lines between statements and which block they go
to, the module's header and footer, its indentation and line ending), and where that is not certain the
whole text is parsed, as before. Every changed statement having been parsed, the text parses (and
`engine._Pass._finish` compiles the last one).

The codemod's output is rendered the same way (`rendered`): the text of the top-level statements it kept is
known from the tree it was given, only the new statements are rendered.

With the environment variable TF2MIGRATE_CHECK_HANDOFF set (tests; off in production) every handed-on
tree is also compared with a parse of the whole text (`deep_equals`, same rendering, no shared node), and
every text `rendered` makes with the module's whole rendering. `bench/handoff.py` runs that check over a
folder and counts the lines parsed.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from difflib import SequenceMatcher
from collections.abc import Callable, Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata.position_provider import NEWLINE_RE

from tf2migrate.module_text import known_ast, known_text
from tf2migrate.statement_starts import starts_from_ast
from tf2migrate.traversal import KINDS, NODE, SEQUENCE, value_kind

CHECK_VARIABLE = "TF2MIGRATE_CHECK_HANDOFF"

# How the module's trees were made (counted for `bench/` and the tests): whole-text parses and spliced ones.
COUNTS = {"whole": 0, "spliced": 0, "parsed_lines": 0}


def handed_on(before: cst.Module, after: cst.Module, text: str | None, parse: Callable[[str], cst.Module]) -> cst.Module:
    """The tree `parse(after.code)` gives, made from `after` (a codemod's output for the tree `before`) by
    parsing only its changed statements. `text`: `after.code` when the caller has it rendered;
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
        for entry in _PIECES:
            if entry[0] is after:  # its statements' texts (`rendered`) are the handed-on tree's
                _note(tree, entry[1])
                break
    if os.environ.get(CHECK_VARIABLE):
        check(tree, text if text is not None else after.code, parse)
    return tree


# [module, (header text, text of each top-level statement, footer text)], most recent first: the pieces of the
# last trees handed on (or rendered by `rendered`), whose statements the next codemod's output mostly keeps.
_PIECES: list[list] = []
_KEEP = 3


def rendered(before: cst.Module, before_text: str, after: cst.Module) -> str:
    """`after.code` (`after`: a codemod's output for the tree `before` of the text `before_text`), with only
    the top-level statements that are not `before`'s rendered (the others' text is `before`'s, kept from
    the last time or rendered once here)."""
    known = None
    if (
        after.has_trailing_newline
        and after.body
        and after.default_indent == before.default_indent
        and after.default_newline == before.default_newline
        and _same(after.header, before.header)
        and _same(after.footer, before.footer)
    ):
        known = _pieces(before, before_text)
    if known is None:
        return after.code
    head, pieces, tail = known
    kept = {id(statement): index for index, statement in enumerate(before.body)}
    texts = [pieces[kept[id(s)]] if id(s) in kept else after.code_for_node(s) for s in after.body]
    _note(after, (head, texts, tail))
    text = head + "".join(texts) + tail
    if os.environ.get(CHECK_VARIABLE) and text != after.code:
        raise AssertionError("a module's text made of its statements' texts is not its rendering")
    return text


def _pieces(module: cst.Module, text: str) -> tuple[str, list[str], str] | None:
    for entry in _PIECES:
        if entry[0] is module:
            return entry[1]
    if not module.has_trailing_newline or not module.body:
        return None
    head = "".join(module.code_for_node(line) for line in module.header)
    tail = "".join(module.code_for_node(line) for line in module.footer)
    pieces = _cut(module, text, head, tail)
    if pieces is None:
        pieces = [module.code_for_node(statement) for statement in module.body]
    elif os.environ.get(CHECK_VARIABLE) and pieces != [module.code_for_node(statement) for statement in module.body]:
        raise AssertionError("a module's text cut at its statements' starts is not its statements' renderings")
    if head + "".join(pieces) + tail != text:
        return None
    _note(module, (head, pieces, tail))
    return head, pieces, tail


def _cut(module: cst.Module, text: str, head: str, tail: str) -> list[str] | None:
    """The texts of the top-level statements of `module`, a parse of `text`, cut out of `text` at the lines
    where they start (known from CPython's `ast` of the text, `statement_starts.starts_from_ast`), instead of
    rendering every statement; None when the starts are not known that way or do not line up with the
    header and footer."""
    python = known_ast(module)
    if python is None or known_text(module) != text:
        return None
    starts = starts_from_ast(module, python, text)
    if starts is None:
        return None
    offsets = [0]  # offsets[n - 1]: where line n starts (lines end as LibCST ends them)
    offsets.extend(match.end() for match in NEWLINE_RE.finditer(text))
    try:
        cuts = [offsets[starts[statement][0] - 1] for statement in module.body]
    except (KeyError, IndexError):
        return None
    cuts.append(len(text) - len(tail))
    if cuts[0] != len(head) or any(later <= earlier for earlier, later in zip(cuts, cuts[1:])):
        return None
    return [text[start:end] for start, end in zip(cuts, cuts[1:])]


def _note(module: cst.Module, pieces: tuple[str, list[str], str]) -> None:
    _PIECES[:] = [[module, pieces], *(entry for entry in _PIECES if entry[0] is not module)][:_KEEP]


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
    """`after` with its new statements replaced by their parse; None where a parse of the whole text might
    give something else (or a statement's own text does not parse)."""
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
    texts = (_known_pieces(before), _known_pieces(after))
    body = _splice_body(after, before.body, after.body, _Level((), (), after.footer, True, True), texts)
    if body is None:
        return None
    return after if _same(body, after.body) else after.with_changes(body=body)


@dataclass(frozen=True)
class _Level:
    """Where a body of statements is: the module's, or an indented block's."""

    blocks: tuple[str | None, ...]  # the `indent` of each enclosing IndentedBlock, outermost first
    indents: tuple[str, ...]  # what each of them indents by
    end_lines: Sequence[cst.EmptyLine]  # the lines after the last statement that are the body's: its footer
    module: bool  # the module's own body
    clean_after: bool  # no line after this body (before the next statement) is indented more than its line


def _splice_body(
    module: cst.Module, before: Sequence[cst.CSTNode], after: Sequence[cst.CSTNode], level: _Level, texts: tuple[list[str] | None, list[str] | None] = (None, None)
) -> list[cst.CSTNode] | None:
    """`after` (a codemod's statements of one body; `before`: the given tree's) with every statement that is
    not one of `before` replaced by the statement it replaces when it renders the same, by the same statement
    with its changed block spliced, or by its parse. `texts`: the statements' texts where known."""
    body = list(after)
    kept = {id(statement): index for index, statement in enumerate(before)}
    present = {id(statement) for statement in body}
    if len(present) != len(body):
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
            if level.module and old_index != 0 and getattr(statement, "leading_lines", ()):
                return None  # first now: a parse gives its leading lines to the module's header
        elif (old_index == 0 and level.module) or before[old_index - 1] is body[index - 1]:
            continue  # the same statement before it as in the parsed text (or no leading lines: it was first)
        elif _owns_indented_lines(body[index - 1], statement):
            return None  # another statement before it now: an indented comment line might be that one's
    for start, end in reversed(runs):
        spliced = _spliced_run(module, before, body, kept, present, start, end, level, texts)
        statements: list[cst.CSTNode] = []
        offset = 0
        while offset < end - start:
            statement = spliced[offset]
            if statement is not None:
                statements.append(statement)
                offset += 1
                continue
            stop = offset + 1  # the statements that are not spliced are parsed, consecutive ones together
            while stop < end - start and spliced[stop] is None:
                stop += 1
            parsed = _parse_run(module, body, start + offset, start + stop, level)
            if parsed is None:
                return None
            statements.extend(parsed)
            offset = stop
        body[start:end] = statements
    return body


def _spliced_run(
    module: cst.Module,
    before: Sequence[cst.CSTNode],
    body: list[cst.CSTNode],
    kept: dict[int, int],
    present: set[int],
    start: int,
    end: int,
    level: _Level,
    texts: tuple[list[str] | None, list[str] | None],
) -> list[cst.CSTNode | None]:
    """Each new statement of `body[start:end]` spliced into the statement it replaces (a compound statement
    of which only the block changed), None for those that are not. The replaced ones are the given body's
    statements between the kept neighbours of the run (and not kept elsewhere): one for one when there are
    as many, else matched in order by kind and name (`_replaced`), so that a rule that added or removed
    statements beside the ones it changed does not get the changed ones parsed whole."""
    first = kept[id(body[start - 1])] + 1 if start else 0
    last = kept[id(body[end])] if end < len(body) else len(before)
    spliced: list[cst.CSTNode | None] = [None] * (end - start)
    for offset, old_index in _replaced(before, body, first, last, start, end):
        old, new = before[old_index], body[start + offset]
        index = start + offset
        if id(old) in present or (index and _owns_indented_lines(body[index - 1], new)):
            continue
        if index == 0 and level.module and old_index != 0:
            continue  # first now: a parse may give its leading lines to the module's header
        following = getattr(body[index + 1], "leading_lines", ()) if index + 1 < len(body) else level.end_lines
        clean_after = not any(line.whitespace.value for line in following) and (index + 1 < len(body) or level.clean_after)
        inner = _splice_statement(module, old, new, level, clean_after, index == 0 and level.module)  # no rendering of the whole statement
        if inner is not None:
            spliced[offset] = inner
            continue
        old_text = texts[0][old_index] if texts[0] is not None else _render(module, old, level)
        if old_text == (texts[1][index] if texts[1] is not None else _render(module, new, level)):
            # the same text in the same place (a rule that rebuilt it, or parsed its own output): the
            # statement parsed from that text before is what a parse gives (and it occurs nowhere else)
            spliced[offset] = old
    return spliced


def _replaced(before: Sequence[cst.CSTNode], body: Sequence[cst.CSTNode], first: int, last: int, start: int, end: int) -> list[tuple[int, int]]:
    """(offset in the run `body[start:end]`, index in `before`) of each new statement and the given one it
    replaces, out of the given statements `before[first:last]`: one for one when there are as many, else
    the longest matching of their kinds and names in order (a new statement with no match is parsed)."""
    if last - first == end - start:
        return [(offset, first + offset) for offset in range(end - start)]
    if first == last:
        return []
    matcher = SequenceMatcher(None, [_kind(s) for s in before[first:last]], [_kind(s) for s in body[start:end]], autojunk=False)
    return [
        (block.b + step, first + block.a + step) for block in matcher.get_matching_blocks() for step in range(block.size)
    ]


def _kind(statement: cst.CSTNode) -> tuple[type, str | None]:
    """What pairs a new statement with the one it replaces: its node type, and the name of a `def` / `class`."""
    name = getattr(statement, "name", None)
    return type(statement), name.value if type(name) is cst.Name else None


def _render(module: cst.Module, statement: cst.CSTNode, level: _Level) -> str:
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    state.indent_tokens.extend(level.indents)
    statement._codegen(state)  # noqa: SLF001
    return "".join(state.tokens)


def _known_pieces(module: cst.Module) -> list[str] | None:
    for entry in _PIECES:
        if entry[0] is module:
            return entry[1][1]
    return None


def _splice_statement(
    module: cst.Module, old: cst.CSTNode, new: cst.CSTNode, level: _Level, clean_after: bool, first_in_module: bool = False
) -> cst.CSTNode | None:
    """`new` with its block's changed statements parsed, when `new` is `old` but for its block's statements
    and, maybe, its head (the `with` items, a `def`'s name and parameters, the lines before it, ...:
    `_parse_head`; not the lines before the module's first statement, which a parse gives to the module)."""
    kind = type(new)
    if kind is not type(old) or kind not in _ONE_BLOCK:
        return None
    head_changed = False
    lines_rebuilt: dict[str, object] = {}  # the given statement's lines where `new` has equal ones rebuilt
    for name in _fields(kind):
        if name == "body":
            continue
        first, second = getattr(old, name), getattr(new, name)
        if first is second or (type(first) is str and first == second):
            continue
        if type(first) in (tuple, list) and type(second) in (tuple, list) and _same(first, second):
            continue
        if name in _LINES and _equal_lines(first, second):
            lines_rebuilt[name] = first  # parsed nodes, used nowhere else: new statements are parsed
            continue
        if name in _NOT_HEAD or kind is cst.Try or (first_in_module and name in _LINES):
            return None
        head_changed = True
    old_block, new_block = old.body, new.body
    if (
        type(old_block) is not cst.IndentedBlock
        or type(new_block) is not cst.IndentedBlock
        or old_block.indent != new_block.indent
        or not _same(old_block.footer, new_block.footer)
        or not new_block.body
    ):
        return None
    if old_block.header is not new_block.header:
        if kind is cst.Try:
            return None
        head_changed = True
    inner = _Level(
        (*level.blocks, new_block.indent),
        (*level.indents, module.default_indent if new_block.indent is None else new_block.indent),
        new_block.footer,
        False,
        clean_after,
    )
    statements = _splice_body(module, old_block.body, new_block.body, inner)
    if statements is None:
        return None
    if not head_changed:
        return new.with_changes(body=new_block.with_changes(body=statements), **lines_rebuilt)
    head = _parse_head(module, new, level)
    if head is None:
        return None
    changes: dict[str, object] = {"body": head.body.with_changes(body=statements, footer=new_block.footer), **lines_rebuilt}  # type: ignore[attr-defined]
    if hasattr(new, "orelse"):
        changes["orelse"] = new.orelse  # type: ignore[attr-defined]
    return head.with_changes(**changes)


# The empty and comment lines of a compound statement before its head's code.
_LINES = frozenset({"leading_lines", "lines_after_decorators"})


def _equal_lines(first: object, second: object) -> bool:
    return (
        type(first) in (tuple, list)
        and type(second) in (tuple, list)
        and len(first) == len(second)  # type: ignore[arg-type]
        and all(type(a) is type(b) and a.deep_equals(b) for a, b in zip(first, second))  # type: ignore[arg-type, attr-defined]
    )


# Fields of a compound statement that are not its head: they stay the given statement's for `_splice_statement`.
_NOT_HEAD = frozenset({"orelse", "handlers", "finalbody"})


def _parse_head(module: cst.Module, statement: cst.CSTNode, level: _Level) -> cst.CSTNode | None:
    """The parse of `statement`'s head (its leading lines to the end of the line that opens its block), in the
    context the whole text gives it (below `if 1:` lines indented as the enclosing blocks), made with a `pass`
    for its block and no `else`: a statement whose head changed and whose block is spliced gets the head's parse
    and the spliced block. None where the fragment does not parse into that shape."""
    block = statement.body  # type: ignore[attr-defined]
    placeholder = cst.IndentedBlock(body=[cst.SimpleStatementLine([cst.Pass()])], header=block.header, indent=block.indent)
    changes: dict[str, object] = {"body": placeholder}
    if hasattr(statement, "orelse"):
        changes["orelse"] = None
    parsed = _parse_fragment(module, level, [statement.with_changes(**changes)])
    if (
        parsed is None
        or parsed.header
        or parsed.footer
        or len(parsed.body) != 2
        or not _wrapper(parsed.body[0])
        or parsed.body[0].body.footer  # type: ignore[attr-defined]
    ):
        return None
    node = parsed.body[1]
    for indent in level.blocks:
        if not _wrapper(node) or node.body.indent != indent or len(node.body.body) != 1 or node.body.footer:  # type: ignore[attr-defined]
            return None
        node = node.body.body[0]  # type: ignore[attr-defined]
    if type(node) is not type(statement):
        return None
    parsed_block = node.body  # type: ignore[attr-defined]
    if type(parsed_block) is not cst.IndentedBlock or parsed_block.footer or len(parsed_block.body) != 1 or parsed_block.indent != block.indent:
        return None
    if getattr(node, "orelse", None) is not None:
        return None
    return node


# Compound statements whose one indented block is all a codemod may have changed for `_splice_statement`
# (an `if` with an `else`, a `try` with handlers: their other blocks are fields compared like the rest).
_ONE_BLOCK = frozenset({cst.FunctionDef, cst.ClassDef, cst.With, cst.For, cst.While, cst.If, cst.Try})


def _owns_indented_lines(previous: cst.CSTNode, statement: cst.CSTNode) -> bool:
    """True when `statement` follows a compound statement and has a leading line with indentation (which
    a parse might give to the compound statement's block instead)."""
    if isinstance(previous, cst.SimpleStatementLine):
        return False
    return any(line.whitespace.value for line in getattr(statement, "leading_lines", ()))


def _parse_run(module: cst.Module, body: list[cst.CSTNode], start: int, end: int, level: _Level) -> list[cst.CSTNode] | None:
    """The parse of the statements `body[start:end]`, in the context the whole text gives them: below as
    many `if 1:` lines as there are enclosing blocks, each indented as they are."""
    if start and _owns_indented_lines(body[start - 1], body[start]):
        return None
    if end < len(body):
        trailer: Sequence[cst.EmptyLine] = getattr(body[end], "leading_lines", ())
    elif not level.module and not level.clean_after:
        return None  # a line after the block, indented more, might become a new inner block's
    elif level.module and not module.has_trailing_newline:
        return None  # the text's last newline is not there: leave that to the whole parse
    else:
        trailer = level.end_lines
    header = level.module and not start
    parsed = _parse_fragment(module, level, body[start:end], trailer, header)
    if parsed is None:
        return None
    if header:
        if len(parsed.header) != len(module.header) or len(parsed.body) != end or len(parsed.footer) != len(trailer):
            return None
        return list(parsed.body)
    opening = parsed.body[0] if parsed.body else None
    if (
        parsed.header
        or len(parsed.body) != 1 + (end - start if level.module else 1)
        or not _wrapper(opening)
        or opening.body.footer  # type: ignore[union-attr]
    ):
        return None
    if level.module:
        return list(parsed.body[1:]) if len(parsed.footer) == len(trailer) else None
    # The trailer's lines are all the next statement's (or the block footer's) in a parse of the whole text
    # when none of them went to a block of the run's statements: at the end of the fragment the parse gives
    # them to the wrappers' footers and the module's (by their indentation).
    footers = len(parsed.footer)
    wrapper = parsed.body[1]
    for depth, indent in enumerate(level.blocks):
        if not _wrapper(wrapper) or wrapper.body.indent != indent:  # type: ignore[union-attr]
            return None
        block = wrapper.body  # type: ignore[union-attr]
        footers += len(block.footer)
        if depth + 1 < len(level.blocks):
            if len(block.body) != 1:
                return None
            wrapper = block.body[0]
    if footers != len(trailer) or len(block.body) != end - start:
        return None
    return list(block.body)


def _parse_fragment(
    module: cst.Module, level: _Level, statements: Sequence[cst.CSTNode], trailer: Sequence[cst.EmptyLine] = (), header: bool = False
) -> cst.Module | None:
    """The parse of `statements` (then the `trailer` lines) rendered in the context the whole text gives them:
    after the module's header lines (`header`: they are the module's first statements) or an `if 1:` block, below
    as many `if 1:` lines as there are enclosing blocks, each indented as they are. None when the fragment does
    not parse, or parses with another default indentation or line ending than the module's."""
    newline = module.default_newline
    state = CodegenState(default_indent=module.default_indent, default_newline=newline)
    if header:
        for line in module.header:
            line._codegen(state)  # noqa: SLF001
    else:
        # A first block indented by the module's indentation: the parser takes its default indentation (and
        # so which blocks record an indentation of their own) from the first indented line.
        state.add_token(f"if 1:{newline}{module.default_indent}pass{newline}")
    for depth in range(len(level.indents)):
        state.add_token(f"{''.join(level.indents[:depth])}if 1:{newline}")
    state.indent_tokens.extend(level.indents)
    for statement in statements:
        statement._codegen(state)  # noqa: SLF001
    for line in trailer:
        line._codegen(state)  # noqa: SLF001
    text = "".join(state.tokens)
    try:
        parsed = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return None
    COUNTS["parsed_lines"] += text.count("\n")
    if parsed.default_indent != module.default_indent or parsed.default_newline != newline:
        return None
    return parsed


def _wrapper(node: object) -> bool:
    """An `if 1:` of the fragment `_parse_run` parses, with an indented block and no `else`."""
    return type(node) is cst.If and type(node.body) is cst.IndentedBlock and node.orelse is None  # type: ignore[attr-defined]
