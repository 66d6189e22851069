"""The sessions rules (TFM201-TFM214) beyond the fixtures: the optimizer table checked against the
installed TensorFlow/Keras, and shapes of Session code that must never crash the rule or be
half-converted."""

from __future__ import annotations

import inspect
import textwrap

import pytest

from tf2migrate.codemods.sessions import OPTIMIZERS
from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection


def _selection() -> Selection:
    from tf2migrate.cli import _selection as parse

    return parse("TFM20,TFM21", None, False)


def migrate(source: str):
    return migrate_text(textwrap.dedent(source), _selection())


@pytest.mark.tensorflow
@pytest.mark.parametrize("v1_name", sorted(OPTIMIZERS))
def test_optimizer_map_matches_installed_apis(v1_name: str):
    import tensorflow as tf

    mapping = OPTIMIZERS[v1_name]
    v1_class = getattr(tf.compat.v1.train, v1_name.split(".")[-1])
    v1_params = inspect.signature(v1_class.__init__).parameters
    names = tuple(p for p in v1_params if p != "self")
    assert names[: len(mapping.v1_args)] == mapping.v1_args, "TF1 positional order"
    assert all(v1_params[p].default is not inspect.Parameter.empty for p in names[len(mapping.v1_args) :])
    keras_params = inspect.signature(getattr(tf.keras.optimizers, mapping.keras)).parameters
    for v1_keyword, keras_keyword in mapping.renames.items():
        assert keras_keyword in keras_params, f"Keras {mapping.keras} has no `{keras_keyword}`"
        v1_default = v1_params[v1_keyword].default
        if v1_keyword in mapping.required:
            assert v1_default is inspect.Parameter.empty
            continue
        if keras_keyword in mapping.explicit:
            assert float(mapping.explicit[keras_keyword]) == v1_default
        else:
            assert keras_params[keras_keyword].default == v1_default, f"`{v1_keyword}` defaults differ: pass it explicitly"
    for keras_keyword, value in mapping.explicit.items():
        assert keras_keyword in keras_params
        assert keras_params[keras_keyword].default != float(value), "an explicit value equal to Keras' default is noise"
    dropped = set(mapping.v1_args) - set(mapping.renames)
    assert dropped <= {"use_locking", "name"}, f"TF1 arguments silently dropped: {dropped}"


ODD_SHAPES = {
    "session_tuple_target": """
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        with tf.Session() as (sess):
            print(sess.run(x * 2, feed_dict={x: 1.0}))
    """,
    "starred_run": """
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        y = x * 2
        args = (y,)
        with tf.Session() as sess:
            print(sess.run(*args, feed_dict={x: 1.0}))
    """,
    "run_in_lambda": """
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        y = x * 2
        sess = tf.Session()
        evaluate = lambda v: sess.run(y, feed_dict={x: v})
        print(evaluate(1.0))
    """,
    "session_in_class_body": """
        import tensorflow as tf
        class Holder:
            sess = tf.Session()
            value = sess.run(tf.constant(1.0))
    """,
    "method_program": """
        import tensorflow as tf
        class Model:
            def run(self, data):
                x = tf.placeholder(tf.float32)
                y = x * 2
                with tf.Session() as sess:
                    return sess.run(y, feed_dict={x: data})
    """,
    "semicolons": """
        import tensorflow as tf
        x = tf.placeholder(tf.float32); y = x * 2
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer()); print(sess.run(y, {x: 1.0}))
    """,
    "dict_fetch": """
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        y = x * 2
        with tf.Session() as sess:
            print(sess.run({"y": y}, feed_dict={x: 1.0}))
    """,
    "no_import_alias": """
        import tensorflow
        x = tensorflow.placeholder(tensorflow.float32)
        with tensorflow.Session() as sess:
            print(sess.run(x * 2, feed_dict={x: 1.0}))
    """,
    "from_import": """
        from tensorflow import Session, placeholder, float32
        x = placeholder(float32)
        with Session() as sess:
            print(sess.run(x * 2, feed_dict={x: 1.0}))
    """,
}


@pytest.mark.parametrize("name", sorted(ODD_SHAPES))
def test_odd_shapes_never_crash_and_parse(name: str):
    source = textwrap.dedent(ODD_SHAPES[name])
    migration = migrate(source)
    compile(migration.text, name, "exec")
    if migration.text != source:  # converted: nothing of graph mode may be left behind
        assert "Session" not in migration.text and "placeholder" not in migration.text
    else:
        assert all(f.fix.value == "manual" for f in migration.findings)
    again = migrate(migration.text)
    assert again.text == migration.text


def test_every_decline_names_a_reason():
    migration = migrate(ODD_SHAPES["dict_fetch"])
    assert migration.text == textwrap.dedent(ODD_SHAPES["dict_fetch"])
    assert [f.code for f in migration.findings] == ["TFM212"]
    assert "left in graph mode" in migration.findings[0].message


def test_method_program_is_converted_with_nested_functions():
    migration = migrate(ODD_SHAPES["method_program"])
    assert "def compute_y(x):" in migration.text
    assert "return compute_y(tf.cast(data, tf.float32)).numpy()" in migration.text


def test_reported_use_of_a_graph_name_is_the_first_in_the_file():
    """LibCST keeps a name's references in sets ordered by node address; the use the finding names must not
    depend on that order (it changed from run to run on real files): many unsupported uses, the first reported."""
    uses = "\n".join(f"handles.append(y{i % 3} if flag else None)" for i in range(40))
    source = textwrap.dedent(
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None])
        y0 = x * 2.0
        y1 = x * 3.0
        y2 = x * 4.0
        handles, flag = [], True
        """
    ) + uses + textwrap.dedent(
        """
        with tf.Session() as sess:
            print(sess.run(y0, {x: [1.0]}), sess.run(y1, {x: [1.0]}), sess.run(y2, {x: [1.0]}))
        """
    )
    for _ in range(3):
        findings = [f for f in migrate_text(source, Selection(), "t.py").findings if f.code == "TFM214"]
        assert findings and findings[0].line == 7, findings
