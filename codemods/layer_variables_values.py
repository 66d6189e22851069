"""A variable's initial value as `add_weight`'s shape, initializer and dtype, for layer_variables (TFM101-TFM104, TFM109).

What it matches
    The initial value of a `tf.Variable` / `K.variable` (`_value`): Python and NumPy literals
    (`_literal_target`), `tf.zeros/ones/fill/constant`, `np.zeros/ones/full/array`,
    `tf.random.normal/uniform/truncated_normal` and their TF1 names (`_call_target`), a TF1 or Keras
    initializer object called with a shape (`init(shape=..., dtype=...)`: `_initializer_call_target`), an
    initializer the class keeps (`self.init = initializers.get('normal')`: `_attribute_initializer`); the
    `shape=` / `initializer=` of `tf.get_variable` (`_get_variable`: TF1's default initializer, Glorot
    uniform, spelled out); TF1 initializer objects (`tf.random_normal_initializer`,
    `tf.contrib.layers.xavier_initializer`, ...: `_initializer_object`, `_map_initializer`), whose defaults
    depend on whether the file is TF1 code (`_tensorflow_version`, `_uses_tf1_names`).

What it writes
    A `Target`: the shape (a tuple or list), the Keras initializer (a string such as `'zeros'`, or
    `keras.initializers.RandomNormal(mean=0.0, stddev=1.0)` with TF1's defaults written out where Keras'
    differ) and the dtype (`np.zeros(3)` is float64); a value it does not know gets the generic form (computed
    once, TFM104). What cannot be mapped exactly raises `Unmappable` (TFM105).

Why: `add_weight` takes a shape and an initializer, not a value; the weight must start with the same numbers.
`InitialValues` is a part of the `LayerVariables` codemod: its methods run with `self` the codemod.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider, QualifiedNameSource

from tf2migrate import traversal

from . import imports
from .layer_variables_model import FLOAT_DTYPES, INT_DTYPES, Target, Unmappable, _array_shape, _dtype_name, _flat, _Generic, _is_none, _literal, _literal_or_none
from .names import only_assign
from .tf1_initializers import CONTRIB_INITIALIZERS, KERAS_PARAMS, STRING_INITIALIZERS, TF1_INITIALIZERS, TF2_DEFAULTS, contrib_initializer


class InitialValues:
    """Maps initial values to `add_weight`'s shape, initializer and dtype (a part of `LayerVariables`)."""

    # -- initial values --------------------------------------------------------------------------
    def _value(self, value: cst.BaseExpression, explicit_dtype: cst.BaseExpression | None, keras_floatx: bool) -> "Target":
        """shape/initializer/dtype for a variable created from `value`.

        `explicit_dtype`: the variable's own dtype argument (wins). `keras_floatx`: K.variable, whose
        default dtype is floatx (add_weight's default), whatever the value's type.
        """
        target = self._value_target(value)
        if target is None:
            return _Generic(value=value, dtype=explicit_dtype)
        if explicit_dtype is not None:
            target.dtype = explicit_dtype
        elif keras_floatx:
            target.dtype = None
        return target

    def _value_target(self, value: cst.BaseExpression) -> Target | None:
        # Python literals
        try:
            literal = _literal(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            literal = None
        else:
            if isinstance(literal, bool):
                return Target(initializer=self.string("ones" if literal else "zeros"), dtype=self.string("bool"))
            return self._literal_target(literal, value, numpy=False)
        if not isinstance(value, cst.Call):
            return None
        name = self.qualified_name(value)
        try:
            if name is None or name.startswith(("tf.initializers.", "keras.initializers.")):
                return self._initializer_call_target(value)
            return self._call_target(name, value)
        except Unmappable:
            return None

    def _initializer_call_target(self, call: cst.Call) -> Target | None:
        """`init(shape=..., dtype=...)` (TF2's guide: `tf.Variable(initial_value=w_init(shape=(3, 4)))`):
        Keras calls the same initializer object with the same shape and dtype."""
        bound = self._bind(call, ("shape", "dtype"), {"shape", "dtype"})
        if "shape" not in bound:
            return None
        func = call.func
        if isinstance(func, cst.Call):
            mapped = self._initializer_object(func)
            if mapped is None:
                return None
            return Target(shape=bound["shape"], initializer=mapped[0], dtype=bound.get("dtype"), unsafe_reason=mapped[1])
        if isinstance(func, cst.Name) and (self._bound_to_initializer(func) or any(a.keyword and a.keyword.value == "shape" for a in call.args)):
            return Target(shape=bound["shape"], initializer=func, dtype=bound.get("dtype"))
        if isinstance(func, cst.Attribute) and self._attribute_initializer(func):
            return Target(shape=bound["shape"], initializer=func, dtype=bound.get("dtype"))
        return None

    def _attribute_initializer(self, func: cst.Attribute) -> bool:
        """`self.init` that the class sets once, to a Keras or TF1 initializer (`initializers.get('normal')`)."""
        if not isinstance(func.value, cst.Name) or self._current is None or func.value.value != self._current.self_name:
            return False
        attr = func.attr.value
        values: list[cst.BaseExpression] = []
        self_name = self._current.self_name

        class Find(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    t = target.target
                    if isinstance(t, cst.Attribute) and t.attr.value == attr and isinstance(t.value, cst.Name) and t.value.value == self_name:
                        values.append(node.value)

        traversal.visit(self._current.klass, Find())
        if len(values) != 1 or not isinstance(values[0], cst.Call):
            return False
        called = self.qualified_name(values[0]) or ""
        return called in TF1_INITIALIZERS or called.startswith(("keras.initializers.", "tf.initializers."))

    def _bound_to_initializer(self, name: cst.Name) -> bool:
        assign = only_assign(self, name)
        if assign is None or not isinstance(assign.value, cst.Call):
            return False
        called = self.qualified_name(assign.value) or ""
        return called in TF1_INITIALIZERS or called.startswith(("keras.initializers.", "tf.initializers."))

    def _literal_target(self, literal, node: cst.BaseExpression, numpy: bool, dtype: cst.BaseExpression | None = None) -> Target | None:
        shape = _array_shape(literal)
        if shape is None:
            return None
        flat = _flat(literal)
        is_float = any(isinstance(x, float) for x in flat)
        if dtype is None:
            if numpy:
                dtype = self.string("float64" if is_float else "int64")
            elif not is_float:
                dtype = self.string("int32")
        shape_node = None if shape == () else cst.parse_expression(repr(tuple(shape)))
        if all(x == 0 for x in flat):
            initializer: cst.BaseExpression = self.string("zeros")
        elif all(x == 1 for x in flat):
            initializer = self.string("ones")
        else:
            literal_node = node if shape == () or not numpy else node
            initializer = self.initializer("Constant", value=literal_node.with_changes(lpar=[], rpar=[]) if hasattr(literal_node, "lpar") else literal_node)
        return Target(shape=shape_node, initializer=initializer, dtype=dtype)

    def _call_target(self, name: str, call: cst.Call) -> Target | None:
        if name in ("numpy.float16", "numpy.float32", "numpy.float64"):
            bound = self._bind(call, ("x",), {"x"})
            if "x" not in bound:
                return None
            literal = _literal_or_none(bound["x"])
            if literal is None or _array_shape(literal) is None:
                return None
            return self._literal_target(literal, bound["x"], numpy=False, dtype=self.string(name.split(".")[1]))
        if name in ("numpy.array", "numpy.asarray"):
            bound = self._bind(call, ("object", "dtype"), {"object", "dtype"})
            literal = _literal_or_none(bound.get("object"))
            if literal is None:
                return None
            return self._literal_target(literal, bound["object"], numpy=True, dtype=bound.get("dtype"))
        if name in ("numpy.zeros", "numpy.ones"):
            bound = self._bind(call, ("shape", "dtype"), {"shape", "dtype"})
            if "shape" not in bound:
                return None
            return Target(shape=bound["shape"], initializer=self.string(name.split(".")[1]), dtype=bound.get("dtype") or self.string("float64"), ints_usual=True)
        if name == "numpy.full":
            bound = self._bind(call, ("shape", "fill_value", "dtype"), {"shape", "fill_value", "dtype"})
            fill = bound.get("fill_value")
            literal = _literal_or_none(fill)
            if "shape" not in bound or fill is None:
                return None
            dtype = bound.get("dtype")
            if dtype is None:
                if not isinstance(literal, float):
                    return None
                dtype = self.string("float64")
            return Target(shape=bound["shape"], initializer=self._constant(fill, literal), dtype=dtype, ints_usual=True)
        if name in ("tf.zeros", "tf.ones"):
            bound = self._bind(call, ("shape", "dtype", "name"), {"shape", "dtype", "name"})
            if "shape" not in bound:
                return None
            return Target(shape=bound["shape"], initializer=self.string(name[3:]), dtype=bound.get("dtype"), ints_usual=True)
        if name == "tf.fill":
            bound = self._bind(call, ("dims", "value", "name"), {"dims", "value", "name"})
            literal = _literal_or_none(bound.get("value"))
            if "dims" not in bound or not isinstance(literal, (int, float)) or isinstance(literal, bool):
                return None
            dtype = None if isinstance(literal, float) else self.string("int32")
            return Target(shape=bound["dims"], initializer=self._constant(bound["value"], literal), dtype=dtype, ints_usual=True)
        if name == "tf.constant":
            bound = self._bind(call, ("value", "dtype", "shape", "name", "verify_shape"), {"value", "dtype", "shape", "name", "verify_shape"})
            literal = _literal_or_none(bound.get("value"))
            if literal is None:
                return None
            target = self._literal_target(literal, bound["value"], numpy=False, dtype=bound.get("dtype"))
            if target is None:
                return None
            if "shape" in bound:
                if _array_shape(literal) != ():
                    return None  # TF1 fills a larger shape with the last value: not a Keras initializer
                target.shape = bound["shape"]
                target.ints_usual = True
                if target.initializer is not None and isinstance(target.initializer, cst.SimpleString) is False:
                    target.initializer = self._constant(bound["value"], literal)
            return target
        random = {
            "tf.random_normal": "normal",
            "tf.random.normal": "normal",
            "tf.truncated_normal": "truncated",
            "tf.random.truncated_normal": "truncated",
            "tf.random_uniform": "uniform",
            "tf.random.uniform": "uniform",
        }.get(name)
        if random is not None:
            if random == "uniform":
                bound = self._bind(call, ("shape", "minval", "maxval", "dtype", "seed", "name"), {"shape", "minval", "maxval", "dtype", "seed", "name"})
            else:
                bound = self._bind(call, ("shape", "mean", "stddev", "dtype", "seed", "name"), {"shape", "mean", "stddev", "dtype", "seed", "name"})
            if "shape" not in bound:
                return None
            dtype = bound.get("dtype")
            if dtype is not None and (_dtype_name(dtype, self) or "") not in FLOAT_DTYPES:
                return None  # integer uniform draws (or an unknown dtype): not a Keras initializer
            if random == "uniform":
                initializer = self.initializer(
                    "RandomUniform",
                    minval=bound.get("minval") or cst.Float("0.0"),
                    maxval=bound.get("maxval") or cst.Float("1.0"),
                    seed=bound.get("seed"),
                )
            else:
                initializer = self.initializer(
                    "RandomNormal" if random == "normal" else "TruncatedNormal",
                    mean=bound.get("mean") or cst.Float("0.0"),
                    stddev=bound.get("stddev") or cst.Float("1.0"),
                    seed=bound.get("seed"),
                )
            return Target(shape=bound["shape"], initializer=initializer, dtype=dtype)
        return None

    def _constant(self, node: cst.BaseExpression, literal) -> cst.BaseExpression:
        if literal == 0 and not isinstance(literal, bool):
            return self.string("zeros")
        if literal == 1 and not isinstance(literal, bool):
            return self.string("ones")
        return self.initializer("Constant", value=node)

    def _get_variable(self, bound: dict[str, cst.BaseExpression]) -> Target:
        shape = bound.get("shape")
        dtype = bound.get("dtype")
        init = bound.get("initializer")
        if init is None or _is_none(init):
            if shape is None:
                raise Unmappable("neither a shape nor an initializer; write `self.add_weight(shape=..., initializer=...)` by hand")
            dtype_name = _dtype_name(dtype, self) if dtype is not None else "float32"
            if dtype_name in FLOAT_DTYPES:
                initializer: cst.BaseExpression | None = self.string("glorot_uniform")  # TF1's default for floats
            elif dtype_name in INT_DTYPES or dtype_name == "bool":
                initializer = self.string("zeros")
            else:
                initializer = None  # add_weight picks like TF1 did: Glorot uniform for floats, zeros otherwise
            return Target(shape=shape, initializer=initializer, dtype=dtype)
        mapped = self._initializer_object(init)
        if mapped is not None:
            if shape is None:
                raise Unmappable("an initializer object without a shape; add `shape=` and write `self.add_weight(...)` by hand")
            return Target(shape=shape, initializer=mapped[0], dtype=dtype, unsafe_reason=mapped[1])
        if shape is not None:
            # TF1 accepts a value only without a shape: with a shape, this is a callable initializer,
            # called like Keras calls one (shape, dtype=...).
            return Target(shape=shape, initializer=init, dtype=dtype)
        target = self._value(init, dtype, keras_floatx=False)
        return target

    def _initializer_object(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression, str | None] | None:
        """A TF1 initializer object as a Keras initializer (and an unsafe reason), or None if not one."""
        if not isinstance(node, cst.Call):
            name = self.qualified_name(node)
            if name and name.startswith("keras.initializers."):
                return node, None
            if name in TF1_INITIALIZERS:  # the class itself: TF1's get_variable instantiated it
                return self._map_initializer(name, node, {})
            return None
        name = self.qualified_name(node)
        if name is None:
            return None
        if name.startswith("keras.initializers.") or (name.startswith("tf.initializers.") and name.rsplit(".", 1)[-1][:1].isupper()):
            return node, None  # already a Keras initializer (TF2's `tf.initializers` is Keras's)
        spec = TF1_INITIALIZERS.get(name)
        if spec is None:
            if name.startswith("tf.") and ("initializer" in name or name.startswith("tf.initializers.")):
                raise Unmappable(f"initializer `{name}` has no Keras counterpart the rule knows; pick a `keras.initializers` one and write `self.add_weight(...)` by hand")
            return None
        return self._map_initializer(name, node, self._bind(node, spec[1], set(spec[1])))

    def _map_initializer(self, name: str, node: cst.BaseExpression, bound: dict[str, cst.BaseExpression]) -> tuple[cst.BaseExpression, str | None]:
        keras_name, params, defaults = TF1_INITIALIZERS[name]
        bound.pop("dtype", None)  # the variable's dtype wins over the initializer's, in TF1 as in Keras
        if name in TF2_DEFAULTS and any(key not in bound for key in defaults):
            # Same name in TF1 and TF2, different defaults: which TensorFlow was the code written for?
            version = self._tensorflow_version(node)
            if version is None:
                spelled = ", ".join(f"{k}={v}" for k, v in defaults.items())
                raise Unmappable(
                    f"`{name}` relies on defaults that differ between TF1 ({spelled}) and TF2 ({', '.join(f'{k}={v}' for k, v in TF2_DEFAULTS[name].items())}), "
                    "and nothing in the file says which one it was written for; pass them explicitly, then run the tool again"
                )
        if keras_name in CONTRIB_INITIALIZERS:
            try:
                keras_name, bound = contrib_initializer(keras_name, bound, self.string)
            except ValueError as reason:
                raise Unmappable(f"{reason}; write `self.add_weight(...)` by hand") from None
        if keras_name == "VarianceScaling" and "distribution" in bound:
            distribution = _literal_or_none(bound["distribution"])
            if distribution == "normal":  # TF1: "normal" meant truncated normal
                bound["distribution"] = self.string("truncated_normal")
            elif distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
                raise Unmappable("`variance_scaling_initializer(distribution=...)` is not a known literal; write the Keras `VarianceScaling` initializer by hand")
        unsafe = None
        if keras_name == "Constant":
            value = bound.get("value", cst.Integer("0"))
            literal = _literal_or_none(value)
            if literal is not None and _array_shape(literal) == ():
                return self._constant(value, literal), None
            unsafe = "`Constant` broadcasts its value to the shape, where TF1's `constant_initializer` reshaped a list of the right size"
            return self.initializer("Constant", value=value), unsafe
        for key, default in defaults.items():
            bound.setdefault(key, cst.parse_expression(default))
        if bound.get("seed") is not None and _is_none(bound["seed"]):
            del bound["seed"]
        if not bound and keras_name in STRING_INITIALIZERS:
            return self.string(STRING_INITIALIZERS[keras_name]), None
        ordered = {key: bound[key] for key in KERAS_PARAMS[keras_name] if key in bound}
        if len(ordered) != len(bound):
            extra = sorted(set(bound) - set(ordered))
            raise Unmappable(f"argument(s) {', '.join(extra)} of `{name}` have no Keras counterpart; write the initializer by hand")
        return self.initializer(keras_name, **ordered), unsafe

    def _tensorflow_version(self, node: cst.CSTNode) -> str | None:
        """'tf1' when `node` is spelled through `tensorflow.compat.v1`, or the file imports
        `tensorflow.compat.v1` or uses TF1-only names (`tf.get_variable`, `tf.Session`, ...) through
        plain `tensorflow`; None when it cannot be told (most TF1 names exist in TF2 too)."""
        names = self.get_metadata(QualifiedNameProvider, node.func if isinstance(node, cst.Call) else node, None) or set()
        if any(q.name.startswith("tensorflow.compat.v1.") for q in names):
            return "tf1"
        if self._tf1_file is None:
            self._tf1_file = self._uses_tf1_names()
        return "tf1" if self._tf1_file else None

    def _uses_tf1_names(self) -> bool:
        from . import api_table

        assert self.source_module is not None
        if imports.module_alias(self.source_module, "tensorflow.compat.v1") is not None:
            return True
        found = []
        codemod = self

        class Scan(cst.CSTVisitor):
            def visit_Attribute(self, node: cst.Attribute) -> bool:
                if found:
                    return False
                for q in codemod.get_metadata(QualifiedNameProvider, node, None) or set():
                    if q.source is QualifiedNameSource.IMPORT and q.name.startswith("tensorflow.") and not q.name.startswith(("tensorflow.compat.", "tensorflow.python.", "tensorflow.keras")):
                        short = "tf." + q.name[len("tensorflow.") :]
                        if api_table.lookup(short) is not None and not api_table.tf2_name_exists(short):
                            found.append(short)
                return False  # the outermost attribute names the object

        traversal.visit(self.source_module, Scan())
        return bool(found)
