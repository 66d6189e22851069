"""The import edits rules schedule (LibCST's `AddImportsVisitor` / `RemoveImportsVisitor` requests on
`context.scratch`), made directly on the module's statements: no traversal, no re-parse, no scope analysis.

`edit_imports` gives exactly the module LibCST's two visitors give (additions, then removals), or None
where it cannot be sure of that; the caller then runs LibCST's visitors. Rules of LibCST 1.x reproduced:

- Additions (`AddImportsVisitor`): a request already met by the import block at the top of the file
  (the single-import lines after a docstring or `__strict__` flag) is dropped; `from m import x` requests
  are merged into the first `from m import ...` line of that block (new names first, sorted); the others
  are inserted at the end of the block (`__future__` ones before it): `import m` sorted, `import m as a`
  in request order, then `from m import ...` lines; the first statement after the block gets an empty
  line before it.
- Removals (`RemoveImportsVisitor`): an import alias matching a request (module and alias, or module,
  object and alias) is dropped when LibCST's scope analysis finds no access of the name it binds
  (nor an `__all__` entry or string annotation naming it). That is decided here only when certain:
  * certainly unused: the name occurs in the text only inside import statements (no code, string,
    attribute or keyword mentions it, so LibCST sees no access or export of it);
  * certainly used: CPython's symbol table (`symtable`, in C) has the name read in module scope and no
    statement before the import but imports and a docstring mentions it (so every module-scope read
    follows it: LibCST attaches reads to earlier bindings only), or read as an implicit or declared global in a
    nested scope (LibCST attaches those to every module-scope binding of the name).
  Anything else (an import inside a block or function matching a request, on a line with other
  statements, relative, dotted and still mentioned, a file `symtable` rejects) answers None.
"""

from __future__ import annotations

import ast
import re
import symtable
import warnings
from collections import defaultdict
from collections.abc import Iterator, Sequence

import libcst as cst
from libcst.codemod.visitors import ImportItem
from libcst.helpers import get_absolute_module_from_package_for_import

Request = tuple[str, "str | None", "str | None"]  # RemoveImportsVisitor's (module, obj, alias)


def edit_imports(tree: cst.Module, additions: Sequence[ImportItem], removals: Sequence[Request], text_of=None) -> cst.Module | None:
    """The module after LibCST's AddImportsVisitor then RemoveImportsVisitor would have run with these
    requests (and no package name), or None when that is not certain. `text_of(module)` renders a module
    (default: `module.code`); it is asked only when some import matches a removal request."""
    if additions:
        added = add_imports(tree, additions)
        if added is None:
            return None
        tree = added
    if not removals:
        return tree
    return remove_imports(tree, removals, text_of or (lambda module: module.code))


# -- additions ---------------------------------------------------------------------------------------


def add_imports(tree: cst.Module, items: Sequence[ImportItem]) -> cst.Module | None:
    """`AddImportsVisitor(context).transform_module(tree)` for absolute imports; None for a relative or
    `__future__` request (left to the visitor)."""
    if any(item.relative or item.module == "__future__" for item in items):
        return None
    module_imports = {item.module for item in items if item.obj_name is None and item.alias is None}
    from_imports = {item.module for item in items if item.obj_name is not None and item.alias is None}
    module_mapping: dict[str, set[str]] = {
        module: {item.obj_name for item in items if item.module == module and item.obj_name is not None and item.alias is None}
        for module in sorted(from_imports)
    }
    module_aliases: dict[str, str] = {item.module: item.alias for item in items if item.obj_name is None and item.alias is not None}
    from_aliases = {item.module for item in items if item.obj_name is not None and item.alias is not None}
    alias_mapping: dict[str, list[tuple[str, str]]] = {
        module: [(item.obj_name, item.alias) for item in items if item.module == module and item.obj_name is not None and item.alias is not None]
        for module in sorted(from_aliases)
    }

    start = 1 if _docstring_or_strict_first(tree) else 0
    end = start
    for statement in tree.body[start:]:
        if not _single_import_line(statement):
            break
        end += 1
    top = [statement.body[0] for statement in tree.body[start:end]]

    # What the top block already imports (LibCST's _GatherImportsMixin over those statements).
    have_modules: set[str] = set()
    have_aliases: dict[str, str] = {}
    have_objects: dict[str, set[str]] = {}
    have_object_aliases: dict[str, list[tuple[str, str]]] = {}
    for small in top:
        if isinstance(small, cst.Import):
            for name in small.names:
                if name.evaluated_alias is not None:
                    have_aliases[name.evaluated_name] = name.evaluated_alias
                else:
                    have_modules.add(name.evaluated_name)
            continue
        module = get_absolute_module_from_package_for_import(None, small)
        if module is None:
            continue
        if isinstance(small.names, cst.ImportStar):
            have_objects[module] = set("*")
            continue
        pairs = [(alias.evaluated_name, alias.evaluated_alias) for alias in small.names if alias.asname is not None]
        if pairs:
            have_object_aliases.setdefault(module, []).extend(pairs)  # type: ignore[arg-type]
        objects = {alias.evaluated_name for alias in small.names if alias.asname is None}
        if objects:
            have_objects.setdefault(module, set())
            if "*" in have_objects[module]:
                have_objects[module] = set("*")
                continue
            have_objects[module].update(objects)

    # AddImportsVisitor.visit_Module: drop what is there already.
    module_imports -= have_modules
    for module, alias in have_aliases.items():
        if module in module_aliases and module_aliases[module] == alias:
            del module_aliases[module]
    for module, pairs in have_object_aliases.items():
        for pair in pairs:
            if module in alias_mapping and pair in alias_mapping[module]:
                alias_mapping[module].remove(pair)
                if not alias_mapping[module]:
                    del alias_mapping[module]
    for module, objects in have_objects.items():
        if module not in module_mapping:
            continue
        if "*" in objects:
            del module_mapping[module]
        else:
            module_mapping[module] = module_mapping[module] - objects
            if not module_mapping[module]:
                del module_mapping[module]

    # AddImportsVisitor.leave_ImportFrom on the top block: merge into the first `from m import ...`.
    body = list(tree.body)
    for index in range(start, end):
        small = top[index - start]
        if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
            continue
        module = get_absolute_module_from_package_for_import(None, small)
        if module is None or module not in module_mapping and module not in alias_mapping:
            continue
        objects = module_mapping.pop(module, [])
        pairs = alias_mapping.pop(module, [])
        merged = small.with_changes(
            names=[
                *(cst.ImportAlias(name=cst.Name(obj)) for obj in sorted(objects)),
                *(cst.ImportAlias(name=cst.Name(obj), asname=cst.AsName(name=cst.Name(alias))) for obj, alias in sorted(pairs)),
                *small.names,
            ]
        )
        body[index] = body[index].with_changes(body=[merged])

    # AddImportsVisitor.leave_Module.
    if not module_imports and not module_mapping and not module_aliases and not alias_mapping:
        return tree if body == list(tree.body) else tree.with_changes(body=body)
    before, block, after = body[:start], body[start:end], body[end:]
    if after:
        leading = after[0].leading_lines
        if not leading:
            after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(),))
        elif leading[0].comment is not None:
            after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(), *leading))
    combined: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for module, pairs in alias_mapping.items():
        combined[module].extend(pairs)
    for module, objects in module_mapping.items():
        combined[module].extend((obj, None) for obj in objects)
    ordered = {module: sorted(pairs) for module, pairs in combined.items()}  # type: ignore[type-var]
    config = tree.config_for_parsing

    def from_line(module: str, pairs: list[tuple[str, str | None]]) -> cst.BaseStatement:
        names = ", ".join(obj if alias is None else f"{obj} as {alias}" for obj, alias in pairs)
        return cst.parse_statement(f"from {module} import {names}", config=config)

    return tree.with_changes(
        body=(
            *before,
            *[from_line(module, pairs) for module, pairs in ordered.items() if module == "__future__"],
            *block,
            *[cst.parse_statement(f"import {module}", config=config) for module in sorted(module_imports)],
            *[cst.parse_statement(f"import {module} as {alias}", config=config) for module, alias in module_aliases.items()],
            *[from_line(module, pairs) for module, pairs in ordered.items() if module != "__future__"],
            *after,
        )
    )


def _single_import_line(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))


def _docstring_or_strict_first(tree: cst.Module) -> bool:
    """AddImportsVisitor's `_skip_first`: never insert before a leading docstring or `__strict__ = ...`."""
    if not tree.body or not isinstance(tree.body[0], cst.SimpleStatementLine) or len(tree.body[0].body) != 1:
        return False
    first = tree.body[0].body[0]
    if isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString):
        return True
    return (
        isinstance(first, cst.Assign)
        and len(first.targets) == 1
        and isinstance(first.targets[0].target, cst.Name)
        and first.targets[0].target.value == "__strict__"
    )


# -- removals ----------------------------------------------------------------------------------------


def remove_imports(tree: cst.Module, requests: Sequence[Request], text_of) -> cst.Module | None:
    """`RemoveImportsVisitor(context).transform_module(tree)` (no package name) when certain, else None."""
    unused_modules: dict[str, str | None] = {module: alias for module, obj, alias in requests if obj is None}
    unused_objects: dict[str, set[tuple[str, str | None]]] = {}
    for module, obj, alias in requests:
        if obj is not None:
            unused_objects.setdefault(module, set()).add((obj, alias))

    # Every import statement of the file, and the aliases the visitor would consider.
    matches: list[tuple[int, cst.ImportAlias, str, bool]] = []  # (module body index, alias, bound name, editable)
    import_statements: list[cst.Import | cst.ImportFrom] = []  # every import statement of the file
    for index, line, small, where in _import_statements(tree):
        import_statements.append(small)
        for alias in _matching_aliases(small, unused_modules, unused_objects):
            if where == "scope":
                return None  # an import in a function or class: another scope
            # In a module-level block (`try:` / `if`), or on a line with other statements: decided
            # here only when it stays.
            matches.append((index, alias, _bound_name(alias), where == "top" and len(line.body) == 1))
    if not matches:
        return tree

    text = text_of(tree)
    unused: set[int] = set()  # id() of the aliases to drop
    facts = _Facts(tree, text, import_statements)
    first_other = _first_non_import(tree)
    for index, alias, name, editable in matches:
        if facts.only_in_imports(name):
            if not editable:
                return None
            unused.add(id(alias))
            continue
        table = facts.table()
        if table is None:
            return None
        if "." not in _local_name(alias) and _certainly_used(table, name, facts.unmentioned_before(name, first_other, index)):
            continue
        if editable and _certainly_unused(table, name, facts):
            unused.add(id(alias))
            continue
        return None
    if not unused:
        return tree

    body = list(tree.body)
    dropped: set[int] = set()
    for index in sorted({index for index, alias, _, _ in matches if id(alias) in unused}):
        line = body[index]
        small = line.body[0]
        if isinstance(small, cst.Import):
            new = _without_import_aliases(small, unused)
        else:
            new = _without_from_aliases(small, unused)
        if new is None:
            dropped.add(index)
        else:
            body[index] = line.with_changes(body=[new])
    return tree.with_changes(body=[statement for index, statement in enumerate(body) if index not in dropped])


def _import_statements(tree: cst.Module) -> Iterator[tuple[int, cst.SimpleStatementLine | cst.SimpleStatementSuite, cst.Import | cst.ImportFrom, str]]:
    """Every import statement: (module body index, its line, the statement, where): where is "top" (a
    line of the module), "block" (in a module-level `if` / `try` / ...: module scope) or "scope" (in
    a function or class)."""
    for index, statement in enumerate(tree.body):
        lines = [(statement, "top")] if isinstance(statement, cst.SimpleStatementLine) else _nested_lines(statement)
        for line, where in lines:
            for small in line.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    yield index, line, small, where


def _nested_lines(statement: cst.CSTNode) -> Iterator[tuple[cst.SimpleStatementLine | cst.SimpleStatementSuite, str]]:
    """The simple statement lines (and one-line suites) anywhere inside a compound statement, each with
    "scope" when inside a function or class, else "block"."""
    pending: list[tuple[cst.CSTNode, str]] = [(statement, "block")]
    while pending:
        node, where = pending.pop()
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            yield node, where
        elif not isinstance(node, cst.BaseExpression):
            inner = "scope" if isinstance(node, (cst.FunctionDef, cst.ClassDef)) else where
            pending.extend((child, inner) for child in _statement_children(node))


def _statement_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    if isinstance(node, cst.IndentedBlock):
        return list(node.body)
    body = getattr(node, "body", None)
    children: list[cst.CSTNode] = []
    if isinstance(body, cst.CSTNode):
        children.append(body)
    for field in ("orelse", "finalbody"):
        value = getattr(node, field, None)
        if isinstance(value, cst.CSTNode):
            children.append(value)
    for field in ("handlers", "cases"):
        children.extend(getattr(node, field, ()) or ())
    if not children and not isinstance(node, cst.SimpleStatementLine):
        children = [child for child in node.children if not isinstance(child, cst.BaseExpression)]
    return children


def _matching_aliases(small: cst.Import | cst.ImportFrom, modules: dict[str, str | None], objects: dict[str, set[tuple[str, str | None]]]) -> list[cst.ImportAlias]:
    """The aliases of `small` RemoveImportsVisitor would drop if unused (GatherUnusedImportsVisitor also
    skips `from __future__`, star imports and `from . import`)."""
    if isinstance(small, cst.Import):
        return [alias for alias in small.names if alias.evaluated_name in modules and alias.evaluated_alias == modules[alias.evaluated_name]]
    if isinstance(small.names, cst.ImportStar) or small.module is None:
        return []
    if isinstance(small.module, cst.Name) and small.module.value == "__future__":
        return []
    module = get_absolute_module_from_package_for_import(None, small)
    if module is None or module not in objects:
        return []
    wanted = objects[module]
    return [alias for alias in small.names if (alias.evaluated_name, alias.evaluated_alias) in wanted]


def _local_name(alias: cst.ImportAlias) -> str:
    return alias.evaluated_alias if alias.evaluated_alias is not None else alias.evaluated_name


def _bound_name(alias: cst.ImportAlias) -> str:
    """The module-scope name the import binds (`import a.b` binds `a`)."""
    return _local_name(alias).split(".")[0]


def _first_non_import(tree: cst.Module) -> int:
    """Index of the first statement that is neither an import line nor a leading string expression."""
    for index, statement in enumerate(tree.body):
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) or (index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)))
            for small in statement.body
        ):
            continue
        return index
    return len(tree.body)


def _symbol_table(text: str) -> symtable.SymbolTable | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return symtable.symtable(text, "<tf2migrate>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class _Facts:
    """What the usage tests read about the module, each computed once and only when asked."""

    def __init__(self, tree: cst.Module, text: str, import_statements: list[cst.Import | cst.ImportFrom]) -> None:
        self.tree, self.text, self.import_statements = tree, text, import_statements
        self._import_text: str | None = None
        self._table: symtable.SymbolTable | None | bool = False
        self._strings: list[str] | None = None
        self._python: ast.Module | None | bool = False

    def only_in_imports(self, name: str) -> bool:
        """Every mention of `name` in the text is inside an import statement."""
        if self._import_text is None:
            self._import_text = "".join(self.tree.code_for_node(statement) for statement in self.import_statements)
        word = re.compile(rf"\b{re.escape(name)}\b")
        return len(word.findall(self.text)) == len(word.findall(self._import_text))

    def unmentioned_before(self, name: str, start: int, index: int) -> bool:
        """No statement before module statement `index` but the first `start` (imports, a docstring)
        mentions `name`, nor does statement `index` outside its import lines: every module-scope read
        of it comes after the import(s) in statement `index`."""
        word = re.compile(rf"\b{re.escape(name)}\b")
        if any(word.search(self.tree.code_for_node(statement)) for statement in self.tree.body[start:index]):
            return False
        statement = self.tree.body[index]
        if _single_import_line(statement):
            return True
        lines = [statement] if isinstance(statement, cst.SimpleStatementLine) else [line for line, _ in _nested_lines(statement)]
        imports = "".join(self.tree.code_for_node(small) for line in lines for small in line.body if isinstance(small, (cst.Import, cst.ImportFrom)))
        return len(word.findall(self.tree.code_for_node(statement))) == len(word.findall(imports))

    def table(self) -> symtable.SymbolTable | None:
        if self._table is False:
            self._table = _symbol_table(self.text)
        return self._table  # type: ignore[return-value]

    def python(self) -> ast.Module | None:
        if self._python is False:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._python = ast.parse(self.text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._python = None
        return self._python  # type: ignore[return-value]

    def strings_libcst_reads(self) -> list[str] | None:
        """Every string LibCST might read names from (a superset): strings inside annotations, subscripts
        and calls (string annotations, `typing` hints, `cast` / `TypeVar` / `NewType` arguments), every
        string when the file mentions `__all__` (exports); None when CPython does not parse the file or
        it has a `match` statement (whose keyword patterns LibCST reads as names)."""
        if self._strings is None:
            python = self.python()
            if python is None:
                return None
            every = "__all__" in self.text
            found: list[str] = []
            pending: list[tuple[ast.AST, bool]] = [(python, False)]
            while pending:
                node, inside = pending.pop()
                if isinstance(node, ast.Match):
                    return None
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and (inside or every):
                    found.append(node.value)
                    continue
                if isinstance(node, (ast.Subscript, ast.Call)):
                    inside = True
                for field, value in ast.iter_fields(node):
                    here = inside or field in ("annotation", "returns")
                    if isinstance(value, ast.AST):
                        pending.append((value, here))
                    elif isinstance(value, list):
                        pending.extend((item, here) for item in value if isinstance(item, ast.AST))
            self._strings = found
        return self._strings


def _certainly_unused(table: symtable.SymbolTable, name: str, facts: _Facts) -> bool:
    """LibCST's scope analysis certainly finds no access of `name`: CPython's symbol table has no use or
    binding of it anywhere but the module-scope import(s), and no string LibCST might read as code or as
    an export names it. (Attributes `x.name` and keywords `name=` are no accesses for either.)"""
    try:
        symbol = table.lookup(name)
    except KeyError:
        return False
    if not symbol.is_imported() or symbol.is_referenced() or symbol.is_assigned():
        return False
    pending = list(table.get_children())
    while pending:
        child = pending.pop()
        if name in child.get_identifiers():
            return False
        pending.extend(child.get_children())
    strings = facts.strings_libcst_reads()
    if strings is None:
        return False
    word = re.compile(rf"\b{re.escape(name)}\b")
    return not any(word.search(string) for string in strings)


def _certainly_used(table: symtable.SymbolTable, name: str, reads_follow: bool) -> bool:
    """LibCST's scope analysis certainly finds an access of module-scope `name` bound by an import that,
    when `reads_follow`, comes before every module-scope read of it."""
    try:
        if reads_follow and table.lookup(name).is_referenced():
            return True
    except KeyError:
        pass
    pending = list(table.get_children())
    while pending:
        child = pending.pop()
        try:
            symbol = child.lookup(name)
        except KeyError:
            symbol = None
        if symbol is not None and symbol.is_referenced() and symbol.is_global():
            return True
        pending.extend(child.get_children())
    return False


def _without_import_aliases(node: cst.Import, unused: set[int]) -> cst.Import | None:
    """RemoveImportsVisitor.leave_Import; None: the statement goes."""
    keep = [alias for alias in node.names if id(alias) not in unused]
    if not keep:
        return None
    if keep[-1] is not node.names[-1]:
        keep = [*keep[:-1], keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return node.with_changes(names=keep)


def _without_from_aliases(node: cst.ImportFrom, unused: set[int]) -> cst.ImportFrom | None:
    """RemoveImportsVisitor.leave_ImportFrom with _process_importfrom_aliases; None: the statement goes."""
    names = node.names
    assert not isinstance(names, cst.ImportStar)
    updates: dict[str, object] = {}
    keep: list[cst.ImportAlias] = []
    for alias in names:
        if id(alias) not in unused:
            keep.append(alias)
            continue
        comma = alias.comma
        if isinstance(comma, cst.Comma):
            if keep:
                previous = keep[-1]
                if isinstance(previous.comma, cst.Comma):
                    previous = previous.with_deep_changes(
                        previous.comma, whitespace_after=_merge_whitespace_after(previous.comma.whitespace_after, comma.whitespace_after)
                    )
                else:
                    previous = previous.with_changes(comma=comma)
                keep[-1] = previous
            else:
                lpar = node.lpar
                if isinstance(lpar, cst.LeftParen):
                    updates["lpar"] = lpar.with_changes(whitespace_after=_merge_whitespace_after(lpar.whitespace_after, comma.whitespace_after))
    if not keep:
        return None
    if keep[-1] is not names[-1]:
        keep = [*keep[:-1], keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    updates["names"] = keep
    return node.with_changes(**updates)


def _merge_whitespace_after(left: cst.BaseParenthesizableWhitespace, right: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    if not isinstance(right, cst.ParenthesizedWhitespace):
        return left
    if not isinstance(left, cst.ParenthesizedWhitespace):
        return right
    return left.with_changes(empty_lines=tuple(line for line in right.empty_lines if line.comment is not None))
