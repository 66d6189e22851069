"""TFM294-TFM296 graph-rnn-cell: TF1 RNN cells in a file left in graph mode become cell classes written into the file.

What it matches
    In a file that stays in graph mode (TFM260, the engine's graph-mode pass), without the legacy-Keras opt-in,
    each call of `tf.nn.rnn_cell.LSTMCell` / `BasicLSTMCell` / `GRUCell` / `BasicRNNCell` / `MultiRNNCell` /
    `DropoutWrapper` (`tf.contrib.rnn.*` gets these core names from TFM288 first), and each use of
    `tf.nn.rnn_cell.LSTMStateTuple`:

        rnn_cell = tf.nn.rnn_cell.LSTMCell(num_units=32)
        init_s = rnn_cell.zero_state(batch_size=1, dtype=tf.float32)
        outputs, final_s = tf.nn.dynamic_rnn(rnn_cell, tf_x, initial_state=init_s)

What it writes (TFM294, TFM296)
    Calls of `GraphLSTMCell(...)` / `GraphBasicLSTMCell` / `GraphGRUCell` / `GraphBasicRNNCell` /
    `GraphMultiRNNCell` / `GraphDropoutWrapper`, classes written into the file once, before the first module-level statement that uses
    them, with `LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))` for LSTM states (and for
    the file's own `tf.nn.rnn_cell.LSTMStateTuple`, TFM296). They are TF1's cells as graph ops, on the TF1 RNN
    cell protocol that `tf.compat.v1.nn.dynamic_rnn`, `static_rnn`, `bidirectional_dynamic_rnn` and
    `static_bidirectional_rnn` (still in TF 2.21) run: `state_size`, `output_size`, `zero_state(batch_size,
    dtype)` (an `LSTMStateTuple` of zeros for an LSTM, a tuple of the cells' states for `MultiRNNCell`: fed and
    fetched by a Session as TF1's were) and `cell(inputs, state)`. Variables come from `tf.get_variable` in the
    variable scope TF1's cell had (`default_name` 'lstm_cell' / 'basic_lstm_cell' / 'gru_cell' /
    'basic_rnn_cell' or `name`, fixed at the first call, reused after it; `MultiRNNCell`'s 'cell_0', ...), so a
    Saver finds `rnn/lstm_cell/kernel` as before. The math is TF1's: the LSTM kernel is [input + units,
    4 * units] in the i, j, f, o gate order with `forget_bias` added to the forget gate at every step; the GRU's
    `gates/kernel` (bias starting at 1.0) and `candidate/kernel`; the basic RNN's `activation(W [x, h] + b)`;
    `DropoutWrapper`'s `tf.nn.dropout` of the wrapped cell's inputs / outputs at every step (a new mask each
    step, none for a keep probability that is the number 1), without a variable scope of its own.
    Positional arguments past `num_units` become keywords; arguments that only repeat TF1's defaults
    (`use_peepholes=False`, `cell_clip=None`, `num_proj=None`, `proj_clip=None`, the shard counts `None`,
    `state_is_tuple=True`) are dropped.

When it declines (TFM295)
    A call with an option the written class does not reproduce (peepholes, `cell_clip`, `num_proj` /
    `proj_clip`, shards, `state_is_tuple=False`, an activation given as a string, `DropoutWrapper`'s
    `state_keep_prob`, `variational_recurrent` or `seed`, `*args` / `**kwargs`, any other keyword) is reported
    and left: TFM261 still says that the name is missing under Keras 3.

Why
    `tf.nn.rnn_cell` is gone under Keras 3, even from `tf.compat.v1`, and Keras 3 RNN layers do not run in v1
    graph mode (TFM261), so a Session program left in graph mode stopped at its first cell. Built on
    `get_variable` and graph ops, the cells run where TF1's ran, with TF1's numbers (proved by
    fixtures/exec/rnn/graph_rnn_cells_equivalent.py against TF1's own cells). With `--legacy-keras-fallback`
    (tf_keras runs TF1's cells itself) this rule does nothing.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from . import legacy_keras
from .builders import docstring_has
from .base import Codemod, Rule
from .imports import module_alias, require_module

# TF1's positional order of each cell's constructor arguments (`rnn_cell_impl`, TF 1.15).
PARAMETERS: dict[str, tuple[str, ...]] = {
    "LSTMCell": ("num_units", "use_peepholes", "cell_clip", "initializer", "num_proj", "proj_clip", "num_unit_shards",
                 "num_proj_shards", "forget_bias", "state_is_tuple", "activation", "reuse", "name", "dtype"),
    "BasicLSTMCell": ("num_units", "forget_bias", "state_is_tuple", "activation", "reuse", "name", "dtype"),
    "GRUCell": ("num_units", "activation", "reuse", "kernel_initializer", "bias_initializer", "name", "dtype"),
    "BasicRNNCell": ("num_units", "activation", "reuse", "name", "dtype"),
    "MultiRNNCell": ("cells", "state_is_tuple"),
    "DropoutWrapper": ("cell", "input_keep_prob", "output_keep_prob", "state_keep_prob", "variational_recurrent", "input_size",
                       "dtype", "seed", "dropout_state_filter_visitor"),
}  # fmt: skip
# What the written classes take (the rest of PARAMETERS only when it repeats TF1's default, then dropped).
TAKEN: dict[str, frozenset[str]] = {
    "LSTMCell": frozenset({"num_units", "initializer", "forget_bias", "activation", "reuse", "name", "dtype"}),
    "BasicLSTMCell": frozenset({"num_units", "forget_bias", "activation", "reuse", "name", "dtype"}),
    "GRUCell": frozenset({"num_units", "activation", "reuse", "kernel_initializer", "bias_initializer", "name", "dtype"}),
    "BasicRNNCell": frozenset({"num_units", "activation", "reuse", "name", "dtype"}),
    "MultiRNNCell": frozenset({"cells"}),
    "DropoutWrapper": frozenset({"cell", "input_keep_prob", "output_keep_prob"}),
}
DEFAULTS = {"use_peepholes": {"False"}, "cell_clip": {"None"}, "num_proj": {"None"}, "proj_clip": {"None"},
            "num_unit_shards": {"None"}, "num_proj_shards": {"None"}, "state_is_tuple": {"True"},
            "state_keep_prob": {"1", "1.0"}, "variational_recurrent": {"False"}, "input_size": {"None"}, "dtype": {"None"},
            "seed": {"None"}, "dropout_state_filter_visitor": {"None"}}  # fmt: skip

MARK = "(written by tf2migrate, TFM294)"

# The written code, in the order it is written; `__X__` stands for the file's names (see `_texts`).
HELPERS: dict[str, str] = {
    "LSTMStateTuple": '''
__STATE__ = __COLLECTIONS__.namedtuple("LSTMStateTuple", ("c", "h"))  # TF1's `tf.nn.rnn_cell.LSTMStateTuple` (written by tf2migrate, TFM294)
''',
    "BasicRNNCell": '''
class __BasicRNNCell__:
    """TF1's `tf.nn.rnn_cell.BasicRNNCell` as graph ops, and the cell protocol of the cells below (written by tf2migrate, TFM294): `state_size`, `output_size`, `zero_state`, and a call that makes the cell's variables with `get_variable` in the variable scope TF1's cell had (`rnn/basic_rnn_cell/kernel`), fixed at the first call and reused after it."""

    default_name = "basic_rnn_cell"

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None):
        self._num_units, self._activation = num_units, activation or __TF__.tanh
        self._reuse, self._base_name, self._dtype = reuse, name or self.default_name, dtype
        self._scope, self.built = None, False

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def zero_state(self, batch_size, dtype):
        with __TF__.name_scope(type(self).__name__ + "ZeroState"):
            return __TF__.nest.map_structure(lambda size: __TF__.zeros([batch_size, size], dtype), self.state_size)

    def __call__(self, inputs, state, scope=None):
        if self._scope is None:
            if scope is not None:
                opened = __TF__.variable_scope(scope)
            elif self._reuse:
                opened = __TF__.variable_scope(self._base_name)
            else:
                opened = __TF__.variable_scope(None, default_name=self._base_name)
            with opened as captured:
                self._scope = captured
        with __TF__.variable_scope(self._scope, reuse=True if self.built else self._reuse, auxiliary_name_scope=False):
            inputs = __TF__.convert_to_tensor(inputs)
            if not self.built:
                self.build(inputs.shape.as_list()[-1], self._dtype or inputs.dtype.base_dtype)
                self.built = True
            return self.call(inputs, state)

    def build(self, depth, dtype):
        self._kernel = __TF__.get_variable("kernel", [depth + self._num_units, self._num_units], dtype)
        self._bias = __TF__.get_variable("bias", [self._num_units], dtype, initializer=__TF__.zeros_initializer())

    def call(self, inputs, state):
        output = self._activation(__TF__.nn.bias_add(__TF__.matmul(__TF__.concat([inputs, state], 1), self._kernel), self._bias))
        return output, output
''',
    "LSTMCell": '''
class __LSTMCell__(__BasicRNNCell__):
    """TF1's `tf.nn.rnn_cell.LSTMCell` without peepholes, projection or clipping, as graph ops (written by tf2migrate, TFM294): kernel [input + units, 4 * units] and bias in TF1's i, j, f, o gate order, `forget_bias` added to the forget gate at every step, state `LSTMStateTuple(c, h)`."""

    default_name = "lstm_cell"

    def __init__(self, num_units, initializer=None, forget_bias=1.0, activation=None, reuse=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype)
        self._initializer, self._forget_bias = initializer, forget_bias

    @property
    def state_size(self):
        return __STATE__(self._num_units, self._num_units)

    def build(self, depth, dtype):
        self._kernel = __TF__.get_variable("kernel", [depth + self._num_units, 4 * self._num_units], dtype, initializer=self._initializer)
        self._bias = __TF__.get_variable("bias", [4 * self._num_units], dtype, initializer=__TF__.zeros_initializer())

    def call(self, inputs, state):
        c, h = state
        gates = __TF__.nn.bias_add(__TF__.matmul(__TF__.concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = __TF__.split(gates, 4, axis=1)
        c = __TF__.sigmoid(f + self._forget_bias) * c + __TF__.sigmoid(i) * self._activation(j)
        h = __TF__.sigmoid(o) * self._activation(c)
        return h, __STATE__(c, h)
''',
    "BasicLSTMCell": '''
class __BasicLSTMCell__(__LSTMCell__):
    """TF1's `tf.nn.rnn_cell.BasicLSTMCell` as graph ops: the LSTM above, its variables under `basic_lstm_cell` (written by tf2migrate, TFM294)."""

    default_name = "basic_lstm_cell"
''',
    "GRUCell": '''
class __GRUCell__(__BasicRNNCell__):
    """TF1's `tf.nn.rnn_cell.GRUCell` as graph ops (written by tf2migrate, TFM294): `gates/kernel` (r, u; bias starting at 1.0) and `candidate/kernel`, the reset gate applied to the state before the candidate's matmul."""

    default_name = "gru_cell"

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None, bias_initializer=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype)
        self._kernel_initializer, self._bias_initializer = kernel_initializer, bias_initializer

    def build(self, depth, dtype):
        units = self._num_units
        self._gate_kernel = __TF__.get_variable("gates/kernel", [depth + units, 2 * units], dtype, initializer=self._kernel_initializer)
        self._gate_bias = __TF__.get_variable("gates/bias", [2 * units], dtype, initializer=self._bias_initializer or __TF__.constant_initializer(1.0, dtype=dtype))
        self._candidate_kernel = __TF__.get_variable("candidate/kernel", [depth + units, units], dtype, initializer=self._kernel_initializer)
        self._candidate_bias = __TF__.get_variable("candidate/bias", [units], dtype, initializer=self._bias_initializer or __TF__.zeros_initializer())

    def call(self, inputs, state):
        gates = __TF__.sigmoid(__TF__.nn.bias_add(__TF__.matmul(__TF__.concat([inputs, state], 1), self._gate_kernel), self._gate_bias))
        r, u = __TF__.split(gates, 2, axis=1)
        candidate = self._activation(__TF__.nn.bias_add(__TF__.matmul(__TF__.concat([inputs, r * state], 1), self._candidate_kernel), self._candidate_bias))
        h = u * state + (1 - u) * candidate
        return h, h
''',
    "MultiRNNCell": '''
class __MultiRNNCell__(__BasicRNNCell__):
    """TF1's `tf.nn.rnn_cell.MultiRNNCell` (state a tuple of the cells' states) as graph ops (written by tf2migrate, TFM294): cell i runs in the variable scope `cell_i` of `multi_rnn_cell`."""

    default_name = "multi_rnn_cell"

    def __init__(self, cells):
        super().__init__(None)
        self._cells = list(cells)

    @property
    def state_size(self):
        return tuple(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def zero_state(self, batch_size, dtype):
        with __TF__.name_scope(type(self).__name__ + "ZeroState"):
            return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)

    def build(self, depth, dtype):
        pass

    def call(self, inputs, state):
        states = []
        for index, cell in enumerate(self._cells):
            with __TF__.variable_scope("cell_%d" % index):
                inputs, cell_state = cell(inputs, state[index])
                states.append(cell_state)
        return inputs, tuple(states)
''',
}
HELPERS["DropoutWrapper"] = '''
class __DropoutWrapper__:
    """TF1's `tf.nn.rnn_cell.DropoutWrapper` without state dropout or variational recurrence, as graph ops (written by tf2migrate, TFM294): the wrapped cell's inputs and outputs dropped with a new mask at every step, a keep probability of 1 (a number) dropping nothing; no variable scope of its own, as in TF1."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0):
        self._cell, self._input_keep_prob, self._output_keep_prob = cell, input_keep_prob, output_keep_prob

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with __TF__.name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    @staticmethod
    def _dropout(values, keep_prob):
        if isinstance(keep_prob, (int, float)) and keep_prob >= 1:
            return values
        return __TF__.nn.dropout(values, rate=1.0 - keep_prob)

    def __call__(self, inputs, state, scope=None):
        output, new_state = self._cell(self._dropout(inputs, self._input_keep_prob), state, scope=scope)
        return self._dropout(output, self._output_keep_prob), new_state
'''
NEEDS: dict[str, tuple[str, ...]] = {
    "LSTMStateTuple": (),
    "BasicRNNCell": (),
    "LSTMCell": ("LSTMStateTuple", "BasicRNNCell"),
    "BasicLSTMCell": ("LSTMCell",),
    "GRUCell": ("BasicRNNCell",),
    "MultiRNNCell": ("BasicRNNCell",),
    "DropoutWrapper": (),
}
PREFIXES = ("tf.nn.rnn_cell.", "tf.compat.v1.nn.rnn_cell.")

CELL_RULE = Rule(
    code="TFM294",
    name="graph-rnn-cell",
    fix=FixKind.SAFE,
    summary="In a graph-mode fallback file, `tf.nn.rnn_cell` LSTM / GRU / basic RNN / Multi cells and DropoutWrapper become cell classes written into the file, on `tf.get_variable` with TF1's variable names and math.",
    explanation="""
        `tf.nn.rnn_cell` is gone under Keras 3, even from `tf.compat.v1`, and Keras 3 RNN layers do not run in
        v1 graph mode, so a Session program left in graph mode (TFM260) stopped at its first cell (TFM261).
        There, `LSTMCell`, `BasicLSTMCell`, `GRUCell`, `BasicRNNCell`, `MultiRNNCell` and `DropoutWrapper` (also as
        `tf.contrib.rnn.*`, which TFM288 names so first) become `GraphLSTMCell`, `GraphBasicLSTMCell`, ...:
        classes written into the file once, on the TF1 cell protocol that `tf.compat.v1.nn.dynamic_rnn`,
        `static_rnn` and the bidirectional runs still run in TF 2.21 (`state_size`, `output_size`,
        `zero_state`, `cell(inputs, state)`). Their variables are made by `tf.get_variable` in the variable
        scope TF1's cell had (`rnn/lstm_cell/kernel`, `rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel`, ...),
        so Savers and sharing by name work as before; the math is TF1's (LSTM gates in i, j, f, o order with
        `forget_bias` added to the forget gate at every step, GRU gate bias starting at 1.0). `zero_state`
        returns an `LSTMStateTuple(c, h)` namedtuple a Session feeds and fetches as TF1's. `DropoutWrapper`
        drops the wrapped cell's inputs / outputs with `tf.nn.dropout` at every step, as TF1's did. Options the
        classes do not reproduce (peepholes, `cell_clip`, `num_proj`, shards, `state_is_tuple=False`, state
        dropout, `variational_recurrent`, a dropout `seed`) are reported
        (TFM295) and left; with `--legacy-keras-fallback` tf_keras runs TF1's own cells and nothing changes.
    """,
    before="""
        rnn_cell = tf.nn.rnn_cell.LSTMCell(num_units=32)
        init_s = rnn_cell.zero_state(batch_size=1, dtype=tf.float32)
        outputs, final_s = tf.nn.dynamic_rnn(rnn_cell, tf_x, initial_state=init_s)
        with tf.Session() as sess:
            ...
    """,
    after="""
        LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))  # TF1's `tf.nn.rnn_cell.LSTMStateTuple` ...

        class GraphBasicRNNCell:
            \"\"\"TF1's `tf.nn.rnn_cell.BasicRNNCell` as graph ops, and the cell protocol ...\"\"\"
            ...

        class GraphLSTMCell(GraphBasicRNNCell):
            \"\"\"TF1's `tf.nn.rnn_cell.LSTMCell` without peepholes, projection or clipping, as graph ops ...\"\"\"
            ...

        rnn_cell = GraphLSTMCell(num_units=32)
        init_s = rnn_cell.zero_state(batch_size=1, dtype=tf.float32)
        outputs, final_s = tf.nn.dynamic_rnn(rnn_cell, tf_x, initial_state=init_s)
    """,
)
DECLINE_RULE = Rule(
    code="TFM295",
    name="graph-rnn-cell-not-converted",
    fix=FixKind.MANUAL,
    summary="A `tf.nn.rnn_cell` cell in a graph-mode fallback file has an option the written cell classes do not reproduce: reported, left as it is.",
    explanation="""
        TFM294 writes TF1's LSTM / GRU / basic RNN / Multi cells into a graph-mode fallback file, for the
        options it reproduces exactly. A cell with peepholes (`use_peepholes=True`), `cell_clip`, a
        projection (`num_proj`, `proj_clip`), sharded kernels, `state_is_tuple=False`, an activation given as a
        string, a `DropoutWrapper` with `state_keep_prob`, `variational_recurrent` or `seed`, `*args` /
        `**kwargs` or another keyword is left as it is and reported here; TFM261 says the
        name is missing under Keras 3. Port the program to eager TF2 (Keras RNN layers), write the cell by
        hand on `tf.get_variable`, or run it on tf_keras with `tf2migrate fix --legacy-keras-fallback`.
    """,
    before="""
        cell = tf.nn.rnn_cell.LSTMCell(64, use_peepholes=True)
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        with tf.Session() as sess:
            ...
    """,
    after="""
        cell = tf.nn.rnn_cell.LSTMCell(64, use_peepholes=True)  # reported (TFM295), unchanged
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    """,
)
STATE_RULE = Rule(
    code="TFM296",
    name="graph-rnn-state-tuple",
    fix=FixKind.SAFE,
    summary="In a graph-mode fallback file, `tf.nn.rnn_cell.LSTMStateTuple` becomes the `LSTMStateTuple` namedtuple written with the cell classes (TFM294).",
    explanation="""
        `tf.nn.rnn_cell.LSTMStateTuple` is gone under Keras 3 with the rest of `tf.nn.rnn_cell`. In a file
        left in graph mode (TFM260) it becomes `LSTMStateTuple`, written into the file as
        `collections.namedtuple("LSTMStateTuple", ("c", "h"))`: TF1's was a namedtuple with the same fields,
        which `dynamic_rnn` and Sessions take apart and build again as a structure (a state fed or fetched
        keeps its `c` / `h`), and which the written LSTM cells (TFM294) use for their state.
    """,
    before="""
        state = tf.nn.rnn_cell.LSTMStateTuple(c_in, h_in)
        outputs, final = tf.nn.dynamic_rnn(cell, x, initial_state=state)
    """,
    after="""
        LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))  # TF1's `tf.nn.rnn_cell.LSTMStateTuple` ...

        state = LSTMStateTuple(c_in, h_in)
        outputs, final = tf.nn.dynamic_rnn(cell, x, initial_state=state)
    """,
)


def written(node: cst.CSTNode) -> bool:
    """True for a cell class this rule wrote (its docstring says so): graph-mode code by design, which
    `tf1_variables` leaves as it is (its `get_variable` is TF1's sharing by name, kept on purpose) and
    `rnn_cells` does not try to turn into Keras layers."""
    return isinstance(node, cst.ClassDef) and docstring_has(node, MARK)


class Unreproduced(Exception):
    """A cell argument the written classes do not reproduce (the message says which)."""


class GraphRnnCells(Codemod):
    RULES = (CELL_RULE, DECLINE_RULE, STATE_RULE)
    TRIGGERS = ("rnn_cell",)

    def visit_Module(self, node: cst.Module) -> bool:
        self.replaced: dict[cst.CSTNode, cst.Name | tuple[cst.Name, list[tuple[int, str | None]]]] = {}
        self.anchor: cst.CSTNode | None = None
        self.block: list[str] = []
        if self.run.selection.legacy_keras_fallback or legacy_keras.opted_in(node):
            return False  # tf_keras runs TF1's cells itself (TFM260's legacy route)
        # the written classes call TF1 names (`get_variable`, `variable_scope`) through the file's one TensorFlow
        # alias; a file importing TF2's `tensorflow` beside `tensorflow.compat.v1` under another name is left to
        # TFM261 (seen on the merged code: written on `tf1` such a file was migrated again by a second run)
        tf2_alias, v1_alias = module_alias(node, "tensorflow"), module_alias(node, "tensorflow.compat.v1")
        if tf2_alias is not None and v1_alias is not None and tf2_alias != v1_alias:
            return False
        tf = tf2_alias or v1_alias
        if tf is None:
            return False
        cells: list[tuple[cst.Call, str]] = []
        states: list[cst.CSTNode] = []
        for candidate in find(node, cst.Attribute):  # type: ignore[attr-defined]
            if candidate.attr.value not in PARAMETERS and candidate.attr.value != "LSTMStateTuple":
                continue
            name = self.qualified_name(candidate) or ""
            prefix = next((p for p in PREFIXES if name.startswith(p)), None)
            if prefix is None:
                continue
            kind = name[len(prefix):]
            if kind == "LSTMStateTuple":
                states.append(candidate)
                continue
            parent = self.get_metadata(ParentNodeProvider, candidate, None)
            if kind in PARAMETERS and isinstance(parent, cst.Call) and parent.func is candidate:
                cells.append((parent, kind))
        if not cells and not states:
            return False
        if not self.run.graph_mode:
            self.run.graph_unproven += 1  # runs only where the file stays in graph mode: ask for that pass
            return False
        attributes = {id(a.attr) for a in find(node, cst.Attribute)}  # type: ignore[attr-defined]
        taken = {n.value for n in find(node, cst.Name) if id(n) not in attributes}  # type: ignore[attr-defined]
        names: dict[str, str] = {}

        def name_for(kind: str) -> str:
            if kind not in names:
                for need in NEEDS[kind]:
                    name_for(need)
                name = kind if kind == "LSTMStateTuple" else f"Graph{kind}"
                while name in taken:
                    name += "_"
                taken.add(name)
                names[kind] = name
            return names[kind]

        used: list[cst.CSTNode] = []
        for call, kind in sorted(cells, key=lambda item: self.position(item[0])):
            try:
                plan = self._arguments(call, kind)
            except Unreproduced as reason:
                self.flag(call, DECLINE_RULE.code, f"`tf.nn.rnn_cell.{kind}` {reason}, which the cell classes TFM294 writes for a graph-mode fallback do not reproduce: left as it is; write the cell on `tf.get_variable` by hand, port the program to eager TF2 (Keras RNN layers), or run `tf2migrate fix --legacy-keras-fallback`")
                continue
            if not self.offer_fix(call, CELL_RULE.code, f"`tf.nn.rnn_cell.{kind}` is gone under Keras 3 and this file stays in graph mode (TFM260): now a cell class written into the file, on `tf.get_variable` with TF1's variable names and math, which `tf.nn.dynamic_rnn` / `static_rnn` run as before"):
                continue
            self.replaced[call] = (cst.Name(name_for(kind)), plan)
            used.append(call)
        for state in sorted(states, key=self.position):
            if self.offer_fix(state, STATE_RULE.code, "`tf.nn.rnn_cell.LSTMStateTuple` is gone under Keras 3 and this file stays in graph mode (TFM260): now the `LSTMStateTuple` namedtuple written into the file (the same fields, fed and fetched as TF1's)"):
                self.replaced[state] = cst.Name(name_for("LSTMStateTuple"))
                used.append(state)
        if not self.replaced:
            return False
        collections = require_module(self.context, node, "collections", "collections") if "LSTMStateTuple" in names else ""
        for kind in HELPERS:  # in the order written: each after what it needs
            if kind in names:
                self.block.append(self._text(kind, names, tf, collections))
        order = {id(statement): index for index, statement in enumerate(node.body)}
        self.anchor = min((self._module_statement(n) for n in used), key=lambda statement: order[id(statement)])
        return True

    @staticmethod
    def _text(kind: str, names: dict[str, str], tf: str, collections: str) -> str:
        text = HELPERS[kind].replace("__TF__", tf).replace("__COLLECTIONS__", collections)
        text = text.replace("__STATE__", names.get("LSTMStateTuple", "LSTMStateTuple"))
        for other in ("BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell", "DropoutWrapper"):
            text = text.replace(f"__{other}__", names.get(other, f"Graph{other}"))
        return text

    @staticmethod
    def _arguments(call: cst.Call, kind: str) -> list[tuple[int, str | None]]:
        """Which of the call's arguments the written class gets, by index, with the keyword a positional past
        the first gets (None: as it is); TF1's defaults are dropped. Raises Unreproduced for what it does not take."""
        positional = PARAMETERS[kind]
        kept: list[tuple[int, str | None]] = []
        for index, arg in enumerate(call.args):
            if arg.star:
                raise Unreproduced(f"has `{arg.star}` arguments")
            if arg.keyword is None:
                if index >= len(positional):
                    raise Unreproduced("has more positional arguments than TF1's took")
                word = positional[index]
            else:
                word = arg.keyword.value
                if word not in positional:
                    raise Unreproduced(f"has `{word}=`")
            value = cst.Module(body=[]).code_for_node(arg.value).strip()
            if word not in TAKEN[kind]:
                if value not in DEFAULTS.get(word, ()):
                    raise Unreproduced(f"has `{word}={value}`")
                continue  # TF1's default, dropped
            if word == "activation" and isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                raise Unreproduced("has an activation given by name")
            kept.append((index, word if arg.keyword is None and index > 0 else None))
        return kept

    @staticmethod
    def _with_arguments(call: cst.Call, plan: list[tuple[int, str | None]]) -> list[cst.Arg]:
        no_space = cst.SimpleWhitespace("")
        args: list[cst.Arg] = []
        for index, keyword in plan:
            arg = call.args[index]
            if keyword is not None:
                arg = arg.with_changes(keyword=cst.Name(keyword), equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space))
            args.append(arg)
        if args and call.args and args[-1] is not call.args[-1]:
            args[-1] = args[-1].with_changes(comma=call.args[-1].comma)
        return args

    def _module_statement(self, node: cst.CSTNode) -> cst.CSTNode:
        current = node
        while True:
            parent = self.get_metadata(ParentNodeProvider, current)
            if isinstance(parent, cst.Module):
                return current
            current = parent

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        replacement = self.replaced.get(original_node)
        if replacement is None:
            return super().on_leave(original_node, updated_node)
        if isinstance(replacement, tuple):
            name, plan = replacement
            return updated_node.with_changes(func=name, args=self._with_arguments(updated_node, plan))
        return replacement.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.block:
            return updated_node
        body: list[cst.BaseStatement] = []
        for old, new in zip(original_node.body, updated_node.body):
            if old is self.anchor:
                for text in self.block:
                    statement = cst.parse_module(text.lstrip("\n")).body[0]
                    body.append(statement.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]))
                blank = next((i for i, line in enumerate(new.leading_lines) if line.comment is not None), len(new.leading_lines))
                new = new.with_changes(leading_lines=[*[cst.EmptyLine()] * max(0, 2 - blank), *new.leading_lines])
            body.append(new)
        return updated_node.with_changes(body=body)


CODEMOD = GraphRnnCells
