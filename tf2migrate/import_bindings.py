"""Qualified names through a module's imports, without LibCST's scope analysis where the answer is certain.

Rules mostly ask "what imported object does `tf.X` / `K.dot` name?" (`codemods.names.resolve`). LibCST answers
with `scope.get_qualified_names_for(node)` after a scope analysis of the whole tree (a `ScopeVisitor` over every
node, an `Access` for every name read), which costs about twice a parse. Here one walk over the tree's
*statements* notes what binds names: the imports at module level (with LibCST's own `ImportAssignment`s, so the
names they give are computed by LibCST's code), every other binding (assignment targets, parameters, `def` and
`class` names, imports inside functions or classes, `global` / `nonlocal`), and the order of the module-level
statements. A node is then answered by following LibCST's rules (`Scope.get_qualified_names_for`, `Access`
referents, the re-pointing of a dotted access to the longest imported prefix in `ScopeVisitor.infer_accesses`)
for the one case where scopes cannot matter:

- every binding of the node's first name (and of any dotted name starting with it) is an import at module
  level: every scope sees exactly those imports (or, at module level, those made before the statement that
  reads it; builtins otherwise), so the answer is theirs; or
- the first name is bound nowhere: the answer is the builtin of that name, or nothing.

The names an import gives, restricted to imported ones (`imported`), are also certain when no import anywhere
binds the first name (there is none to find). Anything else (a name bound both by an import and otherwise,
in a function, by `global`, ...) and the files where LibCST's analysis sees more than the tree (PEP 695 type
parameters, string annotations holding statements, `typing.NewType` / `TypeVar`) get None: the caller asks
LibCST's scope analysis (`tf2migrate.metadata.QualifiedNames`). `tests/test_import_bindings.py` compares every
answer with LibCST's on every fixture.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable, Mapping

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ExpressionContext
from libcst.metadata.scope_provider import BuiltinAssignment, ImportAssignment, QualifiedName, QualifiedNameSource

_STORE = ExpressionContext.STORE
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
# words of a string that LibCST, reading it as a type annotation, could parse into a binding statement
_BINDING_WORDS = re.compile(r"\b(?:import|def|class|type|global|nonlocal)\b")
_QUOTED_BINDING_WORDS = re.compile(r"""['"][^'"\n]*\b(?:import|def|class|type|global|nonlocal)\b""")
_TYPING_SPECIAL = re.compile(r"\b(?:NewType|TypeVar)\b")


class ImportBindings:
    """What binds names in one tree, and the qualified names of its nodes where they follow from the imports."""

    def __init__(self, module: cst.Module, parents: Mapping[cst.CSTNode, cst.CSTNode], contexts: Mapping[cst.CSTNode, ExpressionContext], text: Callable[[], str]) -> None:
        self._parents = parents
        # dotted name -> [(LibCST's assignment of a module-level import, number of its statement)]
        self._imports: dict[str, list[tuple[ImportAssignment, int]]] = {}
        self._import_roots: set[str] = set()  # first names of module-level imports
        self._local_import_roots: set[str] = set()  # first names of imports in functions and classes
        self._other: set[str] = set()  # names bound otherwise anywhere (or by an import not at module level)
        self._order: dict[cst.CSTNode, int] = {}  # module-level statements in source order
        self._import_names: set[int] = set()  # ids of the `as` names of imports (STORE, but import bindings)
        self.certain = True
        self._typing = False
        self._annotation_strings = False  # a string in an annotation (LibCST parses it: accesses of its names)
        self._walk(module)
        if self._typing and (_TYPING_SPECIAL.search(text()) or _QUOTED_BINDING_WORDS.search(text())):
            self.certain = False  # LibCST skips `NewType`'s first argument, parses strings in `typing` subscripts
        import_names = self._import_names
        for node, context in contexts.items():
            if context is _STORE and type(node) is cst.Name and id(node) not in import_names:
                self._other.add(node.value)

    # -- the walk over statements ------------------------------------------------------------------
    def _walk(self, module: cst.Module) -> None:
        pending: list[tuple[cst.CSTNode, bool]] = [(statement, False) for statement in reversed(module.body)]
        order = self._order
        while pending:
            node, local = pending.pop()
            if not local:
                order[node] = len(order)
            kind = type(node)
            if kind is cst.SimpleStatementLine or kind is cst.SimpleStatementSuite:
                for small in node.body:
                    if not local:
                        order[small] = len(order)
                    self._small(small, local)
                continue
            if kind is cst.FunctionDef:
                if node.type_parameters is not None:
                    self.certain = False
                params = node.params
                for param in (*params.posonly_params, *params.params, *params.kwonly_params, params.star_arg, params.star_kwarg):
                    if isinstance(param, cst.Param) and param.annotation is not None:
                        self._check_annotation(param.annotation)
                if node.returns is not None:
                    self._check_annotation(node.returns)
                pending.extend((statement, True) for statement in reversed(_statements(node.body)))
                continue
            if kind is cst.ClassDef:
                if node.type_parameters is not None:
                    self.certain = False
                pending.extend((statement, True) for statement in reversed(_statements(node.body)))
                continue
            children: list[cst.CSTNode] = []
            if kind is cst.If:
                children = [*_statements(node.body)]
                if node.orelse is not None:
                    children.append(node.orelse)  # an `elif` (If) or an Else
            elif kind is cst.Else or kind is cst.Finally or kind is cst.ExceptHandler or kind is cst.ExceptStarHandler or kind is cst.MatchCase:
                children = [*_statements(node.body)]
            elif kind is cst.Try or kind is cst.TryStar:
                children = [*_statements(node.body), *node.handlers]
                if node.orelse is not None:
                    children.append(node.orelse)
                if node.finalbody is not None:
                    children.append(node.finalbody)
            elif kind is cst.For or kind is cst.While:
                children = [*_statements(node.body)]
                if node.orelse is not None:
                    children.append(node.orelse)
            elif kind is cst.With:
                children = [*_statements(node.body)]
            elif kind is cst.Match:
                children = list(node.cases)
            else:
                self.certain = False  # a statement this walk does not know
                continue
            pending.extend((child, local) for child in reversed(children))

    def _small(self, node: cst.CSTNode, local: bool) -> None:
        kind = type(node)
        if kind is cst.Import or kind is cst.ImportFrom:
            self._import(node, local)
        elif kind is cst.Global or kind is cst.Nonlocal:
            self._other.update(item.name.value for item in node.names)
        elif kind is cst.AnnAssign:
            self._check_annotation(node.annotation)
        elif kind is cst.TypeAlias:
            self.certain = False

    def _import(self, node: cst.Import | cst.ImportFrom, local: bool) -> None:
        """LibCST's `ScopeVisitor._visit_import_alike`: one assignment per dotted name an alias binds."""
        if isinstance(node, cst.ImportFrom) and node.module is not None:
            module_name = get_full_name_for_node(node.module) or ""
            if module_name.split(".")[0] in ("typing", "typing_extensions"):
                self._typing = True
        names = node.names
        if isinstance(names, cst.ImportStar):
            return  # LibCST records no binding for a star import
        for alias in names:
            if alias.asname is not None:
                bound_node = alias.asname.name
                self._import_names.add(id(bound_node))
                bound = [bound_node.value] if isinstance(bound_node, cst.Name) else []
            else:
                bound_node = alias.name
                bound = list(_dotted_names(alias.name))
            if isinstance(node, cst.Import) and (get_full_name_for_node(alias.name) or "").split(".")[0] in ("typing", "typing_extensions"):
                self._typing = True
            if alias.asname is not None and not isinstance(bound_node, cst.Name):
                self.certain = False  # `as (a, b)`: not valid Python, not something to guess about
            for name in bound:
                root = name.split(".")[0]
                if local:
                    self._other.add(root)
                    self._local_import_roots.add(root)
                    continue
                assignment = ImportAssignment(name=name, scope=None, node=node, index=0, as_name=bound_node)  # type: ignore[arg-type]
                self._imports.setdefault(name, []).append((assignment, self._order[node]))
                self._import_roots.add(root)

    def _check_annotation(self, annotation: cst.Annotation) -> None:
        """LibCST parses the strings of an annotation and visits what they hold: one holding a statement
        that binds a name (`"import x"`) makes the file uncertain."""
        pending: list[cst.CSTNode] = [annotation]
        while pending:
            node = pending.pop()
            if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
                self._annotation_strings = True
                try:
                    value = node.evaluated_value
                except Exception:  # noqa: BLE001 (whatever LibCST cannot evaluate, it is not sure)
                    self.certain = False
                    return
                if isinstance(value, bytes):
                    value = value.decode("latin-1")
                if value and _BINDING_WORDS.search(value):
                    self.certain = False
                    return
                continue
            pending.extend(node.children)

    # -- answers -----------------------------------------------------------------------------------
    def bound_by_an_import(self, root: str) -> bool | None:
        """True if an import anywhere binds `root` or a dotted name starting with it; None when not sure."""
        if not self.certain:
            return None
        return root in self._import_roots or root in self._local_import_roots

    def module_imports(self, name: str) -> list[cst.Import | cst.ImportFrom] | None:
        """The import statements behind the module scope's assignments of `name` (`scope.assignments[name]` of the
        GlobalScope: one entry per alias binding it) when nothing but module-level imports binds `name` ([] when
        nothing binds it); None when that cannot be told here."""
        if not self.certain or name.split(".")[0] in self._other:
            return None
        return [assignment.node for assignment, _ in self._imports.get(name, ())]  # type: ignore[misc]

    def reached(self, node: cst.CSTNode) -> bool | None:
        """True if LibCST's scope visitor gives `node` a scope, False if it does not reach it (an attribute's
        `attr`, a keyword's name, names inside an import or `global`), None when not sure."""
        if not self.certain:
            return None
        where = self._where(node)
        if where is None:
            return None
        return where != "unvisited"

    def import_reads(self, name: str, names: Iterable[cst.Name]) -> tuple[cst.Import | cst.ImportFrom, list[cst.Name]] | None:
        """When one module-level import binds `name` and nothing else binds it (nor a dotted name starting with it):
        that import statement, and the Names of `names` (every Name of the tree) that read it, the `references` of its
        assignment in LibCST's scope analysis; None otherwise, or when not sure.

        Every scope sees that import, so every access of `name` refers to it, except, at module level, those LibCST's
        visitor meets before the import (an access there is recorded after an assignment only if it comes later
        in the scope's order). Names it does not visit are no accesses; strings it may parse as annotations
        (a file importing `typing`, a string in an annotation) could hold more: not sure."""
        if not self.certain or self._typing or self._annotation_strings or "." in name or name in self._other:
            return None
        found = self._imports.get(name)
        if found is None or len(found) != 1:
            return None
        prefix = name + "."
        if any(other.startswith(prefix) for other in self._imports):
            return None
        assignment, number = found[0]
        reads: list[cst.Name] = []
        for node in names:
            if node.value != name:
                continue
            where = self._where(node)
            if where is None:
                return None
            if where == "unvisited":
                continue
            at_module_level, statement = where  # type: ignore[misc]
            if at_module_level and statement <= number:
                continue  # met before the import: it refers to a builtin or to nothing
            reads.append(node)
        return assignment.node, reads  # type: ignore[return-value]

    def _kind_of(self, root: str) -> str:
        """'imports': bound by module-level imports only; 'free': bound nowhere; 'other': bound otherwise
        and by no import; 'mixed': bound by an import and otherwise."""
        if root in self._other:
            return "mixed" if root in self._import_roots or root in self._local_import_roots else "other"
        return "imports" if root in self._import_roots else "free"

    def qualified_names(self, node: cst.CSTNode) -> set[QualifiedName] | None:
        """`scope.get_qualified_names_for(node)` as LibCST's QualifiedNameProvider gives it (an empty set for a
        node without a scope), or None when it cannot be told here."""
        if not self.certain:
            return None
        kind = type(node)
        if kind is cst.Name or kind is cst.Attribute:
            return self._name_or_attribute(node, imported_only=False)
        if kind is cst.Call or kind is cst.Subscript:  # never an access, always visited: a lookup of the full name
            full_name = get_full_name_for_node(node)
            if full_name is None:
                return set()
            if self._kind_of(full_name.split(".")[0]) in ("imports", "free"):
                return self._lookup(full_name)
            return None
        return None

    def imported(self, node: cst.CSTNode) -> set[QualifiedName] | None:
        """The names of `qualified_names(node)` that come from imports, or None when they cannot be told here
        (they can when the first name is bound by no import at all: then there are none)."""
        if not self.certain:
            return None
        kind = type(node)
        if kind is cst.Name or kind is cst.Attribute:
            return self._name_or_attribute(node, imported_only=True)
        if kind is cst.Call or kind is cst.Subscript:
            full_name = get_full_name_for_node(node)
            if full_name is None:
                return set()
            binding = self._kind_of(full_name.split(".")[0])
            if binding == "other":
                return set()
            if binding == "mixed":
                return None
            return {q for q in self._lookup(full_name) if q.source is QualifiedNameSource.IMPORT}
        return None

    def _name_or_attribute(self, node: cst.Name | cst.Attribute, imported_only: bool) -> set[QualifiedName] | None:
        full_name = get_full_name_for_node(node)
        if full_name is None:
            return None
        binding = self._kind_of(full_name.split(".")[0])
        if binding == "mixed":
            return None
        if imported_only and binding != "imports":
            return set()  # no import binds the first name: no imported name, whatever the scopes say
        if binding == "other":
            return None
        where = self._where(node)
        if where is None:
            return None
        if where == "unvisited":
            return set()
        at_module_level, number = where
        access = self._access_name(node)
        if access is None:
            names = self._lookup(full_name)
        else:
            names = self._referents_names(access, at_module_level, number)
        if imported_only:
            return {q for q in names if q.source is QualifiedNameSource.IMPORT}
        return names

    def _lookup(self, full_name: str) -> set[QualifiedName]:
        """`Scope.get_qualified_names_for` of a node that is not an access: the longest prefix of its full name
        that is bound (module-level imports, or a builtin), every binding of it asked about the full name."""
        prefix: str | None = full_name
        while prefix:
            found = self._imports.get(prefix)
            if found:
                names: set[QualifiedName] = set()
                for assignment, _ in found:
                    names |= assignment.get_qualified_names_for(full_name)
                return names
            if hasattr(builtins, prefix):
                return BuiltinAssignment(prefix, None).get_qualified_names_for(full_name)  # type: ignore[arg-type]
            index = prefix.rfind(".")
            prefix = None if index == -1 else prefix[:index]
        return set()

    def _referents_names(self, name: str, at_module_level: bool, number: int) -> set[QualifiedName]:
        """The names of an access's referents (`Access.record_assignments`): every module-level import of `name`
        (at module level: those of earlier statements; none -> the builtin), else the builtin of that name."""
        found = self._imports.get(name)
        if found:
            if at_module_level:
                found = [(assignment, where) for assignment, where in found if where < number]
            if found:
                names: set[QualifiedName] = set()
                for assignment, _ in found:
                    names |= assignment.get_qualified_names_for(name)
                return names
        if hasattr(builtins, name):
            return BuiltinAssignment(name, None).get_qualified_names_for(name)  # type: ignore[arg-type]
        return set()

    def _access_name(self, node: cst.Name | cst.Attribute) -> str | None:
        """The name under which `node` is an access (LibCST keys accesses by node), or None if it is none.

        A name read is an access; when it starts a dotted name (`a.b.c`, the outermost attribute met before a
        call), the access moves to the longest prefix of that dotted name that is bound (`import a.b`: `a.b`)."""
        parents = self._parents
        if type(node) is cst.Name:
            root: cst.CSTNode = node
            top: cst.CSTNode = node
        else:
            root = node
            while type(root) is cst.Attribute:
                root = root.value  # type: ignore[attr-defined]
            if type(root) is not cst.Name:
                return None
            top = node
        # the outermost attribute above `root` within the same call (LibCST's top-level attribute)
        chain_top: cst.CSTNode = root
        current = root
        outermost: cst.CSTNode | None = None
        pure = True
        while True:
            parent = parents.get(current)
            if parent is None or type(parent) is cst.Call:
                break
            if type(parent) is cst.Attribute:
                if parent.value is current and pure:  # type: ignore[attr-defined]
                    chain_top = parent
                elif parent.value is not current:  # type: ignore[attr-defined]
                    break  # cannot happen for a visited node: `attr` is not visited
                outermost = parent
            else:
                pure = False
                if isinstance(parent, (cst.BaseStatement, cst.BaseSmallStatement)):
                    break
            current = parent
        if outermost is not None and outermost is chain_top:
            # every dotted prefix of the chain, longest first; the first bound one is the access
            candidate: cst.CSTNode = chain_top
            while type(candidate) is cst.Attribute:
                name = get_full_name_for_node(candidate)
                if name is not None and self._imports.get(name):
                    return name if candidate is top else None
                candidate = candidate.value  # type: ignore[attr-defined]
        return root.value if top is root else None  # type: ignore[attr-defined]

    def _where(self, node: cst.CSTNode) -> tuple[bool, int] | str | None:
        """(at module level, number of the module-level statement holding it) for a node LibCST's scope
        visitor reaches; "unvisited" for one it does not (no scope: no names); None when not sure."""
        parents = self._parents
        order = self._order
        child = node
        local = False
        number = -1
        param_outer = False  # reached from a parameter's default or annotation: evaluated outside the function
        from_iter: cst.CSTNode | None = None  # reached from a comprehension's `iter` (that CompFor)
        while True:
            parent = parents.get(child)
            if parent is None:
                if type(child) is not cst.Module:
                    return None
                break
            kind = type(parent)
            if number < 0 and not local and child in order:
                number = order[child]
            if kind is cst.Attribute:
                if parent.attr is child:
                    return "unvisited"
            elif kind is cst.Arg:
                if parent.keyword is child:
                    return "unvisited"
            elif kind is cst.ImportAlias or kind is cst.Import or kind is cst.ImportFrom or kind is cst.NameItem or kind is cst.Global or kind is cst.Nonlocal:
                return "unvisited"
            elif kind is cst.Param:
                if parent.name is child:
                    return None
                param_outer = True
            elif kind is cst.FunctionDef or kind is cst.Lambda:
                if getattr(parent, "name", None) is child:
                    return None
                if child is parent.params:
                    if not param_outer:
                        local = True
                    param_outer = False
                elif child is parent.body:
                    local = True
            elif kind is cst.ClassDef:
                if parent.name is child:
                    return None
                if child is parent.body:
                    local = True
            elif kind is cst.CompFor:
                if child is parent.iter:
                    from_iter = parent
                else:
                    if from_iter is not None and child is not parent.inner_for_in:
                        return None
                    local = True  # target, conditions, an inner `for`'s iter: inside the comprehension
                    from_iter = None
                    child = parent
                    continue
                child = parent
                continue
            elif kind in _COMPREHENSIONS:
                if child is parent.for_in and from_iter is child:
                    pass  # the first `iter`: evaluated outside
                else:
                    local = True
                from_iter = None
            elif kind is cst.TypeParameters or kind is cst.TypeParam or kind is cst.TypeAlias:
                return None
            if from_iter is not None and kind is not cst.CompFor and not isinstance(parent, _COMPREHENSIONS):
                return None
            child = parent
        if not local and number < 0:
            return None
        return (not local, number)


def _statements(body: cst.BaseSuite) -> list[cst.CSTNode]:
    """The statements of a suite: an indented block's, or the one line of `if x: y` (a SimpleStatementSuite)."""
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    return [body]


def _dotted_names(node: cst.BaseExpression) -> list[str]:
    """`a.b.c` -> ["a.b.c", "a.b", "a"] (LibCST's `_gen_dotted_names` for an import's name)."""
    found: list[str] = []
    current = node
    while isinstance(current, cst.Attribute):
        name = get_full_name_for_node(current)
        if name is None:
            return []
        found.append(name)
        current = current.value
    if isinstance(current, cst.Name):
        found.append(current.value)
        return found
    return []
