"""Where a variable kept by a Keras layer becomes `self.add_weight(...)`, for layer_variables (TFM101-TFM105).

What it matches
    A `tf.Variable`, `tf.get_variable` / `model_variable`, `K.variable`, `K.zeros`, `K.ones`,
    `K.random_*_variable` or `K.eye` call of a layer method whose value the layer keeps
    (codemods/layer_variables_storage.py), not made in `call()` or before `super().__init__()`
    (`_plan_variable`); its arguments by each factory's positional order (`_bind`), those that change nothing
    only with their neutral values (`_check_harmless`).

What it writes
    `self.add_weight(name=..., shape=..., initializer=..., trainable=..., dtype=..., regularizer=...,
    constraint=...)`, always with keywords, in the call's own layout (`_build`, `_layout_like`; the call's
    comments kept, `_keep_comments`): the shape and initializer from the initial value
    (codemods/layer_variables_values.py), `trainable=False` where standalone Keras 2 kept an unlisted variable
    out of training; any other initial value computed once into a local held by a `Constant` initializer
    (TFM104, unsafe). It declines (TFM105) names with '/', integer or bool variables left trainable, unknown
    arguments. The roots of the names the old call used (`K`, `np`) are noted so that imports nothing uses any
    more go (`_note_import_roots`).

Why: Keras 3 does not track a raw variable kept in an attribute: it is missing from `trainable_weights` and
`fit()` trains nothing. `WeightCalls` is a part of the `LayerVariables` codemod: its methods run with `self`
the codemod.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate import traversal

from . import imports
from .builders import dotted, with_commas
from .layer_variables_model import CODE_FOR_KIND, FACTORIES, HARMLESS, INT_DTYPES, MethodInfo, Plan, Target, Unmappable, _dtype_name, _Generic, _is_none, _shape, _source, keyword
from .layer_variables_rules import GENERIC_VALUE, MANUAL_VARIABLE
from .source_text import module_text


class WeightCalls:
    """Plans the `add_weight` call of each variable a layer keeps (a part of `LayerVariables`)."""

    # -- variables -----------------------------------------------------------------------------
    def _plan_variable(self, call: cst.Call, name: str, method: MethodInfo) -> bool:
        kind, params = FACTORIES[name]
        code = CODE_FOR_KIND[kind]
        short = "tf.Variable" if kind == "variable" else name if kind == "get_variable" else "K." + name.rsplit(".", 1)[-1]
        where = f"`{short}` in Keras class `{method.klass.name.value}`"
        stored = self._stored_on_self(call, method)
        if not stored and kind in ("k_zeros", "k_ones", "k_eye", "k_random_normal", "k_random_uniform"):
            return False  # a constant tensor as often as a variable: not this rule's business unless kept as a weight
        if not stored:
            self.flag(call, MANUAL_VARIABLE.code, f"{where} is not stored on the layer (a local, or passed elsewhere): Keras 3 does not track it; create it with `self.add_weight(...)` in `build()` and keep it as an attribute")
            return False
        if method.node.name.value == "call":
            self.flag(call, MANUAL_VARIABLE.code, f"{where} is created in `call()`: create it once with `self.add_weight(...)` in `build()` and only use it in `call()`")
            return False
        if self._before_super_init(call, method):
            self.flag(call, MANUAL_VARIABLE.code, f"{where} is created before `super().__init__()`: Keras 3 cannot add a weight yet; move it after that call and use `self.add_weight(...)`")
            return False
        try:
            plan = self._build(call, kind, params, method, stored if isinstance(stored, cst.SimpleStatementLine) else None, where, code)
        except Unmappable as reason:
            self.flag(call, MANUAL_VARIABLE.code, f"{where}: {reason}")
            return False
        if self.offer_fix(call, plan.code, plan.message, unsafe=plan.unsafe):
            self.edits.calls[call] = self._layout_like(call, plan.replacement)
            self._keep_comments(call)
            self._note_import_roots(call)  # `K`, `np`: dropped at the end if nothing else uses them
            if self._keras is not None and self._keras in cst.Module(body=[]).code_for_node(plan.replacement) + (
                _source(plan.pre_statement) if plan.pre_statement is not None else ""
            ):
                imports.require_keras_namespace(self.context, self._keras_import)
            if plan.pre_statement is not None and isinstance(stored, cst.SimpleStatementLine):
                self.edits.before_statement[stored] = plan.pre_statement
            return True
        return False

    def _note_import_roots(self, call: cst.Call) -> None:
        roots = self._import_roots

        class Find(cst.CSTVisitor):
            def visit_Attribute(self, node: cst.Attribute) -> bool:
                base = node
                while isinstance(base, cst.Attribute):
                    base = base.value
                if isinstance(base, cst.Name):
                    roots.setdefault(base.value, base)
                return False

            def visit_Name(self, node: cst.Name) -> None:
                roots.setdefault(node.value, node)

            def visit_Arg_keyword(self, node: cst.Arg) -> None:
                pass

        for part in (call.func, *(arg.value for arg in call.args)):
            traversal.visit(part, Find())

    def _layout_like(self, original: cst.Call, new: cst.BaseExpression) -> cst.BaseExpression:
        """A call written over several lines is rewritten one argument a line, like Black would."""
        if not isinstance(new, cst.Call) or "\n" not in _source(original) or len(new.args) < 2:
            return new
        assert self.source_module is not None
        if self._lines is None:
            self._lines = module_text(self.source_module).splitlines()
        line, _ = self.position(original)
        text = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        base = text[: len(text) - len(text.lstrip())]
        inner = base + self.source_module.default_indent

        def break_to(indent: str) -> cst.ParenthesizedWhitespace:
            return cst.ParenthesizedWhitespace(last_line=cst.SimpleWhitespace(indent))

        args = [arg.with_changes(comma=cst.Comma(whitespace_after=break_to(inner if i < len(new.args) - 1 else base))) for i, arg in enumerate(new.args)]
        return new.with_changes(args=args, whitespace_before_args=break_to(inner))

    def _keep_comments(self, call: cst.Call) -> None:
        """Comments written inside a call that is rebuilt move to the lines above its statement."""
        comments: list[cst.Comment] = []

        class Find(cst.CSTVisitor):
            def visit_Comment(self, node: cst.Comment) -> None:
                comments.append(node)

        traversal.visit(call, Find())
        if not comments:
            return
        node: cst.CSTNode | None = call
        while node is not None and not isinstance(node, cst.SimpleStatementLine):
            node = self.get_metadata(ParentNodeProvider, node, None)
        if node is not None:
            self.edits.comments.setdefault(node, []).extend(comments)

    def _bind(self, call: cst.Call, params: tuple[str, ...], allowed_keywords: set[str] | None = None) -> dict[str, cst.BaseExpression]:
        bound: dict[str, cst.BaseExpression] = {}
        positional = 0
        for arg in call.args:
            if arg.star:
                raise Unmappable("arguments passed with `*`/`**` cannot be checked; write the `self.add_weight(...)` call by hand")
            if arg.keyword is None:
                if positional >= len(params):
                    raise Unmappable("more positional arguments than the rule can map; pass them by keyword or write `self.add_weight(...)` by hand")
                bound[params[positional]] = arg.value
                positional += 1
            else:
                key = arg.keyword.value
                if allowed_keywords is not None and key not in allowed_keywords and key not in params:
                    raise Unmappable(f"argument `{key}` is not understood; write the `self.add_weight(...)` call by hand")
                bound[key] = arg.value
        return {k: v for k, v in bound.items() if not _is_none(v) or k in ("initializer",)}

    def _check_harmless(self, bound: dict[str, cst.BaseExpression], known: set[str]) -> None:
        for key, value in list(bound.items()):
            if key in known:
                continue
            if key in HARMLESS and _source(value).strip() in HARMLESS[key]:
                del bound[key]
                continue
            raise Unmappable(f"`{key}={_source(value).strip()}` has no `add_weight` counterpart; create the weight with `self.add_weight(...)` by hand")

    def _build(self, call, kind, params, method, statement, where, code) -> Plan:
        unsafe_reasons: list[str] = []
        if kind == "variable":
            allowed = set(params) | {"name", "dtype", "constraint", "shape"} | set(HARMLESS)
            bound = self._bind(call, params, allowed)
            self._check_harmless(bound, {"initial_value", "trainable", "name", "dtype", "constraint"})
            if "initial_value" not in bound:
                raise Unmappable("no initial value; create the weight with `self.add_weight(shape=..., initializer=...)` by hand")
            explicit_dtype = bound.get("dtype")
            target = self._value(bound["initial_value"], explicit_dtype, keras_floatx=False)
        elif kind == "k_variable":
            bound = self._bind(call, params, set(params))
            explicit_dtype = bound.get("dtype")
            target = self._value(bound["value"], explicit_dtype, keras_floatx=True)
        elif kind in ("k_zeros", "k_ones"):
            bound = self._bind(call, params, set(params))
            if "shape" not in bound:
                raise Unmappable("no shape given")
            target = Target(shape=bound["shape"], initializer=self.string("zeros" if kind == "k_zeros" else "ones"), dtype=bound.get("dtype"), ints_usual=True)
        elif kind in ("k_random_normal", "k_random_uniform"):
            bound = self._bind(call, params, set(params))
            first, second = ("mean", "scale") if kind == "k_random_normal" else ("low", "high")
            if "shape" not in bound or first not in bound or second not in bound:
                raise Unmappable(f"`shape`, `{first}` and `{second}` are needed (Keras 2 required them)")
            if kind == "k_random_normal":
                initializer = self.initializer("RandomNormal", mean=bound["mean"], stddev=bound["scale"], seed=bound.get("seed"))
            else:
                initializer = self.initializer("RandomUniform", minval=bound["low"], maxval=bound["high"], seed=bound.get("seed"))
            target = Target(shape=bound["shape"], initializer=initializer, dtype=bound.get("dtype"))
        elif kind == "k_eye":
            bound = self._bind(call, params, set(params))
            size = bound.get("size")
            if not isinstance(size, (cst.Integer, cst.Name, cst.Attribute, cst.BinaryOperation, cst.Subscript)) or "(" in _source(size):  # written twice: no calls
                raise Unmappable("`K.eye` of a size the rule cannot read; write `self.add_weight(shape=(n, n), initializer='identity')` by hand")
            shape = cst.Tuple([cst.Element(size, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(size)])
            target = Target(shape=shape, initializer=self.string("identity"), dtype=bound.get("dtype"))
        else:  # get_variable
            allowed = set(params) | {"constraint"} | set(HARMLESS)
            bound = self._bind(call, params, allowed)
            self._check_harmless(bound, {"name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint"})
            target = self._get_variable(bound)
            if "regularizer" in bound:
                unsafe_reasons.append("Keras adds the regularizer's penalty to the layer's losses, so `fit()` now minimizes it too (TF1 only put it in the REGULARIZATION_LOSSES collection)")
        if target.unsafe_reason:
            unsafe_reasons.append(target.unsafe_reason)
        keras22_note = ""
        if method.klass in self.standalone_classes and "trainable" not in bound and self._listed(call, method, "non_trainable_weights"):
            unsafe_reasons.append(
                "it is listed in `non_trainable_weights`, where Keras 2.3 also tracked it as trainable (Keras 2.2 only as non-trainable): "
                "`add_weight` makes it trainable; add `trainable=False` if it is a constant or state"
            )
        elif method.klass in self.standalone_classes and "trainable" not in bound and self.listed_trainable and not self._listed(call, method):
            # Keras 2.3.1's `trainable_weights` setter replaced the list `__setattr__` had filled: an unlisted variable
            # was neither trained nor a weight (Keras 2.2: the same). A non-trainable weight computes the same.
            bound["trainable"] = cst.Name("False")
            parent = self.get_metadata(ParentNodeProvider, call, None)
            if isinstance(parent, cst.Assign):
                self.frozen_unlisted.update((id(method.klass), _source(t.target).strip()) for t in parent.targets)
            keras22_note = (
                "; `trainable=False`: the class sets `trainable_weights` to a list without it, which in Keras 2.2 and 2.3 "
                "alike kept it out of training"
            )
        elif method.klass in self.standalone_classes and "trainable" not in bound and not self._listed(call, method):
            # Keras 2.3.1 (`Layer.__setattr__`) and tf.keras 2.x tracked a variable set as a layer attribute, trainable per
            # its own flag (True for K.variable / tf.Variable): add_weight's default. Only Keras 2.2 and earlier ignored it.
            keras22_note = (
                "; a trainable weight, as Keras 2.3 and tf.keras 2.x tracked it (Keras 2.2 and earlier ignored a variable kept on a layer "
                "unless listed in `trainable_weights`: if the code was written for them and means a constant or state, add `trainable=False`)"
            )
        if target.shape is not None:
            target.shape, shape_reason = _shape(target.shape, target.ints_usual)
            if shape_reason:
                unsafe_reasons.append(shape_reason)

        name = bound.get("name")
        if name is not None:
            text = _source(name)
            if not isinstance(name, (cst.Name, cst.Attribute)) and "/" in text:
                raise Unmappable("its name contains '/', which Keras 3 rejects in weight names; choose a name without '/' and write `self.add_weight(...)` by hand")
        trainable = bound.get("trainable")
        dtype = target.dtype
        if kind in ("variable", "get_variable") or dtype is not None:
            dtype_name = _dtype_name(dtype, self) if dtype is not None else "float32"
            if dtype_name is not None and (dtype_name in INT_DTYPES or dtype_name == "bool") and not (trainable is not None and _source(trainable).strip() == "False"):
                raise Unmappable(f"a variable of dtype {dtype_name} would become a trainable weight in Keras; if it is a counter or a flag, write `self.add_weight(..., dtype='{dtype_name}', trainable=False)`")

        pre_statement = None
        if target.initializer is None and target.shape is None and isinstance(target, _Generic):
            # the generic form: compute the value once into a local, then take its shape and dtype
            if statement is None:
                raise Unmappable("its initial value is not a form the rule knows and it is not a plain `self.x = ...`; create the weight with `self.add_weight(shape=..., initializer=...)` by hand")
            attr = self._attr_name(statement)
            local = f"initial_{attr}"
            if self._name_used(method, local):
                raise Unmappable(f"its initial value is not a form the rule knows (and the name `{local}` is taken); create the weight with `self.add_weight(shape=..., initializer=...)` by hand")
            convert_args = [cst.Arg(target.value)]
            if target.dtype is not None:
                convert_args.append(keyword("dtype", target.dtype))
            convert = cst.Call(func=dotted(f"{self.keras()}.ops.convert_to_tensor"), args=with_commas(convert_args))
            pre_statement = cst.SimpleStatementLine(
                body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(local))], value=convert)],
                leading_lines=statement.leading_lines,
            )
            target = Target(
                shape=dotted(f"{local}.shape"),
                initializer=self.initializer("Constant", value=cst.Name(local)),
                dtype=target.dtype if kind == "k_variable" else dotted(f"{local}.dtype"),
            )
            unsafe_reasons.insert(0, "its initial value is not a form the rule knows: it is computed once and held by a `Constant` initializer")
            code = GENERIC_VALUE.code

        args: list[cst.Arg] = []
        if name is not None:
            args.append(keyword("name", name))
        if target.shape is not None:
            args.append(keyword("shape", target.shape))
        if target.initializer is not None:
            args.append(keyword("initializer", target.initializer))
        if trainable is not None:
            args.append(keyword("trainable", trainable))
        if target.dtype is not None:
            args.append(keyword("dtype", target.dtype))
        if "regularizer" in bound:
            args.append(keyword("regularizer", self._regularizer(bound["regularizer"])))
        if "constraint" in bound:
            args.append(keyword("constraint", bound["constraint"]))
        replacement = cst.Call(func=dotted(f"{method.self_name}.add_weight"), args=with_commas(args))
        message = f"{where}: Keras 3 does not track it (no weights, nothing trained); now `{method.self_name}.add_weight(...)`{keras22_note}"
        if unsafe_reasons:
            message += "; unsafe: " + "; ".join(unsafe_reasons)
        return Plan(code=code, message=message, replacement=replacement, unsafe=bool(unsafe_reasons), pre_statement=pre_statement)
