"""The rules of `sessions` (TFM201, TFM202, TFM211-TFM214): codes, titles, fix kinds and `explain` docs.

Matches and writes nothing: the findings catalogue the Session rewrite (codemods/sessions.py) reports
from, one `Rule` per code with its before/after example (`tf2migrate explain TFM2xx`). The rules of the
Session program's parts (checkpoints, summaries, prints, metrics) live with those parts
(`session_*.py`). Kept apart from the rewrite so that the codemod's modules hold only what it does.
"""

from __future__ import annotations

from tf2migrate.findings import FixKind

from .base import Rule

CONVERT = Rule(
    code="TFM201",
    name="session-to-eager",
    fix=FixKind.SAFE,
    summary="Placeholder/Session program rewritten as eager TF2: functions, `tf.function` train step, `GradientTape`.",
    explanation="""
        A TF1 program (placeholders, a graph built from them, `opt.minimize(loss)`, an initializer and a
        `tf.Session` running it with `feed_dict`s) does not run on TensorFlow 2.16+. Variables stay
        where they are; each tensor that depends on placeholders or variables becomes a function whose
        parameters are its placeholders; the optimizer becomes the Keras optimizer with the same
        arguments (TF1 defaults that differ, such as Adam's epsilon, passed explicitly); `minimize`
        becomes a `@tf.function` train step with `tf.GradientTape` over the variables the loss reads;
        every `sess.run` / `.eval()` / `.run()` becomes calls returning the same values in the same
        structure (`.numpy()` values, the train op's value `None`), with fed values cast to the
        placeholder's dtype. A program it cannot convert with certainty is left alone and reported
        (TFM211-TFM214).
    """,
    before="""
        x = tf.placeholder(tf.float32)
        W = tf.Variable(0.0)
        loss = tf.reduce_mean(tf.square(x * W - 1.0))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            _, l = sess.run([train_op, loss], feed_dict={x: data})
    """,
    after="""
        W = tf.Variable(0.0)

        def compute_loss(x):
            return tf.reduce_mean(tf.square(x * W - 1.0))

        optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

        @tf.function
        def train_step(x):
            with tf.GradientTape() as tape:
                loss = compute_loss(x)
            variables = tape.watched_variables()
            gradients = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(gradients, variables))
            return loss

        _, l = [None, train_step(tf.cast(data, tf.float32)).numpy()]
    """,
)

COMPAT_IMPORT = Rule(
    code="TFM202",
    name="compat-v1-import",
    fix=FixKind.SAFE,
    summary="`import tensorflow.compat.v1 as tf` + `disable_v2_behavior()` become `import tensorflow as tf` once its Session code is converted.",
    explanation="""
        Scripts ported with `import tensorflow.compat.v1 as tf` and `tf.disable_v2_behavior()` run in
        graph mode. When every Session program in the file was converted to eager code (TFM201), the
        import becomes `import tensorflow as tf` and the calls that switched eager execution off are
        removed. Remaining TF1 names are renamed by the TFM4xx rules.
    """,
    before="""
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
    """,
    after="""
        import tensorflow as tf
    """,
)

SESSION_USE = Rule(
    code="TFM211",
    name="session-use-not-converted",
    fix=FixKind.MANUAL,
    summary="A Session is used in a way the eager rewrite cannot follow (handed to other code, graph=, several sessions).",
    explanation="""
        The session object is used for more than `sess.run(...)`, `.eval()`, `sess.close()` and a
        `tf.train.Saver`'s save/restore (TFM207): passed to a library or another function, created with a `graph=`/target argument, created
        several times (each one re-initialises the variables), or `sess.run(init)` happens inside a
        loop. The program is left in graph mode (see TFM25x for the fallback). Rewrite it by hand: call
        the functions directly, save with `tf.train.Checkpoint`.
    """,
    before="""
        with tf.Session() as sess:
            saver.save(sess, "model.ckpt")
    """,
    after="""
        with tf.Session() as sess:
            saver.save(sess, "model.ckpt")
    """,
)

FETCH_FEED = Rule(
    code="TFM212",
    name="fetch-or-feed-not-converted",
    fix=FixKind.MANUAL,
    summary="A `sess.run` fetch or `feed_dict` the eager rewrite cannot follow (names, built dicts, fed tensors).",
    explanation="""
        Each fetch must be a tensor, variable, train op or initializer name (or a list/tuple of them)
        and each feed a dict literal whose keys are placeholders that provide every placeholder the
        fetches need. Fetches by name (`"loss:0"`), feeds built elsewhere, feeding a tensor that is not a
        placeholder, fetched expressions and dict fetches are left in graph mode. A dict bound to a name in
        the same block just before its runs (`feed_dict = {X: batch_xs}`) is accepted when the name serves
        only as a feed and its values (names, literals) are not rebound in between. Rewrite the call as a
        call of the functions that compute the values.
    """,
    before="""
        loss_value = sess.run("loss:0", feed_dict=feed)
    """,
    after="""
        loss_value = sess.run("loss:0", feed_dict=feed)
    """,
)

OPTIMIZER = Rule(
    code="TFM213",
    name="optimizer-not-converted",
    fix=FixKind.MANUAL,
    summary="A TF1 optimizer or `minimize` call without a faithful Keras 3 counterpart.",
    explanation="""
        `GradientDescentOptimizer`, `MomentumOptimizer`, `AdamOptimizer` and `AdagradOptimizer` are
        mapped to Keras `SGD`/`Adam`/`Adagrad` with the same update rule, `RMSPropOptimizer` to a
        subclass of Keras' `RMSprop` written into the file whose mean square starts at 1 as TF1's did.
        Others differ (Ftrl and the proximal optimizers have no Keras twin), as does a learning rate that
        is a tensor of placeholders or an expression, a decayed rate over a step no `minimize(global_step=)`
        increments, and one optimizer minimizing several losses where one has no `var_list` or a `global_step`. (One
        optimizer with a `var_list` per loss becomes one Keras optimizer built for all of them.) (`minimize(loss, global_step=step)` and a
        rate computed from variables, such as `tf.train.exponential_decay(..., step, ...)`, are converted.) Port the training step by hand with `tf.GradientTape` and the Keras optimizer whose
        update you want.
    """,
    before="""
        train_op = tf.train.FtrlOptimizer(0.01).minimize(loss)
    """,
    after="""
        train_op = tf.train.FtrlOptimizer(0.01).minimize(loss)
    """,
)

GRAPH = Rule(
    code="TFM214",
    name="graph-not-converted",
    fix=FixKind.MANUAL,
    summary="A graph tensor or placeholder is used outside `sess.run`, rebound, or built in a way the eager rewrite cannot follow.",
    explanation="""
        Each placeholder, tensor and variable of a Session program must be assigned once, at the top
        level of the block that creates the session (a tensor may be rebound in a chain of graph
        building, `L1 = conv(X); L1 = relu(L1)`, when nothing else reads the earlier bindings: the
        chain becomes one function), and used only to build other tensors, in
        `sess.run` / `.eval()` / `.run()`, or in `minimize`. A tensor built in a loop, used by other
        code, rebound, built by TF1 helpers that create variables (`tf.get_variable`, `tf.layers`), or
        fed from a tensor is left in graph mode. Move the graph code into functions by hand.
    """,
    before="""
        loss = tf.reduce_mean(tf.square(x - y))
        tf.add_to_collection("losses", loss)
    """,
    after="""
        loss = tf.reduce_mean(tf.square(x - y))
        tf.add_to_collection("losses", loss)
    """,
)
