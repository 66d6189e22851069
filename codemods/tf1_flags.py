"""TFM289/TFM299 tf1-flags-private-api: TF <= 1.4's private `tf.flags` API becomes absl's public one.

What it matches
    Uses of the flags object (`tf.flags.FLAGS`, `tf.app.flags.FLAGS`, their `tf.compat.v1` spellings, `flags.FLAGS`
    after `flags = tf.app.flags`, or a name bound once to one of them: `FLAGS = tf.flags.FLAGS`) through the private
    API of TensorFlow 1.4 and before, when `tf.flags` was an argparse wrapper:

        FLAGS._parse_flags()
        for attr, value in sorted(FLAGS.__flags.items()):      # also FLAGS.__dict__['__flags']
            print("{}={}".format(attr.upper(), value))

What it writes (TFM289)
    TF 1.5 moved `tf.flags` onto absl, where neither exists: `_parse_flags` raises AttributeError, and `__flags`
    is absl's own dictionary of Flag objects (every flag absl and TensorFlow define too), so the program stops
    or prints something else. The rule writes what TF 1.4 did with absl's public API:
    - `FLAGS._parse_flags()` parsed the known flags of `sys.argv[1:]` and returned the arguments it did not
      know: `FLAGS(sys.argv, known_only=True)` (absl returns them after `sys.argv[0]`, hence `[1:]` where the
      value is used), with `import sys` added;
    - `FLAGS.__flags` was a dictionary of the parsed flags' values by name, of the flags defined through
      `tf.flags` (TensorFlow's own used absl directly): `{flag.name: flag.value for module, defined in
      FLAGS.flags_by_module_dict().items() if not module.startswith(("absl.", "tensorflow.")) for flag in
      defined}`, the values of the flags the program's modules defined.

When it declines (TFM299, manual)
    `X._parse_flags()` / `X.__flags` where `X` cannot be told to be the flags object (reported with that condition);
    `_parse_flags(args)` with arguments; `__flags` (or `__dict__[...]`) assigned, deleted, or read where TF 1.4
    had not parsed yet (a module-level read before any `FLAGS._parse_flags()`: TF 1.4's dictionary was empty
    there); other private names (`__dict__['__parsed']`); a file that binds `sys` to something else.

Why
    `cnn-text-classification-tf`'s `eval.py` and many scripts of its time parse flags with `FLAGS._parse_flags()`
    and print them from `FLAGS.__flags`: on TF >= 1.5 they stop at the first line, whatever else is migrated.
    The command line itself is then read by absl: a flag name abbreviated to a prefix, or a boolean flag's value
    given as a separate word (`--eval_train false`), which argparse accepted, are not flags for absl.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ExpressionContext, ExpressionContextProvider, ParentNodeProvider, ScopeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from .base import Codemod, Rule
from .builders import source_of

FLAG_MODULES = frozenset(f"tf.{prefix}flags" for prefix in ("", "app.", "compat.v1.", "compat.v1.app.", "python.platform."))
FLAG_OBJECTS = frozenset(f"{module}.FLAGS" for module in FLAG_MODULES)
PRIVATE = ("_parse_flags", "__flags", "__dict__")
VALUES = (
    "{{flag.name: flag.value for module, defined in {flags}.flags_by_module_dict().items()"
    ' if not module.startswith(("absl.", "tensorflow.")) for flag in defined}}'
)

RULE = Rule(
    code="TFM289",
    name="tf1-flags-private-api",
    fix=FixKind.SAFE,
    summary="TF <= 1.4's private flags API (`FLAGS._parse_flags()`, `FLAGS.__flags`) becomes absl's public one, with the same result.",
    explanation="""
        Until TensorFlow 1.4, `tf.flags` was an argparse wrapper, and scripts parsed their flags with
        `FLAGS._parse_flags()` and listed them from `FLAGS.__flags`. From TF 1.5 on (and in TF 2's
        `tf.compat.v1.flags`), the flags are absl's: `_parse_flags` does not exist (AttributeError at the first
        line) and `__flags` is absl's dictionary of Flag objects, absl's and TensorFlow's own flags included.
        The rule writes what TF 1.4 did: `FLAGS(sys.argv, known_only=True)` parses the known flags and leaves
        the others (`[1:]` where the returned arguments are used: absl puts `sys.argv[0]` first), and
        `FLAGS.__flags` becomes a dictionary of the values of the flags the program's modules defined. The
        command line is then read by absl: abbreviated flag names and a boolean's value as a separate word
        (`--eval_train false`), which argparse took, are not flags there.
    """,
    before="""
        FLAGS = tf.flags.FLAGS
        FLAGS._parse_flags()
        for attr, value in sorted(FLAGS.__flags.items()):
            print("{}={}".format(attr.upper(), value))
    """,
    after="""
        FLAGS = tf.flags.FLAGS
        FLAGS(sys.argv, known_only=True)
        for attr, value in sorted({flag.name: flag.value for module, defined in FLAGS.flags_by_module_dict().items() if not module.startswith(("absl.", "tensorflow.")) for flag in defined}.items()):
            print("{}={}".format(attr.upper(), value))
    """,
)

REPORT_RULE = Rule(
    code="TFM299",
    name="tf1-flags-private-api-not-converted",
    fix=FixKind.MANUAL,
    summary="A use of TF <= 1.4's private flags API that absl's public one does not reproduce as written: reported.",
    explanation="""
        TFM289 rewrites `FLAGS._parse_flags()` and reads of `FLAGS.__flags`. Left as they are and reported:
        `_parse_flags(args)` with arguments (parse them with `FLAGS([sys.argv[0], *args], known_only=True)`),
        `__flags` assigned or deleted (set flags with `FLAGS.<name> = value`), a module-level read of `__flags`
        before any `_parse_flags()` (TF 1.4's dictionary was still empty there), other private names such as
        `FLAGS.__dict__['__parsed']` (absl: `FLAGS.is_parsed()`), and a file where `sys` names something else.
    """,
    before="""
        FLAGS.__dict__['__parsed'] = False
    """,
    after="""
        FLAGS.__dict__['__parsed'] = False  # reported: FLAGS.unparse_flags() in absl
    """,
)


class Tf1Flags(Codemod):
    RULES = (RULE, REPORT_RULE)
    TRIGGERS = ("tensorflow",)
    IDENTIFIERS = frozenset({"_parse_flags", "__flags"})
    METADATA_DEPENDENCIES = (*Codemod.METADATA_DEPENDENCIES, ExpressionContextProvider)

    def visit_Module(self, node: cst.Module) -> bool:
        self.replaced: dict[int, cst.BaseExpression] = {}
        private = [a for a in find(node, cst.Attribute) if a.attr.value in PRIVATE]  # type: ignore[attr-defined]
        uses = [a for a in private if self._is_flags(a.value)]
        for unknown in private:
            if unknown not in uses and (unknown.attr.value != "__dict__" or self._subscript_key(self.get_metadata(ParentNodeProvider, unknown, None), unknown) in ("__flags", "__parsed")):
                self.flag(unknown, REPORT_RULE.code, f"`{source_of(unknown)}`: if `{source_of(unknown.value)}` is TensorFlow's flags object, this is TF <= 1.4's private flags API, gone since absl serves `tf.flags` (`FLAGS(sys.argv, known_only=True)` parses, `FLAGS.flag_values_dict()` gives values); the rule could not tell what it is")
        if not uses:
            return False
        parsed_at = [self._module_statement(a) for a in uses if a.attr.value == "_parse_flags"]
        first_parse = min((node.body.index(s) for s in parsed_at if not isinstance(s, cst.FunctionDef)), default=None)  # type: ignore[arg-type]
        sys_taken = self._sys_taken(node)
        for use in sorted(uses, key=self.position):
            self._plan(node, use, first_parse, sys_taken)
        return bool(self.replaced)

    # -- what a use becomes -----------------------------------------------------------------------
    def _plan(self, module: cst.Module, use: cst.Attribute, first_parse: int | None, sys_taken: bool) -> None:
        flags = source_of(use.value)
        parent = self.get_metadata(ParentNodeProvider, use, None)
        name = use.attr.value
        if name == "_parse_flags":
            if not (isinstance(parent, cst.Call) and parent.func is use):
                self.flag(use, REPORT_RULE.code, "`_parse_flags` (TF <= 1.4's private flags API) used other than called: absl parses with `FLAGS(sys.argv, known_only=True)`")
                return
            if parent.args:
                self.flag(use, REPORT_RULE.code, "`_parse_flags(args)` (TF <= 1.4's private flags API) with arguments: parse them with `FLAGS([sys.argv[0], *args], known_only=True)` (absl)")
                return
            if sys_taken:
                self.flag(use, REPORT_RULE.code, "`_parse_flags()` (TF <= 1.4's private flags API): absl parses with `FLAGS(sys.argv, known_only=True)`, but `sys` names something else in this file")
                return
            statement = self.get_metadata(ParentNodeProvider, parent, None)
            used = not isinstance(statement, cst.Expr)
            call = f"{flags}(sys.argv, known_only=True)" + ("[1:]" if used else "")
            if self.offer_fix(use, RULE.code, f"`{flags}._parse_flags()` (TF <= 1.4's private flags API, gone since absl serves `tf.flags`): now `{call}`, which parses the known flags of the command line as TF 1.4 did"):
                self.replaced[id(parent)] = cst.parse_expression(call)
                AddImportsVisitor.add_needed_import(self.context, "sys")
            return
        target = use
        if name == "__dict__":
            key = self._subscript_key(parent, use)
            if key != "__flags":
                self.flag(use, REPORT_RULE.code, f"`{flags}.__dict__` (TF <= 1.4's private flags state{f', key {key!r}' if key else ''}) has no absl counterpart as written: use absl's public API (`FLAGS.is_parsed()`, `FLAGS.flag_values_dict()`)")
                return
            target = parent  # type: ignore[assignment]
        context = self.get_metadata(ExpressionContextProvider, target, None)
        if context is not ExpressionContext.LOAD:
            self.flag(use, REPORT_RULE.code, f"`{flags}.__flags` (TF <= 1.4's private flags values) assigned or deleted: set a flag with `FLAGS.<name> = value` (absl)")
            return
        if self._read_before_parse(module, target, first_parse):
            self.flag(use, REPORT_RULE.code, f"`{flags}.__flags` read before any `{flags}._parse_flags()`: TF 1.4's dictionary was still empty there, absl's flags have their defaults; say which you mean")
            return
        if self.offer_fix(use, RULE.code, f"`{flags}.__flags` (TF <= 1.4's private flags values; absl's dictionary of Flag objects since): now the values of the flags the program defined, by name"):
            self.replaced[id(target)] = cst.parse_expression(VALUES.format(flags=flags))

    def _read_before_parse(self, module: cst.Module, node: cst.CSTNode, first_parse: int | None) -> bool:
        """A read at module level with no `_parse_flags()` in an earlier module statement. (A read inside a
        function runs when the function is called: after `tf.app.run()` or the script's own parse.)"""
        statement = self._module_statement(node)
        if isinstance(statement, cst.FunctionDef):
            return False
        index = module.body.index(statement)  # type: ignore[arg-type]
        return first_parse is None or first_parse >= index

    def _subscript_key(self, parent: cst.CSTNode | None, use: cst.Attribute) -> str | None:
        if not (isinstance(parent, cst.Subscript) and parent.value is use and len(parent.slice) == 1):
            return None
        index = parent.slice[0].slice
        value = index.value if isinstance(index, cst.Index) else None
        return value.evaluated_value if isinstance(value, cst.SimpleString) else None  # type: ignore[return-value]

    # -- reading the file ---------------------------------------------------------------------------
    def _is_flags(self, node: cst.BaseExpression) -> bool:
        """`node` is TensorFlow's flags object: `tf.flags.FLAGS`, `flags.FLAGS` with `flags = tf.app.flags`, or a
        name bound once to one of those."""
        return self._names(node, FLAG_OBJECTS) or (
            isinstance(node, cst.Attribute) and node.attr.value == "FLAGS" and self._names(node.value, FLAG_MODULES)
        )

    def _names(self, node: cst.BaseExpression, wanted: frozenset[str]) -> bool:
        """`node` names one of `wanted`, directly or through a name bound once to it."""
        if self.qualified_name(node) in wanted:
            return True
        if isinstance(node, cst.Name):
            assign = self._only_assign(node)
            return assign is not None and len(assign.targets) == 1 and self._is_flags_or_module(assign.value, wanted)
        return False

    def _only_assign(self, name: cst.Name) -> cst.Assign | None:
        """The `name = ...` statement when it is the one binding `name` reaches (its own scope's, or an enclosing
        one's: `FLAGS` bound at module level and read in a function)."""
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        bindings = scope[name.value]
        if len(bindings) != 1:
            return None
        target = self.get_metadata(ParentNodeProvider, getattr(next(iter(bindings)), "node", None), None)
        assign = self.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.AssignTarget) else None
        return assign if isinstance(assign, cst.Assign) else None

    def _is_flags_or_module(self, value: cst.BaseExpression, wanted: frozenset[str]) -> bool:
        if wanted is FLAG_OBJECTS:
            return self._is_flags(value)
        return self.qualified_name(value) in wanted

    def _sys_taken(self, module: cst.Module) -> bool:
        """True when the file stores to `sys` other than by `import sys`."""
        for name in find(module, cst.Name):  # type: ignore[attr-defined]
            if name.value == "sys" and self.get_metadata(ExpressionContextProvider, name, None) is ExpressionContext.STORE:
                return True
        for alias in find(module, cst.ImportAlias):  # type: ignore[attr-defined]
            bound = alias.asname.name if alias.asname else alias.name
            if isinstance(bound, cst.Name) and bound.value == "sys" and not (isinstance(alias.name, cst.Name) and alias.name.value == "sys" and alias.asname is None):
                return True
        return False

    def _module_statement(self, node: cst.CSTNode) -> cst.CSTNode:
        current = node
        while True:
            parent = self.get_metadata(ParentNodeProvider, current)
            if isinstance(parent, cst.Module):
                return current
            current = parent

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        replacement = self.replaced.get(id(original_node))
        if replacement is not None:
            return replacement
        return super().on_leave(original_node, updated_node)


CODEMOD = Tf1Flags
