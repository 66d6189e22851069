"""TFM537 / TFM538 / TFM542 Keras 2 layer and callback arguments Keras 3 rejects, rewritten to what Keras 2 did.

What it matches
    - `Dense / Conv*D / Conv*DTranspose / DepthwiseConv2D / SeparableConv*D / BatchNormalization / PReLU(...,
      weights=W)`: a layer's initial weights (TFM537);
    - the first layer of a `Sequential` model given `batch_input_shape=` or `batch_size=` (with `input_shape=` /
      `input_dim=`), as `model.add(LSTM(..., batch_size=b, input_shape=s))` right after `model = Sequential()` or as
      the first item of `Sequential([...])`; `model.reset_states()` on a name bound to a Keras model in this file
      or on a Keras callback's `self.model` (TFM538; other `*model.reset_states()` calls are reported);
    - `TensorBoard(batch_size=, write_grads=, embeddings_layer_names=, embeddings_data=)` (TFM542).

What it writes
    TFM537: each array of `W` (a list literal, or `W[i]` of a name) becomes the layer's initializer for that
    weight, `kernel_initializer=keras.initializers.Constant(W[0]), bias_initializer=keras.initializers.Constant(W[1])`,
    in Keras 2's `get_weights()` order (the bias only with `use_bias` true, BatchNormalization's gamma / beta only
    with `scale` / `center` true). TFM538: `model.add(keras.Input(batch_shape=(b, *s)))` before the first layer (or
    as the first item of the list) and the layer without its shape arguments; `model.reset_states()` becomes Keras
    2's own loop over `model.layers`. TFM542: the arguments are dropped; the finding says what is no longer logged.

Why
    Keras 3 layers raise "Unrecognized keyword arguments" for `weights=`, `batch_size=` and `batch_input_shape=`,
    Keras 3 models have no `reset_states`, and Keras 3's `TensorBoard` raises `TypeError` for the four arguments.
    Keras 2 set the initial weights right after building the layer (`set_weights`), which a constant initializer
    does at the same moment with the same values (cast to the variable's dtype, as `set_weights` did); a stateful
    RNN needs the batch size, which Keras 3 takes only from the input. Calls the rules cannot read (other
    layers, weights given by a call, `*args`, a layer not first in its model) are left to TFM539's report.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import QualifiedNameProvider, QualifiedNameSource

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from . import imports
from .base import Codemod, Rule
from .builders import source_of
from .source_text import module_text

INITIAL_WEIGHTS = Rule(
    code="TFM537",
    name="keras-layer-initial-weights",
    fix=FixKind.SAFE,
    summary="A layer's Keras 2 `weights=[kernel, bias]` becomes constant initializers (`kernel_initializer=keras.initializers.Constant(kernel)`, ...).",
    explanation="""
        Keras 2 layers took their initial weights as `weights=[...]` and called `set_weights` with them right after
        building; Keras 3 layers (but `Embedding`) reject the argument ("Unrecognized keyword arguments"). Each
        array becomes the initializer of its weight, `keras.initializers.Constant(array)`, which gives the variable
        the same values at the same moment (cast to its dtype, as `set_weights` did), in Keras 2's `get_weights()`
        order: `Dense`, `Conv1D/2D/3D`, `Conv*DTranspose` (kernel, bias), `DepthwiseConv2D` (depthwise kernel,
        bias), `SeparableConv1D/2D` (depthwise, pointwise, bias), `BatchNormalization` (gamma, beta, moving mean,
        moving variance), `PReLU` (alpha); the bias only when `use_bias` is true, gamma and beta only when `scale` /
        `center` are. `W` is a list literal (one initializer per item) or a name (`W[0]`, `W[1]`, ...);
        `weights=None` just goes. Left to TFM539's report: other layers, weights given by another expression, a
        `use_bias` / `scale` / `center` the rule cannot read, an initializer also given, more positional
        arguments than the layer's first two, `*args` / `**kwargs`. `trainable=False` and the other arguments stay.
    """,
    before="""
        new_w, new_b = deeper2net_conv2d(prev_w)
        model.add(Conv2D(64, 3, padding='same', weights=[new_w, new_b]))
        model.add(Dense(10, weights=dense_weights, trainable=False))
    """,
    after="""
        new_w, new_b = deeper2net_conv2d(prev_w)
        model.add(Conv2D(64, 3, padding='same', kernel_initializer=keras.initializers.Constant(new_w), bias_initializer=keras.initializers.Constant(new_b)))
        model.add(Dense(10, kernel_initializer=keras.initializers.Constant(dense_weights[0]), bias_initializer=keras.initializers.Constant(dense_weights[1]), trainable=False))
    """,
)

BATCH_SHAPE = Rule(
    code="TFM538",
    name="keras-batch-input-shape",
    fix=FixKind.SAFE,
    summary="A Sequential model's first layer with `batch_size=` / `batch_input_shape=` gets a `keras.Input(batch_shape=...)` before it; `model.reset_states()` becomes Keras 2's loop.",
    explanation="""
        Keras 2 built a `Sequential` model's input from its first layer's `batch_input_shape=` (or `batch_size=` with
        `input_shape=` / `input_dim=`), which stateful RNNs need; Keras 3 layers reject both arguments and take the
        batch size only from the input. When the layer is the first added to a model made by `Sequential()` just
        before (no other use of the model in between) or the first item of `Sequential([...])`, a
        `keras.Input(batch_shape=(batch_size, *input_shape))` (with the layer's `dtype=`, as Keras 2 gave it) goes
        before it and the layer loses its shape arguments. Keras 3 models also have no `reset_states()`: on a name
        bound in this file to `Sequential(...)` / `Model(...)` / `load_model(...)` (or to a call of a function of
        this file returning one), and on `self.model` in a Keras callback, the call becomes Keras 2's own body, a
        loop over the model's layers calling `reset_states()` on the stateful ones. Keras 2 also recursed into a
        nested model; the loop does not (the finding says so). Another receiver whose name ends in `model`
        (`self.target_model`) is reported with the loop to write; a layer's `reset_states()` still exists and is
        left alone. Other layers with the shape arguments are TFM539's report.
    """,
    before="""
        model = Sequential()
        model.add(LSTM(20, input_shape=(4, 1), batch_size=25, stateful=True))
        model.reset_states()
    """,
    after="""
        model = Sequential()
        model.add(keras.Input(batch_shape=(25, 4, 1)))
        model.add(LSTM(20, stateful=True))
        for layer in model.layers:
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_states"):
                layer.reset_states()
    """,
)

TENSORBOARD_ARGUMENTS = Rule(
    code="TFM542",
    name="keras-tensorboard-arguments",
    fix=FixKind.SAFE,
    summary="Keras 2 `TensorBoard` arguments Keras 3 rejects (`batch_size`, `write_grads`, `embeddings_layer_names`, `embeddings_data`) are dropped; the finding says what is no longer logged.",
    explanation="""
        Keras 3's `TensorBoard` raises `TypeError` for four Keras 2 arguments. They only configure what is logged,
        not training, so they are dropped and the finding names what is lost: `batch_size` (Keras 2.2 batched the
        histogram data with it; tf.keras 2.x ignored it: nothing is lost), `write_grads` (gradient histograms:
        log them from a custom `train_step` with `tf.summary.histogram`), `embeddings_layer_names` and
        `embeddings_data` (the projector view of chosen layers' outputs on that data: Keras 3's `embeddings_freq`
        logs the `Embedding` layers' weights instead; write the vectors and a projector config with
        `tensorboard.plugins.projector` to keep it). `histogram_freq`, `write_graph`, `write_images`,
        `embeddings_freq`, `embeddings_metadata` and `update_freq` stay. A call with more than two positional
        arguments (Keras 2's third was `batch_size`, Keras 3's is `write_graph`) is left to TFM539's report.
    """,
    before="""
        board = TensorBoard(log_dir="logs", histogram_freq=1, batch_size=32, write_grads=True)
    """,
    after="""
        board = TensorBoard(log_dir="logs", histogram_freq=1)
    """,
)

RULES = (INITIAL_WEIGHTS, BATCH_SHAPE, TENSORBOARD_ARGUMENTS)

# --------------------------------------------------------------------------------------------------
# tables

_KERNEL_BIAS = ("kernel_initializer", "bias_initializer")
# Layer class -> its initializers in Keras 2's `get_weights()` order (= Keras 3's build order).
WEIGHT_INITIALIZERS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("Dense", "Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "Convolution2DTranspose", "Convolution3DTranspose"),
        _KERNEL_BIAS,
    ),
    "DepthwiseConv2D": ("depthwise_initializer", "bias_initializer"),
    "SeparableConv1D": ("depthwise_initializer", "pointwise_initializer", "bias_initializer"),
    "SeparableConv2D": ("depthwise_initializer", "pointwise_initializer", "bias_initializer"),
    "SeparableConvolution1D": ("depthwise_initializer", "pointwise_initializer", "bias_initializer"),
    "SeparableConvolution2D": ("depthwise_initializer", "pointwise_initializer", "bias_initializer"),
    "BatchNormalization": ("gamma_initializer", "beta_initializer", "moving_mean_initializer", "moving_variance_initializer"),
    "PReLU": ("alpha_initializer",),
}
# Initializer -> the boolean argument (default True) without which the weight does not exist.
OPTIONAL_WEIGHTS = {"bias_initializer": "use_bias", "gamma_initializer": "scale", "beta_initializer": "center"}
# Positional arguments before any of the switches above (Dense(units, activation), Conv2D(filters, kernel_size), ...).
POSITIONAL_LIMIT = {"BatchNormalization": 3, "PReLU": 0}

SHAPE_KEYWORDS = ("batch_input_shape", "batch_size", "input_shape", "input_dim")
SEQUENTIAL = ("keras.models.Sequential", "keras.Sequential", "keras.engine.sequential.Sequential")
MODEL_MAKERS = (*SEQUENTIAL, "keras.models.Model", "keras.Model", "keras.engine.training.Model", "keras.models.load_model", "keras.saving.load_model", "keras.models.clone_model")

# Keras 2 `TensorBoard` keyword -> what dropping it loses (TFM542).
TENSORBOARD_DROPPED = {
    "batch_size": "nothing (Keras 2.2 batched the histogram data with it; tf.keras 2.x ignored it)",
    "write_grads": "the gradient histograms (log them from a custom `train_step` with `tf.summary.histogram`)",
    "embeddings_layer_names": "the choice of layers for the embedding projector (Keras 3's `embeddings_freq` logs the `Embedding` layers' weights)",
    "embeddings_data": "the projector view of the layers' outputs on that data (write the vectors and a config with `tensorboard.plugins.projector` to keep it)",
}


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))


def _with_commas(args: list[cst.Arg], last_comma: cst.Comma | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT) -> list[cst.Arg]:
    """`args` with ', ' between them (the separators already there kept), the last with `last_comma`."""
    result = []
    for index, arg in enumerate(args):
        if index < len(args) - 1:
            comma = arg.comma if isinstance(arg.comma, cst.Comma) else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        else:
            comma = last_comma
        result.append(arg.with_changes(comma=comma))
    return result


def _bool_literal(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def _pure(node: cst.BaseExpression) -> bool:
    """A name or dotted attribute: evaluating it twice gives the same object, without side effects."""
    return isinstance(node, cst.Name) or (isinstance(node, cst.Attribute) and _pure(node.value))


def _names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    traversal.visit(node, _Names())
    return found


class _Bindings(cst.CSTVisitor):
    """Every `name = <value>` of the file, and each function's returned expressions (for `reset_states`)."""

    def __init__(self) -> None:
        self.assigned: dict[str, list[cst.BaseExpression]] = {}
        self.returns: dict[str, list[cst.BaseExpression | None]] = {}
        self.local_assigned: dict[str, dict[str, list[cst.BaseExpression]]] = {}
        self._functions: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node.name.value)
        self.returns.setdefault(node.name.value, [])
        self.local_assigned.setdefault(node.name.value, {})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Return(self, node: cst.Return) -> None:
        if self._functions:
            self.returns[self._functions[-1]].append(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            names = [target.target] if isinstance(target.target, cst.Name) else [e.value for e in getattr(target.target, "elements", [])]
            for name in names:
                if isinstance(name, cst.Name):
                    value = node.value if isinstance(target.target, cst.Name) else cst.Name("__unknown__")
                    self.assigned.setdefault(name.value, []).append(value)
                    if self._functions:
                        self.local_assigned[self._functions[-1]].setdefault(name.value, []).append(value)

    def _other_binding(self, name: cst.BaseExpression) -> None:
        if isinstance(name, cst.Name):
            self.assigned.setdefault(name.value, []).append(cst.Name("__unknown__"))
            if self._functions:
                self.local_assigned[self._functions[-1]].setdefault(name.value, []).append(cst.Name("__unknown__"))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._other_binding(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._other_binding(node.target)

    def visit_For(self, node: cst.For) -> None:
        for name in _names_in(node.target):
            self._other_binding(cst.Name(name))

    def visit_Param(self, node: cst.Param) -> None:
        self._other_binding(node.name)


class Keras3Layers(Codemod):
    RULES = RULES
    TRIGGERS = ("weights=", "batch_size", "batch_input_shape", "reset_states", "TensorBoard")

    @classmethod
    def wanted(cls, text: str, selection) -> bool:  # type: ignore[no-untyped-def]
        return "keras" in text and super().wanted(text, selection)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._module: cst.Module | None = None
        self._keras_ns: tuple[str, tuple[str, str | None] | None] | None = None
        self._bindings = _Bindings()
        self._used_names: set[str] = set()
        self._callback_classes: list[bool] = []

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        if "reset_states" in module_text(node):
            traversal.visit(node, self._bindings)
            self._used_names = _names_in(node)

    # -- helpers ---------------------------------------------------------------------------------
    def _keras_name(self, func: cst.BaseExpression) -> str | None:
        """Canonical `keras.*` name of a callee from `keras` / `tensorflow.keras` (not `tf_keras`: Keras 2 on purpose)."""
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        raw = [q.name for q in found if q.source is QualifiedNameSource.IMPORT]
        if not raw or any(r.startswith("tf_keras") for r in raw):
            return None
        name = self.qualified_name(func)
        return name if name is not None and name.startswith("keras.") else None

    def _namespace(self, func: cst.BaseExpression) -> str:
        """How to spell `keras` next to this callee (adding `import keras` to standalone Keras code)."""
        assert self._module is not None
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        if all(q.name == "keras" or q.name.startswith("keras.") for q in found if q.source is QualifiedNameSource.IMPORT):
            return imports.require_module(self.context, self._module, "keras", "keras")
        if self._keras_ns is None:
            self._keras_ns = imports.keras_namespace(self._module)
        imports.require_keras_namespace(self.context, self._keras_ns[1])
        return self._keras_ns[0]

    # -- calls -----------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        keys = {a.keyword.value for a in original_node.args if a.keyword is not None}
        name_hint = get_full_name_for_node(original_node.func) or ""
        if "weights" in keys and name_hint.rsplit(".", 1)[-1] in WEIGHT_INITIALIZERS:
            return self._initial_weights(original_node, updated_node)
        if keys & set(TENSORBOARD_DROPPED) and name_hint.endswith("TensorBoard"):
            return self._tensorboard(original_node, updated_node)
        if name_hint.endswith("Sequential") and original_node.args and isinstance(original_node.args[0].value, cst.List):
            return self._sequential_list(original_node, updated_node)
        return updated_node

    # TFM537
    def _initial_weights(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = self._keras_name(original.func)
        if name is None or not name.startswith("keras.layers."):
            return updated
        cls = name.rsplit(".", 1)[1]
        order = WEIGHT_INITIALIZERS.get(cls)
        if order is None or any(a.star for a in original.args):
            return updated
        positional = [a for a in original.args if a.keyword is None]
        if len(positional) > POSITIONAL_LIMIT.get(cls, 2):
            return updated
        keywords = {a.keyword.value: a for a in updated.args if a.keyword is not None}
        weights = keywords["weights"].value
        present = []
        for initializer in order:
            switch = OPTIONAL_WEIGHTS.get(initializer)
            if switch is not None and switch in keywords:
                value = _bool_literal(keywords[switch].value)
                if value is None:
                    return updated  # a switch the rule cannot read: TFM539 reports the call
                if not value:
                    continue
            present.append(initializer)
        if isinstance(weights, cst.Name) and weights.value == "None":
            values: list[cst.BaseExpression] = []
        elif any(initializer in keywords for initializer in present):
            return updated  # Keras 2 overwrote that initializer's values: the author's call, TFM539 reports
        elif isinstance(weights, (cst.List, cst.Tuple)):
            if any(isinstance(e, cst.StarredElement) for e in weights.elements) or len(weights.elements) != len(present):
                return updated
            values = [e.value for e in weights.elements]
        elif _pure(weights):
            values = [cst.Subscript(weights, [cst.SubscriptElement(cst.Index(cst.Integer(str(i))))]) for i in range(len(present))]
        else:
            return updated
        described = ", ".join(f"`{i}`" for i in present) if values else "nothing (`weights=None`)"
        if not self.offer_fix(original, INITIAL_WEIGHTS.code, f"Keras 3 `{cls}` takes no `weights=`: the initial weights are now constant initializers ({described}), set at build time as Keras 2's `set_weights` did"):
            return updated
        constant = f"{self._namespace(original.func)}.initializers.Constant" if values else ""
        args: list[cst.Arg] = []
        for arg in updated.args:
            if arg.keyword is not None and arg.keyword.value == "weights":
                for initializer, value in zip(present, values):
                    args.append(_kw(initializer, cst.Call(cst.parse_expression(constant), [cst.Arg(value)])))
                continue
            args.append(arg)
        last = updated.args[-1].comma if updated.args else cst.MaybeSentinel.DEFAULT
        return updated.with_changes(args=_with_commas(args, last))

    # TFM538: the layer's shape arguments -> keras.Input(batch_shape=...)
    def _batch_shape(self, layer: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression | None] | None:
        """(batch shape, dtype) Keras 2 built the model's input from, for a first layer with a batch size; else None."""
        name = self._keras_name(layer.func)
        if name is None or not name.startswith("keras.layers.") or name.rsplit(".", 1)[1] in ("Input", "InputLayer"):
            return None
        if any(a.star for a in layer.args):
            return None
        keywords = {a.keyword.value: a.value for a in layer.args if a.keyword is not None}
        dtype = keywords.get("dtype")
        if "batch_input_shape" in keywords:
            return keywords["batch_input_shape"], dtype
        if "batch_size" not in keywords:
            return None
        batch = keywords["batch_size"]
        if "input_shape" in keywords:
            shape = keywords["input_shape"]
            if isinstance(shape, (cst.Tuple, cst.List)) and not any(isinstance(e, cst.StarredElement) for e in shape.elements):
                items = [batch, *(e.value for e in shape.elements)]
            else:
                items = [batch, cst.StarredElement(shape)]
        elif "input_dim" in keywords and name.rsplit(".", 1)[1] != "Embedding":
            items = [batch, keywords["input_dim"]]
        else:
            return None
        elements = [
            (i if isinstance(i, cst.StarredElement) else cst.Element(i)).with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if n < len(items) - 1 else cst.MaybeSentinel.DEFAULT)
            for n, i in enumerate(items)
        ]
        return cst.Tuple(elements), dtype

    def _input(self, layer: cst.Call, shape: cst.BaseExpression, dtype: cst.BaseExpression | None) -> cst.Call:
        args = [_kw("batch_shape", shape)]
        if dtype is not None:
            args.append(_kw("dtype", dtype))
        return cst.Call(cst.parse_expression(f"{self._namespace(layer.func)}.Input"), _with_commas(args))

    def _without_shape(self, layer: cst.Call) -> cst.Call:
        is_embedding = (get_full_name_for_node(layer.func) or "").endswith("Embedding")
        dropped = set(SHAPE_KEYWORDS) - ({"input_dim"} if is_embedding else set())
        kept = [a for a in layer.args if a.keyword is None or a.keyword.value not in dropped]
        last = layer.args[-1].comma if layer.args else cst.MaybeSentinel.DEFAULT
        return layer.with_changes(args=_with_commas(kept, last))

    def _sequential_list(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self._keras_name(original.func) not in SEQUENTIAL:
            return updated
        first_list = original.args[0].value
        assert isinstance(first_list, cst.List)
        if not first_list.elements or not isinstance(first_list.elements[0], cst.Element) or not isinstance(first_list.elements[0].value, cst.Call):
            return updated
        found = self._batch_shape(first_list.elements[0].value)
        if found is None:
            return updated
        if not self.offer_fix(first_list.elements[0].value, BATCH_SHAPE.code, "Keras 3 layers take no `batch_size=` / `batch_input_shape=`: the model starts with `keras.Input(batch_shape=...)`, the shape Keras 2 built its input from"):
            return updated
        new_list = updated.args[0].value
        assert isinstance(new_list, cst.List)
        first = new_list.elements[0]
        assert isinstance(first.value, cst.Call)
        comma = first.comma if isinstance(first.comma, cst.Comma) else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        head = cst.Element(self._input(first_list.elements[0].value, *found), comma=comma)
        elements = [head, first.with_changes(value=self._without_shape(first.value)), *new_list.elements[1:]]
        return updated.with_changes(args=[updated.args[0].with_changes(value=new_list.with_changes(elements=elements)), *updated.args[1:]])

    # -- statements: `model.add(<first layer>)`, `model.reset_states()` ------------------------------
    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._statements(list(original_node.body), list(updated_node.body)))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._statements(list(original_node.body), list(updated_node.body)))

    @staticmethod
    def _call_statement(statement: cst.CSTNode) -> cst.Call | None:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Call):
            return statement.body[0].value
        return None

    def _statements(self, originals: list[cst.BaseStatement], updated: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        if len(originals) != len(updated):
            return updated
        result: list[cst.BaseStatement] = []
        for index, (before, after) in enumerate(zip(originals, updated)):
            call = self._call_statement(before)
            new_call = self._call_statement(after)
            if call is None or new_call is None or not isinstance(call.func, cst.Attribute):
                result.append(after)
                continue
            method = call.func.attr.value
            if method == "add":
                replaced = self._first_add(originals[:index], before, after, call, new_call)
            elif method == "reset_states" and not call.args:
                replaced = self._reset_states(after, call)
            else:
                replaced = None
            result.extend(replaced if replaced is not None else [after])
        return result

    def _first_add(self, previous: list[cst.BaseStatement], before: cst.BaseStatement, after: cst.BaseStatement, call: cst.Call, new_call: cst.Call) -> list[cst.BaseStatement] | None:
        assert isinstance(call.func, cst.Attribute)
        receiver = call.func.value
        if not isinstance(receiver, cst.Name) or len(call.args) != 1 or call.args[0].keyword is not None or not isinstance(call.args[0].value, cst.Call):
            return None
        layer = call.args[0].value
        found = self._batch_shape(layer)
        if found is None or not self._made_just_before(previous, receiver.value):
            return None
        if not self.offer_fix(layer, BATCH_SHAPE.code, f"Keras 3 layers take no `batch_size=` / `batch_input_shape=`: `{receiver.value}` starts with `keras.Input(batch_shape=...)`, the shape Keras 2 built its input from"):
            return None
        new_layer = new_call.args[0].value
        assert isinstance(new_layer, cst.Call) and isinstance(after, cst.SimpleStatementLine)
        add_input = cst.SimpleStatementLine(
            [cst.Expr(new_call.with_changes(args=[cst.Arg(self._input(layer, *found))]))], leading_lines=after.leading_lines
        )
        rest = after.with_changes(
            leading_lines=[], body=[cst.Expr(new_call.with_changes(args=[new_call.args[0].with_changes(value=self._without_shape(new_layer))]))]
        )
        return [add_input, rest]

    def _made_just_before(self, previous: list[cst.BaseStatement], name: str) -> bool:
        """`name = Sequential()` earlier in the block, and no statement in between mentions `name`."""
        for statement in reversed(previous):
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(statement.body[0], cst.Assign):
                assign = statement.body[0]
                targets = assign.targets
                if len(targets) == 1 and isinstance(targets[0].target, cst.Name) and targets[0].target.value == name:
                    value = assign.value
                    return isinstance(value, cst.Call) and not value.args and self._keras_name(value.func) in SEQUENTIAL
            if name in _names_in(statement):
                return False
        return False

    # TFM538: model.reset_states()
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = [self._keras_name(b.value) or "" for b in node.bases]
        self._callback_classes.append(any(b.startswith("keras.callbacks.") for b in bases))

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._callback_classes.pop()
        return updated_node

    def _is_model(self, node: cst.BaseExpression, seen: frozenset[str] = frozenset()) -> bool:
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self" and node.attr.value == "model":
            return bool(self._callback_classes) and self._callback_classes[-1]  # a Keras callback's model
        if isinstance(node, cst.Call):
            if self._keras_name(node.func) in MODEL_MAKERS:
                return True
            if isinstance(node.func, cst.Name) and node.func.value in self._bindings.returns and node.func.value not in seen:
                function = node.func.value
                returned = self._bindings.returns[function]
                local = self._bindings.local_assigned.get(function, {})
                return bool(returned) and all(
                    value is not None
                    and (
                        self._is_model(value, seen | {function})
                        or (isinstance(value, cst.Name) and bool(local.get(value.value)) and all(self._is_model(v, seen | {function}) for v in local[value.value]))
                    )
                    for value in returned
                )
            return False
        if isinstance(node, cst.Name):
            values = self._bindings.assigned.get(node.value)
            return bool(values) and node.value not in seen and all(self._is_model(v, seen | {node.value}) for v in values)
        return False

    def _is_model_node(self, node: cst.BaseExpression) -> bool:
        """`self.model`, or a name every binding of which in this file is a Keras model (metadata-free check)."""
        try:
            return self._is_model(node)
        except (KeyError, AttributeError):
            return False  # a node without metadata (written by this rule): not judged

    def _reset_states(self, after: cst.BaseStatement, call: cst.Call) -> list[cst.BaseStatement] | None:
        assert isinstance(call.func, cst.Attribute)
        receiver = call.func.value
        if not self._is_model_node(receiver):
            written = get_full_name_for_node(receiver) or ""
            if "model" in written.rsplit(".", 1)[-1].lower():
                self.flag(call, BATCH_SHAPE.code, f"`{written}.reset_states()`: if `{written}` is a Keras model, Keras 3 models have no `reset_states()` (AttributeError): write Keras 2's loop, `for layer in {written}.layers: if getattr(layer, \"stateful\", False): layer.reset_states()`")
            return None
        # one loop variable for the file, a name the file does not use (the loops may share it)
        variable = next(n for n in ("layer", "stateful_layer", *(f"layer_{i}" for i in range(1, 10**6))) if n not in self._used_names)
        if not self.offer_fix(call, BATCH_SHAPE.code, f"Keras 3 models have no `reset_states()`: Keras 2's own loop over `{source_of(receiver)}.layers` (Keras 2 also reset the stateful layers of a nested model; reset those the same way)"):
            return None
        assert isinstance(after, cst.SimpleStatementLine)
        loop = cst.parse_statement(
            f"for {variable} in {source_of(receiver)}.layers:\n"
            f"    if getattr({variable}, \"stateful\", False) and hasattr({variable}, \"reset_states\"):\n"
            f"        {variable}.reset_states()\n",
            config=self._module.config_for_parsing if self._module is not None else cst.PartialParserConfig(),
        )
        return [loop.with_changes(leading_lines=after.leading_lines)]

    # TFM542
    def _tensorboard(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self._keras_name(original.func) != "keras.callbacks.TensorBoard":
            return updated
        if any(a.star for a in original.args) or len([a for a in original.args if a.keyword is None]) > 2:
            return updated
        dropped = [a.keyword.value for a in original.args if a.keyword is not None and a.keyword.value in TENSORBOARD_DROPPED]
        lost = "; ".join(f"`{k}`: {TENSORBOARD_DROPPED[k]}" for k in dropped)
        if not self.offer_fix(original, TENSORBOARD_ARGUMENTS.code, f"Keras 3's `TensorBoard` rejects {', '.join(f'`{k}=`' for k in dropped)}: dropped; no longer logged: {lost}"):
            return updated
        kept = [a for a in updated.args if a.keyword is None or a.keyword.value not in TENSORBOARD_DROPPED]
        last = updated.args[-1].comma if updated.args else cst.MaybeSentinel.DEFAULT
        return updated.with_changes(args=_with_commas(kept, last))


CODEMOD = Keras3Layers
