"""The rules of `tf1_variables` (TFM230-TFM234): codes, titles, fix kinds and `explain` docs.

Matches and writes nothing: the findings catalogue the codemod (codemods/tf1_variables.py) reports from,
one `Rule` per code with its before/after example (`tf2migrate explain TFM23x`). TFM237 (contrib layers) is
in codemods/contrib_layer_specs.py, TFM271 in codemods/collection_var_lists.py. Kept apart from the rewrite
so that the codemod's modules hold only what it does.
"""

from __future__ import annotations

from tf2migrate.findings import FixKind

from .base import Rule


LAYER_RULE = Rule(
    code="TFM230",
    name="tf1-layer-call",
    fix=FixKind.SAFE,
    summary="`tf.layers.dense/conv2d/...` calls become Keras layers created once and called where the old call was.",
    explanation="""
        `tf.layers` is gone from TensorFlow 2.21 (there is no `tf.compat.v1.layers` any more). In TF1, a call
        like `tf.layers.dense(x, 16)` made the layer's variables while the graph was built, once; in eager
        TensorFlow 2 the function that contains it runs on every step, so the layer must be created once and
        only called there. Each call site that owns variables (dense, conv1d/2d/3d, conv2d_transpose,
        batch_normalization) becomes a `tf.keras.layers.*` object at module level, named after the function
        and the layer. Pooling, flatten and dropout have no variables: they are created once the same way
        whatever the call count, or built inline when their arguments differ between calls. Arguments are
        mapped to Keras 3 names; TF1 defaults that Keras does not share are written out.

        The rule proves that one call site means one layer: the function must be called once in the file
        (counted through the functions that call it), or every other call must reuse the variables through
        a `reuse` parameter given to `tf.variable_scope(name, reuse=reuse)` or an `AUTO_REUSE` scope; in an
        eager file (one using `tf.GradientTape`, no Session or placeholder) TF1's helpers made new variables
        on every call, the bug this fixes, and the function is taken to be one model however often it runs.
        Otherwise the call is reported: create the layers yourself (in `__init__` of a `tf.Module` or Keras
        model, or at module level) and call them, one object per set of weights you want.
    """,
    before="""
        def model(x):
            h = tf.layers.dense(x, 16, activation=tf.nn.relu)
            return tf.layers.dense(h, 1)
    """,
    after="""
        model_dense = tf.keras.layers.Dense(16, activation=tf.nn.relu)
        model_dense_1 = tf.keras.layers.Dense(1)


        def model(x):
            h = model_dense(x)
            return model_dense_1(h)
    """,
)

CLASS_RULE = Rule(
    code="TFM233",
    name="tf1-layer-class",
    fix=FixKind.SAFE,
    summary="`tf.layers.Dense(...)` and the other TF1 layer classes become their `tf.keras.layers` counterparts.",
    explanation="""
        TF1's layer classes (`tf.layers.Dense`, `Conv2D`, `MaxPooling2D`, `Dropout`, `BatchNormalization`,
        ...) are gone from TensorFlow 2.21. An object built from one already holds its variables, so it only
        needs the Keras class: the arguments are mapped as for the `tf.layers.*` functions (TFM230), with TF1
        defaults that Keras does not share written out. The object is rewritten where it is created when that
        is at module level or in a class's `__init__`/`build`; created in any other function, which eager code
        runs on every step, it is reported: create it once and call it there.
    """,
    before="""
        self.hidden = tf.layers.Dense(256, activation=tf.nn.relu)
        self.drop = tf.layers.Dropout()
    """,
    after="""
        self.hidden = tf.keras.layers.Dense(256, activation=tf.nn.relu)
        self.drop = tf.keras.layers.Dropout(0.5)
    """,
)

KERAS_RULE = Rule(
    code="TFM234",
    name="keras-layer-built-per-call",
    fix=FixKind.SAFE,
    summary="A Keras layer built and called in one expression (`tf.keras.layers.Dense(10)(x)`) inside graph-building code is created once.",
    explanation="""
        TF1-era code often used Keras layers like `tf.layers` functions: `h = tf.keras.layers.Dense(64)(x)`
        inside the function that builds the model. In graph mode that function ran once. In eager TF2 code
        (and after the Session rewrite, TFM201) it runs on every step, and each run builds a new layer with
        new variables, so nothing is trained. In a TF1 graph program (placeholders or a Session) or an eager
        program using `tf.GradientTape`, such a layer is created once at module level, named after the
        function and the layer, and called where it was built, under the same proof as TFM230: the
        function's calls in the file are counted (TF1 variable-scope reuse does not share Keras layers, so
        every call counts). Layers without variables (pooling, flatten, dropout, activations, ...) are moved
        only when their arguments allow. Functions that build a Keras functional model (`keras.Input`,
        `keras.Model`, `Sequential`) and code in classes are left alone.
    """,
    before="""
        def model(x):
            h = tf.keras.layers.Dense(64, activation="relu")(x)
            return tf.keras.layers.Dense(1)(h)
    """,
    after="""
        model_dense = tf.keras.layers.Dense(64, activation="relu")
        model_dense_1 = tf.keras.layers.Dense(1)


        def model(x):
            h = model_dense(x)
            return model_dense_1(h)
    """,
)

STORE_RULE = Rule(
    code="TFM231",
    name="tf1-get-variable",
    fix=FixKind.SAFE,
    summary="`tf.get_variable` in `tf.variable_scope` helpers: variables created once in a store keyed by scope/name, then reused.",
    explanation="""
        `tf.get_variable` and `tf.variable_scope` are gone from TensorFlow 2.21. In TF1 they looked variables
        up by their full name (`scope/name`) in the graph's variable store: helper functions made them while
        the graph was built and found them again when a scope was reused. In eager TensorFlow 2 the helpers
        run on every step, so the variables must be created once and found again. The rule writes a small
        `tf.Module` into the file that keeps TF1's semantics: `variable_store.scope(name)` stands for
        `tf.variable_scope(name)` and `variable_store.get(name, shape, initializer=...)` returns the variable
        of that full name, creating it (with TF1's default, Glorot uniform, or the Keras counterpart of the
        TF1 initializer) the first time. Its variables are `variable_store.trainable_variables`.

        A TF1 program that ran never asked for an existing name without reuse (TF1 raised `ValueError`), so
        returning the existing variable is what TF1 did whenever it did not fail; `reuse=` therefore needs
        no counterpart. The file is converted as a whole or not at all: scopes opened with `default_name`,
        `as scope`, `tf.get_variable_scope()`, regularizers, partitioners, custom getters, collections, calls
        inside classes (Keras layers: see TFM102) are reported, and nothing in the file is changed.
    """,
    before="""
        def dense(x, n_in, n_out, name):
            with tf.variable_scope(name):
                w = tf.get_variable("w", [n_in, n_out], initializer=tf.truncated_normal_initializer(stddev=0.1))
                b = tf.get_variable("b", [n_out], initializer=tf.zeros_initializer())
                return tf.matmul(x, w) + b
    """,
    after="""
        class VariableStore(tf.Module):
            ...  # written once into the file: scope(name), get(name, shape, dtype, initializer, trainable)


        variable_store = VariableStore()


        def dense(x, n_in, n_out, name):
            with variable_store.scope(name):
                w = variable_store.get("w", [n_in, n_out], initializer=tf.keras.initializers.TruncatedNormal(stddev=0.1))
                b = variable_store.get("b", [n_out], initializer=tf.keras.initializers.Zeros())
                return tf.matmul(x, w) + b
    """,
)

COLLECTION_RULE = Rule(
    code="TFM232",
    name="tf1-variable-collection",
    fix=FixKind.MANUAL,
    summary="`tf.trainable_variables()` / `tf.get_collection(...)` in a file whose TF1 variables were moved to Keras layers or the variable store.",
    explanation="""
        TF1 put every variable in graph collections; `tf.trainable_variables(scope)` and
        `tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope)` listed them, often to give each of two
        optimizers its own variables (GANs). TensorFlow 2 has no collections. Once TFM230/TFM231 have moved a
        file's variables into Keras layer objects or the variable store, these lists come from those objects:
        each layer's `trainable_variables` (filled when the layer is first called) and
        `variable_store.trainable_variables`; for `GLOBAL_VARIABLES` / `tf.global_variables()`, which also
        listed non-trainable variables (a DQN's target network made with `trainable=False`), `variables`.
        The rule names, at each call, the objects that held the variables of the scope asked for, and what
        else TF1's list held: TF1 matched the scope as a name prefix (`scope="q"` also selected `q_next/...`)
        and all-variable lists held the optimizer's slot variables. Taking them from there (after the model
        has run once), or from `tape.watched_variables()` inside the training step, is left to a person.
    """,
    before="""
        gen_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="Generator")
    """,
    after="""
        gen_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="Generator")  # reported: use generator_dense.trainable_variables + ...
    """,
)
