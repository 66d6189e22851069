"""The rules of `graph_plumbing` (TFM250-TFM261): codes, titles, fix kinds and `explain` docs.

Matches and writes nothing: the findings catalogue the codemod reports from, one `Rule` per code with
its before/after example (`tf2migrate explain TFM25x`). Kept apart from the rewrite so the codemod
module holds only what the rules do.
"""

from __future__ import annotations

from tf2migrate.findings import FixKind

from .base import Rule

FALLBACK = Rule(
    code="TFM260",
    name="graph-mode-fallback",
    fix=FixKind.SAFE,
    summary="A Session program left in graph mode runs on TF 2.x through `tensorflow.compat.v1` with v2 behaviour disabled.",
    explanation="""
        When the session rules cannot turn a placeholder/Session/feed_dict program into eager TF2 with
        certainty, they leave it as it is and say why. Unchanged, it crashes on TensorFlow 2.x
        (`tf.Session` and `tf.placeholder` are gone from `tf`). This rule makes it run as it did on
        TF 1.x: the module-level `import tensorflow as tf` becomes `import tensorflow.compat.v1 as tf`
        and `tf.disable_v2_behavior()` is called right after the imports, so every `tf.X` keeps its TF1
        meaning and the program runs in graph mode. This is not native TF2: each graph-mode construct is
        reported at its first use, and porting it to eager code (`tf.function`, `tf.GradientTape`,
        Keras) is still to do.
    """,
    before="""
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 1])
        with tf.Session() as sess:
            print(sess.run(x * 2, feed_dict={x: [[1.0]]}))
    """,
    after="""
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()

        x = tf.placeholder(tf.float32, [None, 1])
        with tf.Session() as sess:
            print(sess.run(x * 2, feed_dict={x: [[1.0]]}))
    """,
)

FALLBACK_BLOCKED = Rule(
    code="TFM261",
    name="graph-mode-fallback-blocked",
    fix=FixKind.MANUAL,
    summary="Graph-mode code the `tensorflow.compat.v1` fallback cannot make run on TF 2.x.",
    explanation="""
        In a file that falls back to graph mode (TFM260), some names do not exist even under
        `tf.compat.v1` in TensorFlow 2.21: `tf.contrib`, `tf.layers`, `tf.nn.rnn_cell`, `tf.estimator`,
        and Keras 2's `backend.get_session` / `set_session` / `get_graph`. Replace them (Keras layers for `tf.layers`,
        `tf.keras.layers.LSTMCell` for `rnn_cell`, core TF for `tf.contrib`), or port the program to
        eager TF2. `tf.layers` and `tf.nn.rnn_cell` run again on tf_keras (Keras 2): `tf2migrate fix
        --legacy-keras-fallback` keeps them and sets `TF_USE_LEGACY_KERAS=1` before TensorFlow is imported
        (`pip install tf_keras`), TensorFlow's documented route for Keras 2 code. Also reported: TensorFlow imported in a way the fallback cannot switch (`import
        tensorflow` without an alias, `from tensorflow import Session`); import it as
        `import tensorflow as tf` and run the tool again.
    """,
    before="""
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()

        x = tf.placeholder(tf.float32, [None, 4])
        h = tf.layers.dense(x, 8)
    """,
    after="""
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()

        x = tf.placeholder(tf.float32, [None, 4])
        h = tf.layers.dense(x, 8)  # TFM261: tf.layers is gone, even from tf.compat.v1
    """,
)

GRAPH_CONTEXT = Rule(
    code="TFM250",
    name="graph-context",
    fix=FixKind.SAFE,
    summary="Unwrap `with graph.as_default():` of the default graph (`tf.get_default_graph()` / `K.get_graph()`); drop the handle.",
    explanation="""
        Apps built on TF1 and Keras 2 (Flask and Django servers, threads, callbacks) kept
        `graph = tf.get_default_graph()` or `K.get_graph()` so that later calls could re-enter it with
        `with graph.as_default():`. Eager TensorFlow 2 has no default graph to re-enter and Keras 3 has
        no `backend.get_graph`: the handle crashes with `AttributeError` on TF 2.16+. When the handle
        serves only `with ....as_default():` blocks, the blocks are unwrapped (their bodies dedented),
        the handle assignment is removed, and so is the name in `global` statements. A handle that is
        used in any other way is left alone and reported (TFM254).
    """,
    before="""
        graph = tf.get_default_graph()

        def predict(batch):
            global graph
            with graph.as_default():
                return model.predict(batch)
    """,
    after="""
        def predict(batch):
            return model.predict(batch)
    """,
)

KERAS_SESSION = Rule(
    code="TFM251",
    name="keras-session-plumbing",
    fix=FixKind.SAFE,
    summary="Remove the Keras 2 session plumbing: `K.set_session(sess)`, `with sess.as_default():`, `K.get_session()` handles.",
    explanation="""
        The Keras 2 serving pattern created a session, handed it to Keras and re-entered it on every
        request: `sess = tf.Session(); K.set_session(sess)` and
        `with graph.as_default(): with sess.as_default(): model.predict(x)`. Keras 3 runs eagerly and
        has no session (`backend.set_session` and `get_session` are gone). When a session serves only
        `K.set_session`, `with sess.as_default():` and `with sess.graph.as_default():`, all of it is
        removed and the blocks are unwrapped; a `config=tf.ConfigProto(...)` it was created with
        becomes `tf.config` calls (TFM253). A session used for anything else (`sess.run`, a saver,
        another library) is left to the session rules and reported.
    """,
    before="""
        sess = tf.Session()
        K.set_session(sess)

        def predict(batch):
            with sess.as_default():
                return model.predict(batch)
    """,
    after="""
        def predict(batch):
            return model.predict(batch)
    """,
)

RESET_GRAPH = Rule(
    code="TFM252",
    name="reset-default-graph",
    fix=FixKind.SAFE,
    summary="`tf.reset_default_graph()` becomes `tf.keras.backend.clear_session()` (Keras files) or goes.",
    explanation="""
        TF1 programs called `tf.reset_default_graph()` to start again from an empty graph (notebooks,
        model-selection loops). Eager TF2 has no graph to reset, and `tf.reset_default_graph` is gone
        from `tf`. In a file that uses Keras, the TF2 counterpart is `tf.keras.backend.clear_session()`
        (it drops Keras' global state and layer-name counters, as the old call effectively did);
        elsewhere the statement is removed. `K.clear_session()` still exists and is left as it is.
        A call used as a value is reported, not rewritten.
    """,
    before="""
        for units in (8, 16):
            tf.reset_default_graph()
            model = build(units)
    """,
    after="""
        for units in (8, 16):
            tf.keras.backend.clear_session()
            model = build(units)
    """,
)

SESSION_CONFIG = Rule(
    code="TFM253",
    name="session-config",
    fix=FixKind.SAFE,
    summary="`tf.ConfigProto` session options become `tf.config` calls (GPU memory growth, threads, placement).",
    explanation="""
        Eager TF2 has no session to configure; its runtime is set up with `tf.config`. For a
        `tf.ConfigProto` (or `tf.GPUOptions`) whose session is gone, each known option becomes its
        TF2 call: `gpu_options.allow_growth=True` -> `tf.config.experimental.set_memory_growth(gpu,
        True)` for every GPU; `log_device_placement` -> `tf.debugging.set_log_device_placement`;
        `allow_soft_placement` -> `tf.config.set_soft_device_placement`; `intra_op_parallelism_threads` /
        `inter_op_parallelism_threads` -> `tf.config.threading.set_*_parallelism_threads`;
        `device_count={"GPU": 0}` -> `tf.config.set_visible_devices([], "GPU")`.
        `gpu_options.per_process_gpu_memory_fraction` has no fraction-based TF2 setting: it is
        dropped, and the finding says so (set a `memory_limit` with
        `tf.config.set_logical_device_configuration` if you need one). Any other option: the config
        is left as it is and reported.
    """,
    before="""
        config = tf.ConfigProto()
        config.gpu_options.allow_growth = True
        K.set_session(tf.Session(config=config))
    """,
    after="""
        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
    """,
)

GRAPH_HANDLE_MANUAL = Rule(
    code="TFM254",
    name="graph-handle-manual",
    fix=FixKind.MANUAL,
    summary="A default-graph or Keras-session handle used in a way the tool does not convert.",
    explanation="""
        `tf.get_default_graph()`, `K.get_graph()`, `K.get_session()`, `K.set_session(...)` and
        `tf.reset_default_graph()` are gone from TF 2.16+ (Keras 3). When they are used for more than
        re-entering the default graph or session (`graph.get_tensor_by_name`, `graph.finalize()`,
        `K.get_session().run(...)`, a handle stored and passed around, `with g.as_default() as h:`),
        the tool leaves the code as it is and reports it. Port that code to eager TF2: call
        functions and models directly, keep tensors and variables in Python objects, use
        `tf.function` where a graph is wanted. Graphs or sessions handed to other libraries are
        reported by the TFM3xx rules instead.
    """,
    before="""
        graph = tf.get_default_graph()
        logits = graph.get_tensor_by_name("logits:0")
    """,
    after="""
        graph = tf.get_default_graph()  # TFM254: port to eager, keep `logits` as a Python object
        logits = graph.get_tensor_by_name("logits:0")
    """,
)

MODE_SWITCH = Rule(
    code="TFM255",
    name="graph-mode-switch",
    fix=FixKind.SAFE,
    summary="`disable_v2_behavior()` in a file that builds no graph goes (with its `tensorflow.compat.v1` import); `enable_eager_execution()` goes.",
    explanation="""
        Scripts ported to TF 2.x the quick way start with `import tensorflow.compat.v1 as tf` and
        `tf.disable_v2_behavior()`. When the file drives no graph (no session, placeholder, feed,
        `tf.gradients`, TF1 variable or layer helper), the switch only does harm on TF 2.16+: Keras 3
        needs eager execution (`model.fit` fails in graph mode). The call is removed and the import
        becomes `import tensorflow as tf`, so the rename rules (TFM4xx) map the TF1 names to TF2.
        `tf.enable_eager_execution()` / `tf.enable_v2_behavior()` are removed too: eager execution is
        the default. A file that still has graph code is left alone (the session rules convert it, or
        it falls back to graph mode: TFM260).
    """,
    before="""
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()

        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    """,
    after="""
        import tensorflow as tf

        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    """,
)

RULES: tuple[Rule, ...] = (GRAPH_CONTEXT, KERAS_SESSION, RESET_GRAPH, SESSION_CONFIG, GRAPH_HANDLE_MANUAL, MODE_SWITCH, FALLBACK, FALLBACK_BLOCKED)
