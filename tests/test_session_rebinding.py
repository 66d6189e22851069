"""TFM275 (codemods/session_rebinding.py) beyond the fixtures: the renaming is applied only when it is what
lets the Session rewrite convert, never on its own."""

from __future__ import annotations

import textwrap

from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

SOURCE = textwrap.dedent(
    """
    import tensorflow as tf

    a = tf.constant(2)
    with tf.Session() as sess:
        print(sess.run(a * 2))
    a = tf.placeholder(tf.int32)
    with tf.Session() as sess:
        print(sess.run(a + 1, feed_dict={a: 3}))
    """
)


def _selection(codes: str) -> Selection:
    from tf2migrate.cli import _selection as parse

    return parse(codes, None, False)


def test_renamed_when_it_lets_the_program_convert():
    migration = migrate_text(SOURCE, _selection("TFM20,TFM21,TFM275"))
    assert [f.code for f in migration.findings] == ["TFM275", "TFM201"]
    assert "a_1 = tf.constant(2)" in migration.text and "Session" not in migration.text


def test_not_renamed_without_the_session_rewrite():
    migration = migrate_text(SOURCE, _selection("TFM275"))
    assert migration.text == SOURCE and not migration.findings


def test_not_renamed_when_the_program_still_declines():
    source = SOURCE.replace("print(sess.run(a + 1, feed_dict={a: 3}))", "print(sess.run(a + 1, feed_dict={a: 3}))\nprint(a)")
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM275"))
    assert "a_1" not in migration.text
    assert sorted(f.code for f in migration.findings) == ["TFM214", "TFM275"]
    note = next(f for f in migration.findings if f.code == "TFM275")
    assert note.fix.value == "manual" and "would still stay in graph mode (TFM214 at line " in note.message and "`a` is printed" in note.message


def test_suppressed_binding_keeps_the_names():
    source = SOURCE.replace("a = tf.constant(2)", "a = tf.constant(2)  # tf2migrate: ignore[TFM275]")
    migration = migrate_text(source, _selection("TFM20,TFM21,TFM275"))
    assert "a_1" not in migration.text
