"""`tf2migrate/metadata.py` `take_over`/`hand_on`: the parents and expression contexts of a tree a rule changed are
brought up to date for the tree handed on after it by walking only the changed statements, and equal a whole walk."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ParentNodeProvider

from tf2migrate import metadata, module_text
from tf2migrate.handoff import handed_on

SOURCE = '''import tensorflow as tf

x = tf.placeholder(tf.float32)


def build(x):
    y = tf.layers.dense(x, 3)
    for a, b in zip(x, x):
        del a
    return y


class Layer:
    w = x[0]
'''

CHANGES = {
    "a top-level statement": (1, "x = tf.keras.Input((3,))\n"),
    "a function": (2, "def build(x):\n    y = tf.keras.layers.Dense(3)(x)\n    return y\n"),
    "the class": (3, "class Layer:\n    w, v = x[0], x[1]\n"),
}


def _wrapped(module: cst.Module, text: str) -> MetadataWrapper:
    module_text.remember(module, text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    for provider in (ParentNodeProvider, ExpressionContextProvider):
        metadata.resolve(wrapper, provider)
    return wrapper


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_handed_on_parents_and_contexts_equal_a_whole_walk(change):
    before = cst.parse_module(SOURCE)
    wrapper = _wrapped(before, SOURCE)
    index, code = CHANGES[change]
    body = list(before.body)
    body[index] = cst.parse_statement(code)
    after = handed_on(before, before.with_changes(body=body), None, cst.parse_module)
    carried = metadata.take_over(wrapper)
    assert carried is not None and ParentNodeProvider not in wrapper._metadata  # taken out of the old wrapper
    module_text.remember(after, after.code)
    metadata.hand_on(carried, after)

    new_wrapper = MetadataWrapper(after, unsafe_skip_copy=True)
    handed_parents = metadata.resolve(new_wrapper, ParentNodeProvider)
    handed_contexts = metadata.resolve(new_wrapper, ExpressionContextProvider)
    assert handed_parents is carried.parents  # updated in place, not walked again
    assert handed_parents == metadata.parents(after)
    assert handed_contexts == metadata.expression_contexts(after)
    assert not any(node in handed_parents for node in cst.parse_module(SOURCE).body)  # nothing stale kept
    removed = before.body[index]
    assert removed not in handed_parents and all(node is not removed for node in handed_parents.values())


def test_nothing_to_hand_on_when_the_rule_resolved_neither():
    module = cst.parse_module(SOURCE)
    assert metadata.take_over(MetadataWrapper(module, unsafe_skip_copy=True)) is None


def test_statements_kept_below_a_changed_one_are_not_walked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that changes one statement of a long function: the handoff keeps the others (the given tree's very
    nodes), and their parents and contexts are carried as they are, only the function's new node and the parsed
    statement walked; the result still equals a whole walk."""
    body = "".join(f"    v{i} = tf.reduce_sum(x[{i}], axis=[0, 1]) + v{i - 1}\n" for i in range(1, 200))
    source = f"import tensorflow as tf\n\n\ndef build(x):\n    v0 = x\n{body}    return v199\n"
    before = cst.parse_module(source)
    wrapper = _wrapped(before, source)
    function = before.body[1]
    statements = list(function.body.body)
    statements[100] = cst.parse_statement("v100 = tf.ones([1])\n")
    changed = before.with_changes(body=[before.body[0], function.with_changes(body=function.body.with_changes(body=statements))])
    after = handed_on(before, changed, None, cst.parse_module)
    assert after.body[1].body.body[99] is function.body.body[99]  # kept by the handoff
    carried = metadata.take_over(wrapper)
    module_text.remember(after, after.code)
    walked = []
    fields = metadata._child_fields
    monkeypatch.setattr(metadata, "_child_fields", lambda kind: walked.append(kind) or fields(kind))
    metadata.hand_on(carried, after)
    assert len(walked) < 200  # a whole walk of the function reads the fields of over 5,000 nodes
    monkeypatch.undo()
    assert carried.parents == metadata.parents(after)
    assert carried.contexts == metadata.expression_contexts(after)
