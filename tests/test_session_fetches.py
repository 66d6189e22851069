"""Fetched variable updates, unread train-run results and session-keeping classes (codemods/session_fetches.py,
codemods/session_classes.py)."""

from __future__ import annotations

import textwrap

from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection


def _selection() -> Selection:
    from tf2migrate.cli import _selection as parse

    return parse("TFM20,TFM21", None, False)


def migrate(source: str):
    return migrate_text(textwrap.dedent(source), _selection())


PROGRAM = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None])
w = tf.Variable(0.5)
n = tf.Variable(0)
loss = tf.reduce_mean(tf.square(w * x - 1.0))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
{body}
"""


def test_update_statement_is_done_in_place_without_numpy():
    migration = migrate(PROGRAM.format(body="sess.run(n.assign(n + 1))\nsess.run(tf.assign_sub(w, 0.25))"))
    assert [f.code for f in migration.findings] == ["TFM201"]
    assert "\nn.assign(n + 1)\n" in migration.text
    assert "\nw.assign_sub(0.25)\n" in migration.text


def test_update_value_used_is_the_value_after_the_update():
    migration = migrate(PROGRAM.format(body="print(sess.run(n.assign_add(2)))"))
    assert "print(n.assign_add(2).numpy())" in migration.text


def test_update_of_a_name_that_is_no_variable_declines():
    body = "class Holder:\n    def assign(self, value):\n        return value\n\nq = Holder()\nsess.run(q.assign(2.0))"
    migration = migrate(PROGRAM.format(body=body))
    assert [f.code for f in migration.findings] == ["TFM212"]


def test_unread_train_result_binding_is_kept_and_a_read_one_declines():
    kept = migrate(PROGRAM.format(body="for i in range(3):\n    _ = sess.run(train, {x: np.ones(2)})"))
    assert "    _ = train_step(tf.cast(np.ones(2), tf.float32))" in kept.text
    read = migrate(PROGRAM.format(body="for i in range(3):\n    r = sess.run(train, {x: np.ones(2)})\nprint(r)"))
    assert [f.code for f in read.findings] == ["TFM212"]
    assert "train-op run (None) is used" in read.findings[0].message


def test_read_in_a_function_counts_as_a_read():
    body = "def show():\n    print(r)\n\nr = sess.run(train, {x: np.ones(2)})\nshow()"
    migration = migrate(PROGRAM.format(body=body))
    assert [f.code for f in migration.findings] == ["TFM212"]


def test_updates_in_one_run_must_be_independent():
    crossed = migrate(PROGRAM.format(body="sess.run([n.assign(1), w.assign(tf.cast(n, tf.float32))])"))
    assert [f.code for f in crossed.findings] == ["TFM212"]
    assert "`w`'s update reads `n`" in crossed.findings[0].message
    through_tensor = migrate(PROGRAM.format(body="sess.run([w.assign(1.0), n.assign(tf.cast(loss, tf.int32))], {x: np.ones(2)})"))
    assert "`n`'s update reads `w`" in through_tensor.findings[0].message
    twice = migrate(PROGRAM.format(body="sess.run([n.assign(1), n.assign_add(1)])"))
    assert "updated twice" in twice.findings[0].message


def test_session_keeping_class_is_named_in_the_decline():
    source = """\
    import tensorflow as tf

    class Model:
        def __init__(self, session, name):
            self.s = session
            self.x = tf.placeholder(tf.float32, [None])
            self.y = self.x * 2.0

        def predict(self, data):
            return self.s.run(self.y, {self.x: data})

    sess = tf.Session()
    m = Model(sess, "m")
    sess.run(tf.global_variables_initializer())
    print(m.predict([1.0]))
    """
    migration = migrate(source)
    assert [f.code for f in migration.findings] == ["TFM211"]
    message = migration.findings[0].message
    assert "the class `Model` keeps the session (`self.s`) and runs it in `predict`" in message
    assert migration.text == textwrap.dedent(source)
