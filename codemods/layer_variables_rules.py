"""The rules of `layer_variables` (TFM101-TFM110): codes, titles, fix kinds and `explain` docs.

Matches and writes nothing: the findings catalogue the codemod (codemods/layer_variables.py) reports from,
one `Rule` per code with its before/after example (`tf2migrate explain TFM10x`), and `RULES` in the order
the codemod lists them. Kept apart from the rewrite so that the codemod's modules hold only what it does.
"""

from __future__ import annotations

from tf2migrate.findings import FixKind

from .base import Rule


VARIABLE = Rule(
    code="TFM101",
    name="layer-variable",
    fix=FixKind.SAFE,
    summary="`tf.Variable` kept by a Keras layer or model becomes `self.add_weight(...)`.",
    explanation="""
        Keras 3 (TensorFlow 2.16+) does not track a raw `tf.Variable` stored on a layer: the layer
        reports no weights, `fit()` trains nothing and saving drops the value, without any error.
        The variable is created with `self.add_weight` instead, with keyword arguments only. The
        initial value is turned into `shape=` and a Keras initializer (literals, `tf.zeros/ones/fill/
        constant`, `np.zeros/ones/full/array`, `tf.random.*`), keeping TF1's defaults and the
        variable's dtype; `name`, `trainable`, `dtype` and `constraint` are carried over. Random
        initial values keep their distribution and seed, but Keras draws different numbers.
        In a class built on the standalone `keras` package the weight is trainable, as Keras 2.3.1
        (`Layer.__setattr__`) and tf.keras 2.x tracked a variable set as a layer attribute, trainable per
        the variable's own flag; the finding names the Keras 2.2 difference (2.2 and earlier ignored such a
        variable unless it was listed in `trainable_weights`): add `trainable=False` if it is a constant.
        Integer and boolean variables are reported unless `trainable=False` is given.
    """,
    before="""
        class MyCustomLayer(tf.keras.layers.Layer):
            def __init__(self, **kwargs):
                super(MyCustomLayer, self).__init__(**kwargs)
                self.my_variable = tf.Variable(0.0, name='my_var')
    """,
    after="""
        class MyCustomLayer(tf.keras.layers.Layer):
            def __init__(self, **kwargs):
                super(MyCustomLayer, self).__init__(**kwargs)
                self.my_variable = self.add_weight(name='my_var', initializer='zeros')
    """,
)

GET_VARIABLE = Rule(
    code="TFM102",
    name="layer-get-variable",
    fix=FixKind.SAFE,
    summary="`tf.get_variable` / `model_variable` in a Keras layer or model becomes `self.add_weight(...)`.",
    explanation="""
        `tf.get_variable` and `tf.contrib.framework.model_variable` are gone from TensorFlow 2, and
        Keras 3 would not track their variables anyway. Inside a Keras class they become
        `self.add_weight` with keywords: `name`, `shape`, `dtype`, `trainable`, `constraint` are
        carried over, and the TF1 initializer object becomes the Keras initializer with the same
        distribution and arguments (`tf.random_normal_initializer(stddev=0.1)` ->
        `keras.initializers.RandomNormal(mean=0.0, stddev=0.1)`; TF1's default initializer,
        Glorot uniform, is written out). A `regularizer` makes the fix unsafe: Keras adds the
        penalty to the layer's losses, so `fit()` now includes it, where TF1 only collected it.
    """,
    before="""
        class Dense(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = tf.get_variable('w', [int(input_shape[-1]), 4],
                                         initializer=tf.truncated_normal_initializer(stddev=0.1))
    """,
    after="""
        class Dense(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(
                    name='w',
                    shape=[int(input_shape[-1]), 4],
                    initializer=tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=0.1),
                )
    """,
)

BACKEND_VARIABLE = Rule(
    code="TFM103",
    name="layer-backend-variable",
    fix=FixKind.SAFE,
    summary="`K.variable` / `K.zeros` / `K.ones` kept by a Keras layer becomes `self.add_weight(...)`.",
    explanation="""
        Keras 2's backend functions `K.variable`, `K.zeros`, `K.ones`, `K.eye`,
        `K.random_normal_variable` and `K.random_uniform_variable` created a variable; Keras 3 has no
        `backend.variable` and does not track such variables. Stored on a layer they become
        `self.add_weight` with the same shape, initial value (distribution), name and constraint.
        `K.zeros`/`K.ones`/`K.eye` not stored on the layer are taken for constants and left alone. `K.variable`
        casts its value to the float type (`floatx`), which is also `add_weight`'s default dtype.
    """,
    before="""
        class Scale(Layer):
            def build(self, input_shape):
                self.gamma = K.variable(np.ones(input_shape[-1]), name='gamma')
    """,
    after="""
        class Scale(Layer):
            def build(self, input_shape):
                self.gamma = self.add_weight(name='gamma', shape=(input_shape[-1],), initializer='ones')
    """,
)

GENERIC_VALUE = Rule(
    code="TFM104",
    name="layer-variable-generic-value",
    fix=FixKind.UNSAFE,
    summary="A layer variable whose initial value is not a known form becomes `add_weight` with a `Constant` holding it.",
    explanation="""
        The initial value is an expression the rule cannot map to a Keras initializer (a function
        call, a name, an arithmetic expression). The value is computed once, as before, into a local,
        and the weight is created with that value's shape and dtype and a `Constant` initializer
        holding it. It is unsafe because the value is now converted to a tensor up front (a Python
        list of ints gives an int32 weight), and because the initializer keeps a reference to it.
        Prefer replacing it by a shape and a Keras initializer by hand.
    """,
    before="""
        class Embed(tf.keras.layers.Layer):
            def __init__(self, table, **kwargs):
                super().__init__(**kwargs)
                self.table = tf.Variable(load_table(table), name='table')
    """,
    after="""
        class Embed(tf.keras.layers.Layer):
            def __init__(self, table, **kwargs):
                super().__init__(**kwargs)
                initial_table = tf.keras.ops.convert_to_tensor(load_table(table))
                self.table = self.add_weight(name='table', shape=initial_table.shape, initializer=tf.keras.initializers.Constant(value=initial_table), dtype=initial_table.dtype)
    """,
)

MANUAL_VARIABLE = Rule(
    code="TFM105",
    name="layer-variable-manual",
    fix=FixKind.MANUAL,
    summary="A variable in a Keras layer that cannot be rewritten exactly: create it with `self.add_weight` by hand.",
    explanation="""
        The rule found a variable created inside a Keras layer or model that it cannot move onto
        `self.add_weight` without guessing: it is not stored on the layer (a local, or created in
        `call`), it uses TF1-only arguments (`collections`, `partitioner`, `caching_device`,
        `custom_getter`, `validate_shape=False`), it is an integer variable that would become
        trainable, it is created before `super().__init__()`, or its name contains '/', which Keras 3
        rejects. Create the weight with `self.add_weight(shape=..., initializer=..., ...)`, usually
        in `build()`, and keep it as an attribute.
    """,
    before="""
        class Counter(tf.keras.layers.Layer):
            def call(self, inputs):
                steps = tf.Variable(0)
    """,
    after="""
        class Counter(tf.keras.layers.Layer):
            def call(self, inputs):
                steps = tf.Variable(0)
    """,
)

GRAPH_PLUMBING = Rule(
    code="TFM106",
    name="layer-graph-plumbing",
    fix=FixKind.SAFE,
    summary="Graph handles, `as_default`/`variable_scope` blocks and initializer runs that only served a layer's variables are removed.",
    explanation="""
        In TF1 a layer sometimes fetched the graph or session to create and initialize its variables:
        `with K.get_graph().as_default():`, `with tf.variable_scope(...):`, `K.get_session().run(
        tf.variables_initializer(...))`. Once the variables are created with `self.add_weight`
        (TFM101-TFM103), Keras creates, names and initializes them, and `K.get_graph`/`K.get_session`
        no longer exist. A block whose body only creates weights is unwrapped, an initializer run is
        removed, and a graph or session handle used only by those is removed too. Keras 1/2's
        `self.trainable_weights = [self.w, self.b]` (read-only in Keras 3) is removed when it lists
        exactly the weights the method creates; otherwise it is reported (TFM105).
    """,
    before="""
        class Bias(tf.keras.layers.Layer):
            def build(self, input_shape):
                g = K.get_graph()
                with g.as_default():
                    self.b = tf.Variable(tf.zeros([4]), name='b')
    """,
    after="""
        class Bias(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.b = self.add_weight(name='b', shape=[4], initializer='zeros')
    """,
)

ADD_WEIGHT_POSITIONAL = Rule(
    code="TFM108",
    name="add-weight-positional",
    fix=FixKind.SAFE,
    summary="Keras 2 `self.add_weight('name', shape, ...)` / `self.add_variable(...)` get keyword arguments.",
    explanation="""
        Keras 2's `add_weight(name, shape, dtype, initializer, regularizer, trainable, constraint)` and
        Keras 3's `add_weight(shape, initializer, dtype, trainable, autocast, regularizer, constraint,
        ...)` take their positional arguments in a different order, so a Keras 2 positional call
        passes the name as the shape in Keras 3. Calls whose first argument is a string (the name,
        which only Keras 2 takes first) are rewritten with keywords; `add_variable`, Keras 2's alias,
        becomes `add_weight`. Other positional calls are reported.
    """,
    before="""
        self.kernel = self.add_weight('kernel', (input_dim, units), initializer='uniform')
    """,
    after="""
        self.kernel = self.add_weight(name='kernel', shape=(input_dim, units), initializer='uniform')
    """,
)

ADD_WEIGHT_ARGUMENTS = Rule(
    code="TFM109",
    name="add-weight-tf1-arguments",
    fix=FixKind.SAFE,
    summary="TF1 initializer / `tf.contrib` regularizer objects passed to `add_weight` become their Keras equivalents.",
    explanation="""
        `self.add_weight(initializer=tf.random_normal_initializer(...), regularizer=tf.contrib.layers.
        l2_regularizer(...))` worked in TF1's Keras. `tf.contrib` is gone from TensorFlow 2, and the TF1
        initializer classes live on only in `tf.compat.v1`. They become the Keras initializer with the
        same distribution (TF1's defaults written out where Keras's differ) and the Keras regularizer
        with the same penalty: TF1's `l2_regularizer(scale)` was `scale * tf.nn.l2_loss(w)`, half the sum
        of squares, so it becomes `L2(l2=scale / 2)`.
    """,
    before="""
        self.kernel = self.add_weight(name='kernel', shape=(4, 4), initializer=tf.truncated_normal_initializer(stddev=0.02), regularizer=tf.contrib.layers.l2_regularizer(0.01))
    """,
    after="""
        self.kernel = self.add_weight(name='kernel', shape=(4, 4), initializer=tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=0.02), regularizer=tf.keras.regularizers.L2(l2=0.005))
    """,
)

TF1_LAYER_BASE = Rule(
    code="TFM110",
    name="tf1-layer-base",
    fix=FixKind.SAFE,
    summary="A class built on TF1's `tf.layers.Layer` is built on `tf.keras.layers.Layer`.",
    explanation="""
        `tf.layers.Layer`, TF1's base class for layers, was a thin subclass of the Keras `Layer` (it
        added variable-scope naming); it is gone from TensorFlow 2, even from `tf.compat.v1`. The class
        now subclasses the Keras `Layer` directly, and its variables, `add_variable` and `add_weight`
        calls are migrated by TFM101-TFM109 like those of any Keras layer.
    """,
    before="""
        class Scale(tf.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_variable('scale', shape=(1,), initializer=tf.ones_initializer())
    """,
    after="""
        class Scale(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_weight(name='scale', shape=(1,), initializer='ones')
    """,
)

RULES = (VARIABLE, GET_VARIABLE, BACKEND_VARIABLE, GENERIC_VALUE, MANUAL_VARIABLE, GRAPH_PLUMBING, ADD_WEIGHT_POSITIONAL, ADD_WEIGHT_ARGUMENTS, TF1_LAYER_BASE)
