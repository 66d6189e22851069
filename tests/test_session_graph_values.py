"""TFM276 / TFM277 (codemods/session_graph_values.py) and the TFM214 reasons of session_rebound_reasons.py
beyond the fixtures: applied only when they let the Session rewrite convert, never where the value a helper
or a list reader sees could differ."""

from __future__ import annotations

import textwrap

from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

APPENDS = textwrap.dedent(
    """
    import tensorflow as tf

    parts = []
    x = tf.placeholder(tf.float32)
    parts.append(x * 2.0)
    y = tf.placeholder(tf.float32)
    parts.append(y * 3.0)
    total = tf.add_n(parts)
    with tf.Session() as sess:
        print(sess.run(total, feed_dict={x: 1.0, y: 2.0}))
    """
)

HELPER = textwrap.dedent(
    """
    import tensorflow as tf

    x = tf.placeholder(tf.float32, [None, 3])
    mean = tf.reduce_mean(x, 1, keepdims=True)


    def centred(y):
        return y - mean


    out = centred(x * 2.0)
    with tf.Session() as sess:
        print(sess.run(out, feed_dict={x: [[1.0, 2.0, 3.0]]}))
    """
)


def _selection(codes: str) -> Selection:
    from tf2migrate.cli import _selection as parse

    return parse(codes, None, False)


def test_appends_bound_once_and_program_converts():
    migration = migrate_text(APPENDS, _selection("TFM20,TFM21,TFM27"))
    assert [f.code for f in migration.findings] == ["TFM276", "TFM201"]
    assert "def compute_parts_0(x):\n    return x * 2.0" in migration.text and "return [parts_0, y * 3.0]" in migration.text
    assert ".append(" not in migration.text and "Session" not in migration.text


def test_appends_left_without_the_session_rewrite():
    migration = migrate_text(APPENDS, _selection("TFM276"))
    assert migration.text == APPENDS and not migration.findings


def test_appends_suppressed():
    source = APPENDS.replace("parts = []", "parts = []  # tf2migrate: ignore[TFM276]")
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM27"))
    assert ".append(" in migration.text and "TFM201" not in [f.code for f in migration.findings]


def test_appends_note_names_the_other_blocker():
    source = APPENDS.replace("total = tf.add_n(parts)", "total = tf.add_n(parts)\nprint(x + 1.0)")
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM27"))
    assert ".append(" in migration.text
    note = next(f for f in migration.findings if f.code == "TFM276")
    assert note.fix.value == "manual" and "would still stay in graph mode (TFM214 at line" in note.message and "the graph name `x` is used in a way" in note.message


def test_appends_read_by_a_function_are_left():
    source = APPENDS.replace("total = tf.add_n(parts)", "total = tf.add_n(parts)\n\ndef show():\n    return parts\n")
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM27"))
    assert ".append(" in migration.text and "TFM276" not in [f.code for f in migration.findings]


def test_helper_gets_the_global_as_keyword():
    migration = migrate_text(HELPER, _selection("TFM20,TFM21,TFM27"))
    assert [f.code for f in migration.findings] == ["TFM277", "TFM201"]
    assert "def centred(y, *, mean):" in migration.text and "centred(x * 2.0, mean=mean)" in migration.text


def test_helper_with_a_global_statement_is_left():
    source = HELPER + "\n\ndef reset():\n    global mean\n    mean = None\n"
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM27"))
    assert "def centred(y):" in migration.text and "TFM277" not in [f.code for f in migration.findings]


def test_helper_called_before_the_global_is_bound_is_left():
    source = HELPER.replace("out = centred(x * 2.0)", "early = centred(x)\nmean = tf.reduce_max(x, 1, keepdims=True)\nout = centred(x * 2.0)")
    source = source.replace("    mean = tf.reduce_mean(x, 1, keepdims=True)\n", "")
    source = source.replace("mean = tf.reduce_mean(x, 1, keepdims=True)\n", "")
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM27"))
    assert "def centred(y):" in migration.text and "TFM277" not in [f.code for f in migration.findings]


def test_rebound_in_a_loop_names_the_loop():
    source = textwrap.dedent(
        """
        import tensorflow as tf

        x = tf.placeholder(tf.float32)
        towers = []
        for i in range(2):
            towers.append(x * tf.constant(float(i)))
        towers = tf.add_n(towers)
        with tf.Session() as sess:
            print(sess.run(towers, feed_dict={x: 1.0}))
        """
    )
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM27"))
    decline = next(f for f in migration.findings if f.code == "TFM214")
    assert "`towers` is bound more than once and grown in the loop at line 6" in decline.message


def test_helper_whose_inner_function_reads_the_global_is_left():
    source = HELPER.replace("    return y - mean", "    shift = lambda: mean\n    return y - shift()")
    assert "lambda: mean" in source
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM27"))
    assert "def centred(y):" in migration.text and "TFM277" not in [f.code for f in migration.findings]
