"""TFM293 graph-shared-layer: `tf.layers.dense` / `conv2d` / `conv2d_transpose` in a graph-mode file sharing variables by name.

What it matches
    In a file that stays in graph mode (TFM260, the engine's graph-mode pass) and shares layer variables by name
    (`reuse=` other than None / False, `reuse_variables()`, `AUTO_REUSE`: `graph_layers.shares_variables`), each
    call `tf.layers.dense(...)` / `tf.layers.conv2d(...)` / `tf.layers.conv2d_transpose(...)` (through the module's `import tensorflow [.compat.v1] as
    X`) whose arguments are all ones the written function takes (no `*args` / `**kwargs`, no `activity_regularizer`,
    constraints, `data_format` other than the literal 'channels_last'):

        with tf.variable_scope('ConvNet', reuse=reuse):     # called once per tower, reusing after the first
            x = tf.layers.conv2d(x, 64, 5, activation=tf.nn.relu)
            out = tf.layers.dense(x, n_classes)

What it writes
    Calls to `graph_dense(...)` / `graph_conv2d(...)` / `graph_conv2d_transpose(...)`, functions written into the file once, before the first
    module-level statement that uses them: TF1's layer as graph ops, `tf.get_variable('kernel' / 'bias')` in
    the layer's own variable scope (`name`, or 'dense' / 'conv2d' made unique as TF1's layers made it,
    `variable_scope(None, default_name=...)`; with `reuse=` and no name the plain default name, as TF1 did), then
    `tf.matmul` (`tf.tensordot` past rank 2) / `tf.nn.conv2d`, `tf.nn.bias_add` and the activation. Same variable
    names, initializers (None: `get_variable`'s default, Glorot uniform, as TF1's layers), regularizers (added to
    the REGULARIZATION_LOSSES collection once, when the variable is made), same sharing through `reuse`.

Why
    `tf.layers` is gone under Keras 3, even from `tf.compat.v1`, so such a fallback file stopped at its first
    layer (TFM261). A Keras 3 layer built in the call (what `tf1_variables` writes in graph-mode files that share
    nothing) makes new variables on every call and ignores `variable_scope(reuse=...)`; one created once would
    share everything, also what TF1 kept apart. `get_variable` keeps TF1's sharing by name exactly (proved by
    fixtures/exec/graph_plumbing/fallback_shared_layers_towers.py against TF1 semantics). Outside graph mode,
    with `--legacy-keras-fallback` (tf_keras runs `tf.layers` itself) or for arguments it does not take, it
    does nothing and TFM230 / TFM261 report the call as before.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.findings import FixKind
from tf2migrate.selection import Selection
from tf2migrate.traversal import find

from . import graph_contrib_layers, graph_layers, legacy_keras
from .builders import docstring_has
from .base import Codemod, Rule
from .imports import module_alias
from .source_text import module_text

# The written functions' parameters, in TF1's positional order (a positional argument past them is refused).
PARAMETERS: dict[str, tuple[str, ...]] = {
    "dense": ("inputs", "units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
              "bias_regularizer"),
    "conv2d": ("inputs", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
               "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer"),
    "conv2d_transpose": ("inputs", "filters", "kernel_size", "strides", "padding", "data_format", "activation", "use_bias",
                         "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer"),
}  # fmt: skip
KEYWORD_ONLY = ("trainable", "name", "reuse")
REQUIRED = {"dense": 2, "conv2d": 3, "conv2d_transpose": 3}

HELPERS = {
    "dense": '''
def NAME(inputs, units, activation=None, use_bias=True, kernel_initializer=None, bias_initializer=TF.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None, trainable=True, name=None, reuse=None):
    """TF1's `tf.layers.dense` as graph ops (written by tf2migrate, TFM293): `kernel` / `bias` made by `get_variable` in the layer's variable scope, shared by name as TF1 shared them."""
    with TF.variable_scope(name if name is not None or not reuse else "dense", default_name="dense", reuse=reuse):
        inputs = TF.convert_to_tensor(inputs)
        kernel = TF.get_variable("kernel", [inputs.shape[-1], units], inputs.dtype.base_dtype, initializer=kernel_initializer, regularizer=kernel_regularizer, trainable=trainable)
        if inputs.shape.rank is not None and inputs.shape.rank > 2:
            outputs = TF.tensordot(inputs, kernel, [[inputs.shape.rank - 1], [0]])
        else:
            outputs = TF.matmul(inputs, kernel)
        if use_bias:
            bias = TF.get_variable("bias", [units], inputs.dtype.base_dtype, initializer=bias_initializer, regularizer=bias_regularizer, trainable=trainable)
            outputs = TF.nn.bias_add(outputs, bias)
        return activation(outputs) if activation is not None else outputs
''',
    "conv2d": '''
def NAME(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None, bias_initializer=TF.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None, trainable=True, name=None, reuse=None):
    """TF1's `tf.layers.conv2d` (channels_last) as graph ops (written by tf2migrate, TFM293): `kernel` / `bias` made by `get_variable` in the layer's variable scope, shared by name as TF1 shared them."""
    def pair(value):
        return tuple(value) if isinstance(value, (tuple, list)) else (value, value)

    with TF.variable_scope(name if name is not None or not reuse else "conv2d", default_name="conv2d", reuse=reuse):
        inputs = TF.convert_to_tensor(inputs)
        kernel = TF.get_variable("kernel", [*pair(kernel_size), inputs.shape[-1], filters], inputs.dtype.base_dtype, initializer=kernel_initializer, regularizer=kernel_regularizer, trainable=trainable)
        outputs = TF.nn.conv2d(inputs, kernel, strides=[1, *pair(strides), 1], padding=padding.upper(), dilations=[1, *pair(dilation_rate), 1])
        if use_bias:
            bias = TF.get_variable("bias", [filters], inputs.dtype.base_dtype, initializer=bias_initializer, regularizer=bias_regularizer, trainable=trainable)
            outputs = TF.nn.bias_add(outputs, bias)
        return activation(outputs) if activation is not None else outputs
''',
    "conv2d_transpose": '''
def NAME(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last", activation=None, use_bias=True, kernel_initializer=None, bias_initializer=TF.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None, trainable=True, name=None, reuse=None):
    """TF1's `tf.layers.conv2d_transpose` (channels_last) as graph ops (written by tf2migrate, TFM293): `kernel` / `bias` made by `get_variable` in the layer's variable scope, shared by name as TF1 shared them."""
    def pair(value):
        return tuple(value) if isinstance(value, (tuple, list)) else (value, value)

    def length(size, kernel, stride):  # the output length TF1's layer computed (padding 'valid' or 'same')
        return size * stride + max(kernel - stride, 0) if padding.lower() == "valid" else size * stride

    with TF.variable_scope(name if name is not None or not reuse else "conv2d_transpose", default_name="conv2d_transpose", reuse=reuse):
        inputs = TF.convert_to_tensor(inputs)
        (kernel_h, kernel_w), (stride_h, stride_w) = pair(kernel_size), pair(strides)
        kernel = TF.get_variable("kernel", [kernel_h, kernel_w, filters, inputs.shape[-1]], inputs.dtype.base_dtype, initializer=kernel_initializer, regularizer=kernel_regularizer, trainable=trainable)
        dims, shape = inputs.shape.as_list(), TF.shape(inputs)
        height = dims[1] if dims[1] is not None else shape[1]
        width = dims[2] if dims[2] is not None else shape[2]
        output_shape = TF.stack([shape[0], length(height, kernel_h, stride_h), length(width, kernel_w, stride_w), filters])
        outputs = TF.nn.conv2d_transpose(inputs, kernel, output_shape, strides=[1, stride_h, stride_w, 1], padding=padding.upper())
        outputs.set_shape([dims[0], None if dims[1] is None else length(dims[1], kernel_h, stride_h), None if dims[2] is None else length(dims[2], kernel_w, stride_w), filters])
        if use_bias:
            bias = TF.get_variable("bias", [filters], inputs.dtype.base_dtype, initializer=bias_initializer, regularizer=bias_regularizer, trainable=trainable)
            outputs = TF.nn.bias_add(outputs, bias)
        return activation(outputs) if activation is not None else outputs
''',
}

RULE = Rule(
    code="TFM293",
    name="graph-shared-layer",
    fix=FixKind.SAFE,
    summary="In a graph-mode fallback file that shares variables by name, `tf.layers.dense` / `conv2d` / `conv2d_transpose` become graph functions built on `tf.get_variable` (same names, same sharing).",
    explanation="""
        `tf.layers` is gone under Keras 3, even from `tf.compat.v1`, so a Session program left in graph mode
        (TFM260) stopped at its first `tf.layers.dense` / `conv2d` (TFM261). Where the file shares layer variables
        by name (`variable_scope(..., reuse=...)`, `reuse_variables()`, `AUTO_REUSE`: a tower loop, a network
        built twice for training and testing), a Keras 3 layer cannot stand in: built in the call it makes new
        variables each time, created once it shares what TF1 kept apart. The call becomes a call to a function
        written into the file once (`graph_dense`, `graph_conv2d`, `graph_conv2d_transpose`): TF1's layer as graph ops, its `kernel` and
        `bias` made by `tf.get_variable` in the layer's variable scope (`name`, or 'dense' / 'conv2d' made unique
        as TF1 made it), with the same initializers (None: Glorot uniform, `get_variable`'s default, as TF1's
        layers), regularizers and `trainable`, then matmul / conv2d, bias and activation. The variables keep
        their TF1 names and are shared exactly as TF1 shared them. Arguments it does not take
        (`activity_regularizer`, constraints, `data_format='channels_first'`, `**kwargs`) leave the call to
        TFM230 / TFM261; with `--legacy-keras-fallback` tf_keras runs `tf.layers` itself and nothing changes.
    """,
    before="""
        def conv_net(x, reuse):
            with tf.variable_scope("ConvNet", reuse=reuse):
                x = tf.layers.conv2d(x, 32, 5, activation=tf.nn.relu)
                return tf.layers.dense(tf.reshape(x, [-1, 24 * 24 * 32]), 10)

        for i in range(num_gpus):
            logits = conv_net(X[i], reuse=i > 0)
        with tf.Session() as sess:
            ...
    """,
    after="""
        def graph_conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", ...):
            \"\"\"TF1's `tf.layers.conv2d` (channels_last) as graph ops ...\"\"\"
            ...

        def conv_net(x, reuse):
            with tf.variable_scope("ConvNet", reuse=reuse):
                x = graph_conv2d(x, 32, 5, activation=tf.nn.relu)
                return graph_dense(tf.reshape(x, [-1, 24 * 24 * 32]), 10)
    """,
)


MARK = "(written by tf2migrate, TFM293)"


# Graph-mode layer functions written into files on `get_variable`: this rule's, and graph_contrib_layers' (TFM281).
MARKS = (MARK, graph_contrib_layers.MARK)


def written(function: cst.FunctionDef) -> bool:
    """True for a function this rule (or TFM281) wrote (its docstring says so): graph-mode code by design, which
    `tf1_variables` leaves as it is (its `get_variable` is TF1's sharing by name, kept on purpose)."""
    return any(docstring_has(function, mark) for mark in MARKS)


def written_names(module: cst.Module) -> frozenset[str]:
    """The names of the module-level functions this rule wrote."""
    return frozenset(s.name.value for s in module.body if isinstance(s, cst.FunctionDef) and written(s))


class GraphSharedLayers(Codemod):
    RULES = (RULE,)
    TRIGGERS = ("layers.dense", "layers.conv2d")  # also layers.conv2d_transpose

    @classmethod
    def wanted(cls, text: str, selection: Selection) -> bool:
        return super().wanted(text, selection) and graph_layers.shares_variables(text)

    def visit_Module(self, node: cst.Module) -> bool:
        self.replaced: dict[cst.Call, cst.Call] = {}
        self.before: dict[cst.CSTNode, list[str]] = {}
        if self.run.selection.legacy_keras_fallback or legacy_keras.opted_in(node):
            return False  # tf_keras runs tf.layers itself (TFM260's legacy route)
        tf = module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1")
        if tf is None or not graph_layers.shares_variables(module_text(node)):
            return False
        candidates: list[tuple[cst.Call, str]] = []
        for call in find(node, cst.Call):  # type: ignore[attr-defined]
            kind = self._kind(call, tf)
            if kind is not None and self._accepted(call, kind):
                candidates.append((call, kind))
        if not candidates:
            return False
        if not self.run.graph_mode:
            self.run.graph_unproven += 1  # runs only where the file stays in graph mode: ask for that pass
            return False
        taken = {n.value for n in find(node, cst.Name)}  # type: ignore[attr-defined]
        names: dict[str, str] = {}
        for call, kind in sorted(candidates, key=lambda item: self.position(item[0])):
            if not self.offer_fix(call, RULE.code, f"`tf.layers.{kind}` is gone under Keras 3 and this file stays in graph mode (TFM260), sharing variables by name: now a graph function built on `tf.get_variable` (same variable names, shared as TF1 shared them)"):
                continue
            if kind not in names:
                name = f"graph_{kind}"
                while name in taken:
                    name += "_"
                taken.add(name)
                names[kind] = name
                anchor = self._module_statement(call)
                self.before.setdefault(anchor, []).append(HELPERS[kind].replace("NAME", name).replace("TF.", f"{tf}."))
            self.replaced[call] = call.with_changes(func=cst.Name(names[kind]))
        return bool(self.replaced)

    def _kind(self, call: cst.Call, tf: str) -> str | None:
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute) and isinstance(func.value.value, cst.Name)):
            return None
        if func.value.value.value != tf or func.value.attr.value != "layers" or func.attr.value not in PARAMETERS:
            return None
        if self.qualified_name(func) != f"tf.layers.{func.attr.value}":
            return None
        return func.attr.value

    @staticmethod
    def _accepted(call: cst.Call, kind: str) -> bool:
        """Every argument is one the written function takes, in TF1's positions; `data_format` only channels_last."""
        positional = PARAMETERS[kind]
        given: set[str] = set()
        for index, arg in enumerate(call.args):
            if arg.star:
                return False
            if arg.keyword is None:
                if index >= len(positional):
                    return False
                given.add(positional[index])
                continue
            word = arg.keyword.value
            if word not in positional and word not in KEYWORD_ONLY:
                return False
            if word == "data_format" and not (isinstance(arg.value, cst.SimpleString) and arg.value.evaluated_value == "channels_last"):
                return False
            given.add(word)
        if "data_format" in given and not any(
            a.keyword is not None and a.keyword.value == "data_format" for a in call.args
        ):
            return False  # positional data_format: not checked as a literal
        return all(p in given for p in positional[: REQUIRED[kind]])

    def _module_statement(self, node: cst.CSTNode) -> cst.CSTNode:
        current = node
        while True:
            parent = self.get_metadata(ParentNodeProvider, current)
            if isinstance(parent, cst.Module):
                return current
            current = parent

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        replacement = self.replaced.get(original_node)
        if replacement is None:
            return updated_node
        return updated_node.with_changes(func=replacement.func)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.before:
            return updated_node
        body: list[cst.BaseStatement] = []
        for old, new in zip(original_node.body, updated_node.body):
            for text in self.before.get(old, []):
                function = cst.parse_module(text).body[0]
                body.append(function.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]))
            if old in self.before and not any(line.comment is None for line in new.leading_lines):
                new = new.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *new.leading_lines])
            body.append(new)
        return updated_node.with_changes(body=body)


CODEMOD = GraphSharedLayers
