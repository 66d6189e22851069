"""The variable store that stands for `tf.get_variable` / `tf.variable_scope` (tf1_variables, TFM231).

What it matches
    Every `tf.get_variable(name, shape, ...)` and `with tf.variable_scope(name):` of a file (`_plan_store`):
    keywords with no counterpart, or only their neutral values (`GET_VARIABLE_NEUTRAL`), scopes opened with a
    name and at most `reuse=` (`_store_scope`; `as scope` only when `scope` is never read), calls outside
    classes (`_store_get`). One problem anywhere (`default_name`, `tf.get_variable_scope()`, regularizers,
    partitioners, ...: `SCOPE_TF1_ONLY`) leaves every call of the file as it is, each one reported.

What it writes
    A small `VariableStore(tf.Module)` written into the file once, after its docstring and imports
    (`STORE_CLASS`, `_store_statements`, `_is_preamble`): `with tf.variable_scope(name):` becomes `with
    variable_store.scope(name):` and `tf.get_variable(...)` becomes `variable_store.get(...)`, which returns
    the variable of that full scope/name, creating it the first time (TF1 initializers as Keras ones).

Why: TF1 looked variables up by full name in the graph's store; a TF1 program that ran never created a name
twice without reuse (TF1 raised), so a store that returns the existing variable is TF1's semantics for every
program that ran. `VariableStorePlan` is a part of the `Tf1Variables` codemod: its methods run with `self` the
codemod.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ScopeProvider

from .builders import with_commas
from .tf1_variables_model import Unsupported, _kw, _source
from .tf1_variables_rules import STORE_RULE


STORE_CLASS = '''
class VariableStore(TF.Module):
    """The variables this file made with TF1's `tf.get_variable`: created once, found again by scope/name."""

    def __init__(self):
        super().__init__(name="variable_store")
        self._by_name = {}
        self._scopes = []

    @contextlib.contextmanager
    def scope(self, name):
        """What `tf.variable_scope(name)` was: names made inside are prefixed with `name/`."""
        self._scopes.append(name)
        try:
            yield
        finally:
            self._scopes.pop()

    def get(self, name, shape=None, dtype=None, initializer=None, trainable=True):
        """What `tf.get_variable` was: the variable of this full name, created the first time."""
        full_name = "/".join([*self._scopes, name])
        if full_name not in self._by_name:
            if initializer is None:  # TF1's default: Glorot uniform for floats, zeros for the rest
                floating = TF.as_dtype(dtype or TF.float32).is_floating
                initializer = TF.keras.initializers.GlorotUniform() if floating else TF.keras.initializers.Zeros()
            with TF.init_scope():  # created eagerly, also when first called inside a tf.function
                if callable(initializer):
                    value = initializer(shape, dtype=dtype or TF.float32)
                else:
                    value = TF.convert_to_tensor(initializer, dtype=dtype)
                self._by_name[full_name] = TF.Variable(value, name=full_name, trainable=trainable)
        return self._by_name[full_name]


STORE = VariableStore()
'''

# tf.get_variable's TF1 positional order; keywords carried over, and keywords accepted only with these values.
GET_VARIABLE_PARAMS = (
    "name", "shape", "dtype", "initializer", "regularizer", "trainable", "collections", "caching_device",
    "partitioner", "validate_shape", "use_resource", "custom_getter", "constraint", "synchronization", "aggregation",
)  # fmt: skip
GET_VARIABLE_KEEP = ("name", "shape", "dtype", "initializer", "trainable")
GET_VARIABLE_NEUTRAL = {"regularizer": ("None",), "collections": ("None",), "caching_device": ("None",), "partitioner": ("None",),
                        "validate_shape": ("True",), "use_resource": ("None", "True"), "custom_getter": ("None",), "constraint": ("None",)}  # fmt: skip
SCOPE_TF1_ONLY = frozenset({"tf.get_variable_scope", "tf.variable_op_scope", "tf.get_local_variable", "tf.VariableScope", "tf.make_template"})


def _is_preamble(statement: cst.BaseStatement, index: int) -> bool:
    """Module docstring, imports: what the variable store is written after."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            continue
        if index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
            continue
        return False
    return True


class VariableStorePlan:
    """Plans the variable store of a file (a part of `Tf1Variables`)."""

    # -- the variable store (TFM231) ------------------------------------------------------------------------------
    def _plan_store(self, module: cst.Module) -> None:
        calls = self.candidates
        get_variables = [c for c in calls if self.resolved[c] == "tf.get_variable"]
        if not get_variables or self.written:
            return  # with TFM293's functions the file keeps TF1's variable scopes, which they share names through
        self.plan.store_name = self._fresh("variable_store")
        store = cst.Name(self.plan.store_name)
        problems: list[tuple[cst.CSTNode, str]] = []
        planned: dict[cst.Call, cst.Call] = {}
        for call in calls:
            name = self.resolved[call]
            if name in SCOPE_TF1_ONLY:
                problems.append((call, f"`{name}` has no counterpart in a create-once variable store"))
            elif name == "tf.variable_scope":
                try:
                    replacement = self._store_scope(call, store)
                except Unsupported as reason:
                    problems.append((call, str(reason)))
                    continue
                if replacement is not None:
                    planned[call] = replacement
        for name_node in self.scope_references:
            if self.qualified_name(name_node) == "tf.variable_scope" and not isinstance(self._parent(name_node), cst.Call):
                problems.append((name_node, "`tf.variable_scope` used other than in `with tf.variable_scope(name):`"))
        gets: list[cst.Call] = []
        for call in get_variables:
            try:
                planned[call] = self._store_get(call, store)
                gets.append(call)
            except Unsupported as reason:
                problems.append((call, str(reason)))
        if problems:
            for node, reason in problems:
                self.flag(node, STORE_RULE.code, f"{reason}; no `tf.get_variable` in this file was converted: create the variables once yourself (a `tf.Module` or Keras layer holding them) and reuse them")
            first = self.position(problems[0][0])[0]
            for call in gets:
                self.flag(call, STORE_RULE.code, f"`tf.get_variable` (gone in TF 2.21) left as it is, with every other one in this file, because of line {self.run.linemap.to_original(first)}")
            return
        applied = [call for call in gets if self.offer_fix(call, STORE_RULE.code, "`tf.get_variable` (gone in TF 2.21) would make a new variable on every eager call: now `{0}.get(...)`, created once and found again by scope/name".format(self.plan.store_name))]
        if not applied:
            return
        for call, replacement in planned.items():
            if call in get_variables and call not in applied:
                continue
            self.plan.store_calls[call] = replacement
        self.plan.store_class = self._fresh("VariableStore")
        AddImportsVisitor.add_needed_import(self.context, "contextlib")

    def _store_scope(self, call: cst.Call, store: cst.Name) -> cst.Call | None:
        item = self._parent(call)
        if not isinstance(item, cst.WithItem) or item.item is not call:
            raise Unsupported("`tf.variable_scope(...)` used other than as `with tf.variable_scope(name):`")
        if item.asname is not None and not self._unread_as_name(item):
            raise Unsupported("`with tf.variable_scope(...) as scope`: the scope object has no counterpart")
        # (`as scope` with `scope` never read: the store's scope binds it to None, which nothing sees)
        if self._parent(item) in self.plan.unwrap:
            return None  # only converted layers inside: the block loses its `with` (TFM230)
        name: cst.BaseExpression | None = None
        for index, arg in enumerate(call.args):
            keyword = arg.keyword.value if arg.keyword is not None else ("name_or_scope" if index == 0 else None)
            if arg.star or keyword is None:
                raise Unsupported("`tf.variable_scope` with `default_name`/`values` given by position: unique scope names have no counterpart")
            if keyword == "name_or_scope":
                name = arg.value
            elif keyword != "reuse":
                raise Unsupported(f"`tf.variable_scope(..., {keyword}=...)` has no counterpart in the store")
        if name is None or (isinstance(name, cst.Name) and name.value == "None"):
            raise Unsupported("`tf.variable_scope` without a name (`default_name` makes unique names)")
        return cst.Call(func=cst.Attribute(value=store, attr=cst.Name("scope")), args=[cst.Arg(value=name)])

    def _unread_as_name(self, item: cst.WithItem) -> bool:
        """`with ... as scope:` where the plain name `scope` is never read in its scope (tutorials copy it)."""
        target = item.asname.name if item.asname is not None else None
        if not isinstance(target, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None:
            return False
        return all(not a.references for a in scope.assignments[target.value]) and not scope.accesses[target.value]

    def _store_get(self, call: cst.Call, store: cst.Name) -> cst.Call:
        node: cst.CSTNode | None = self._parent(call)
        while node is not None:
            if isinstance(node, cst.ClassDef):
                raise Unsupported(f"`tf.get_variable` inside class `{node.name.value}`: in a Keras layer use `self.add_weight` (TFM102); elsewhere create it once in `__init__`")
            node = self._parent(node)
        pairs: list[tuple[str, cst.BaseExpression]] = []
        for index, arg in enumerate(call.args):
            if arg.star:
                raise Unsupported("`*args` / `**kwargs` in `tf.get_variable`: write the arguments out")
            keyword = arg.keyword.value if arg.keyword is not None else (GET_VARIABLE_PARAMS[index] if index < len(GET_VARIABLE_PARAMS) else None)
            if keyword not in GET_VARIABLE_PARAMS:
                raise Unsupported(f"`tf.get_variable` argument `{keyword}` not understood")
            if keyword in GET_VARIABLE_NEUTRAL:
                if _source(arg.value) not in GET_VARIABLE_NEUTRAL[keyword]:
                    raise Unsupported(f"`tf.get_variable(..., {keyword}=...)` has no counterpart in the store")
                continue
            if keyword not in GET_VARIABLE_KEEP:
                raise Unsupported(f"`tf.get_variable(..., {keyword}=...)` has no counterpart in the store")
            if keyword == "initializer":
                value = self._initializer(arg.value)
            else:
                value = arg.value
            pairs.append((keyword, value))
        given = dict(pairs)
        if "name" not in given:
            raise Unsupported("`tf.get_variable` without a name")
        args = [cst.Arg(value=given["name"])]
        if "shape" in given:
            args.append(cst.Arg(value=given["shape"]))
        args.extend(_kw(k, v) for k, v in pairs if k not in ("name", "shape"))
        return cst.Call(func=cst.Attribute(value=store, attr=cst.Name("get")), args=with_commas(args))

    def _store_statements(self) -> list[cst.BaseStatement]:
        text = STORE_CLASS.replace("TF.", f"{self.tf}.").replace("VariableStore", self.plan.store_class).replace("STORE", self.plan.store_name)
        body = list(cst.parse_module(text.lstrip("\n"), config=self.tree.config_for_parsing).body)
        body[0] = body[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        return body
