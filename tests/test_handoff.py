"""`tf2migrate/handoff.py`: the tree handed to the next codemod is what a parse of the codemod's output gives,
every node once, with only the changed top-level statements parsed again."""

from __future__ import annotations

import libcst as cst
import pytest

from tf2migrate import handoff
from tf2migrate.engine import migrate_text
from tf2migrate.handoff import first_shared_node, handed_on
from tf2migrate.selection import Selection


def _hand_on(before: cst.Module, after: cst.Module) -> tuple[cst.Module, bool]:
    """The handed-on tree, checked against a whole parse, and whether it was spliced."""
    spliced = handoff.COUNTS["spliced"]
    tree = handed_on(before, after, None, cst.parse_module)
    handoff.check(tree, after.code, cst.parse_module)
    return tree, handoff.COUNTS["spliced"] > spliced


def _replace(module: cst.Module, index: int, code: str | cst.BaseStatement) -> cst.Module:
    body = list(module.body)
    body[index] = cst.parse_statement(code) if isinstance(code, str) else code
    return module.with_changes(body=body)


SOURCE = '''"""Docstring."""
import tensorflow as tf


def build(x):
    y = tf.layers.dense(x, 3)
    return y
    # trailing, indented: the block's


# a comment before the call
out = build(tf.placeholder(tf.float32))
value = tf.Session().run(out)
'''


def test_unchanged_statements_are_kept_and_changed_ones_parsed():
    before = cst.parse_module(SOURCE)
    after = _replace(before, 3, "out = build(tf.zeros([1]))\n")
    tree, spliced = _hand_on(before, after)
    assert spliced
    assert all(tree.body[i] is before.body[i] for i in (0, 1, 2, 4))
    assert tree.body[3] is not after.body[3]
    assert tree.code == after.code


def test_node_placed_twice_is_not_handed_on_twice():
    before = cst.parse_module(SOURCE)
    call = before.body[4].body[0].value  # tf.Session().run(out)
    doubled = cst.SimpleStatementLine([cst.Expr(cst.Tuple([cst.Element(call), cst.Element(call)]))])
    after = _replace(before, 4, doubled)
    assert first_shared_node(after) is call
    tree, spliced = _hand_on(before, after)
    assert spliced and first_shared_node(tree) is None


def test_shapes_the_parser_never_makes_are_parsed_again():
    before = cst.parse_module(SOURCE)
    # default commas (MaybeSentinel), no parentheses owned by the call: what a rule may build
    built = cst.SimpleStatementLine([cst.Expr(cst.Call(cst.Name("print"), [cst.Arg(cst.Name("a")), cst.Arg(cst.Integer("1"))]))])
    after = _replace(before, 4, built)
    assert not after.deep_equals(cst.parse_module(after.code))
    tree, _ = _hand_on(before, after)
    assert tree.deep_equals(cst.parse_module(after.code))


def test_changed_first_statement_keeps_the_header():
    source = "# header comment\n\nimport tensorflow as tf\nx = tf.constant(1)\n"
    before = cst.parse_module(source)
    after = _replace(before, 0, "import tensorflow.compat.v1 as tf\n")
    tree, spliced = _hand_on(before, after)
    assert spliced and len(tree.header) == 2


def test_new_first_statement_with_leading_lines_goes_to_the_header():
    source = "# header comment\nimport tensorflow as tf\nx = 1\n"
    before = cst.parse_module(source)
    first = cst.parse_statement("import numpy as np\n").with_changes(leading_lines=[cst.EmptyLine(comment=cst.Comment("# mine"))])
    after = before.with_changes(body=[first, *before.body])
    tree, _ = _hand_on(before, after)  # the parse puts "# mine" in the header: so does the hand-on
    assert len(tree.header) == 2


def test_indented_comment_after_a_block_changes_owner_when_a_statement_goes():
    source = "def f():\n    pass\nx = 1\n    # indented\ny = 2\n"
    before = cst.parse_module(source)
    assert before.body[2].leading_lines  # after `x = 1`, the comment is `y`'s
    after = before.with_changes(body=[before.body[0], before.body[2]])
    tree, spliced = _hand_on(before, after)  # after the `def`, the parse gives it to the def's block
    assert not spliced


@pytest.mark.parametrize(
    "source",
    [
        "import tensorflow as tf\nif x:\n  y = tf.ones(1)\nz = tf.ones(2)\n",  # two-space indentation
        "import tensorflow as tf\r\nz = tf.ones(2)\r\n",
        "import tensorflow as tf\nz = tf.ones(2)",  # no newline at the end
        "import tensorflow as tf\nz = tf.ones(2)\n\n# footer\n",
        "import tensorflow as tf\nclass A:\n\tdef f(self):\n\t\treturn tf.ones(2)\n\t# footer of the class\n",
    ],
)
def test_context_of_the_last_statement(source):
    before = cst.parse_module(source)
    last = before.body[-1]
    after = _replace(before, len(before.body) - 1, last.visit(_Renamer()))
    assert after.code != source
    _hand_on(before, after)


class _Renamer(cst.CSTTransformer):
    def leave_Name(self, original_node, updated_node):
        return updated_node.with_changes(value="ones2") if updated_node.value == "ones" else updated_node


def test_engine_parses_only_the_changed_statements(monkeypatch):
    monkeypatch.setenv(handoff.CHECK_VARIABLE, "1")
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(200))
    source = "import tensorflow as tf\n\n\n" + body + "y = tf.to_float(1)\n"
    lines = handoff.COUNTS["parsed_lines"]
    migration = migrate_text(source, Selection())
    assert "tf.cast(1, tf.float32)" in migration.text or migration.text != source
    assert handoff.COUNTS["parsed_lines"] - lines < 50  # the one changed statement (and the check's parses are not counted)


NESTED = '''import tensorflow as tf


class Model:
    """A model."""

    def build(self, x):
        # first
        y = tf.layers.dense(x, 3)

        z = tf.to_float(y)
        if z:
            w = 1
            # the if's footer
        return z
    # the class's footer


x = 1
'''


def _change_in_method(module: cst.Module, code: str, index: int) -> cst.Module:
    klass = module.body[1]
    method = klass.body.body[1]
    statements = list(method.body.body)
    statements[index] = cst.parse_statement(code)
    method = method.with_changes(body=method.body.with_changes(body=statements))
    inner = list(klass.body.body)
    inner[1] = method
    return _replace(module, 1, klass.with_changes(body=klass.body.with_changes(body=inner)))


@pytest.mark.parametrize("index", [0, 1, 3])
def test_a_changed_statement_inside_a_block_is_parsed_alone(index):
    before = cst.parse_module(NESTED)
    after = _change_in_method(before, "q = tf.cast(y, tf.float32)\n", index)
    lines = handoff.COUNTS["parsed_lines"]
    tree, spliced = _hand_on(before, after)
    assert spliced and handoff.COUNTS["parsed_lines"] - lines < 8
    old_method, new_method = before.body[1].body.body[1], tree.body[1].body.body[1]
    assert new_method.params is old_method.params  # the rest of the method is the given tree's
    kept = [i for i in range(4) if i != index]
    assert all(new_method.body.body[i] is old_method.body.body[i] for i in kept)


def test_new_block_at_the_end_of_a_block_with_an_indented_footer():
    before = cst.parse_module(NESTED)
    # a new compound statement last in the method: the class's footer comment is indented less, it stays there
    after = _change_in_method(before, "if z:\n    return z\n", 3)
    _hand_on(before, after)


def test_rebuilt_statement_with_the_same_text_is_the_given_one():
    before = cst.parse_module(SOURCE)
    rebuilt = cst.parse_module(before.code)  # a rule that parsed its own output: every statement a new object
    after = before.with_changes(body=[before.body[0], *rebuilt.body[1:3], cst.parse_statement("out = 2\n"), *rebuilt.body[4:]])
    tree, spliced = _hand_on(before, after)
    assert spliced
    assert [tree.body[i] is before.body[i] for i in range(5)] == [True, True, True, False, True]


CUT_SOURCES = [
    "#!/usr/bin/env python\n# header comment\n\nimport os\n\n\n# leads the function\n@decorator\n# between\n@other(\n    1)\ndef f(x):\n    return x  # trailing\n    # indented footer of the block\n\na = 1; b = 2\ns = '''two\nlines'''\nif a:\n    pass\nelif b:\n    pass\nelse:\n    pass\n# module footer\n\n",
    "x = 1\r\ny = (2,\r\n     3)\r\nclass A:\r\n    z = 4\r\n",
    "import tensorflow as tf\nwith tf.Session() as sess:\n    sess.run(x)\n",
]


@pytest.mark.parametrize("source", CUT_SOURCES)
def test_a_parsed_text_is_cut_into_its_statements_texts_as_they_render(source):
    import ast

    from tf2migrate.module_text import forget, remember

    module = cst.parse_module(source)
    remember(module, source, ast.parse(source))
    try:
        head = "".join(module.code_for_node(line) for line in module.header)
        tail = "".join(module.code_for_node(line) for line in module.footer)
        pieces = handoff._cut(module, source, head, tail)
        assert pieces == [module.code_for_node(statement) for statement in module.body]
        assert handoff._cut(module, source + "# other\n", head, tail) is None  # not the text the module was parsed from
    finally:
        forget(module)


def _with_method_body(module: cst.Module, change) -> cst.Module:  # type: ignore[no-untyped-def]
    """`module` (a parse of NESTED) with the class's method made `change(method)`."""
    klass = module.body[1]
    inner = list(klass.body.body)
    inner[1] = change(inner[1])
    return _replace(module, 1, klass.with_changes(body=klass.body.with_changes(body=inner)))


def _set_statement(method: cst.FunctionDef, index: int, code: str) -> cst.FunctionDef:
    statements = list(method.body.body)
    statements[index] = cst.parse_statement(code)
    return method.with_changes(body=method.body.with_changes(body=statements))


def test_statements_added_beside_a_changed_one_leave_it_spliced():
    """A rule that adds statements next to the one it changes (a layer hoisted out of a function): the
    changed function is matched with the one it replaces by kind and name, and only its changed statement
    is parsed with the new ones."""
    before = cst.parse_module(NESTED)
    changed = _with_method_body(before, lambda method: _set_statement(method, 1, "q = tf.cast(y, tf.float32)\n"))
    added = cst.parse_statement("layer = tf.keras.layers.Dense(3)\n")
    after = changed.with_changes(body=[changed.body[0], added, *changed.body[1:]])
    lines = handoff.COUNTS["parsed_lines"]
    tree, spliced = _hand_on(before, after)
    assert spliced and handoff.COUNTS["parsed_lines"] - lines < 12
    old_method, new_method = before.body[1].body.body[1], tree.body[2].body.body[1]
    assert new_method.params is old_method.params
    assert all(new_method.body.body[i] is old_method.body.body[i] for i in (0, 2, 3))


@pytest.mark.parametrize(
    "change",
    [
        lambda method: method.with_changes(name=cst.Name("call")),  # its head
        lambda method: method.with_changes(leading_lines=[cst.EmptyLine(comment=cst.Comment("# new"))]),  # the lines before it
    ],
)
def test_a_compound_statement_whose_head_changed_keeps_its_block(change):
    before = cst.parse_module(NESTED)
    after = _with_method_body(before, lambda method: _set_statement(change(method), 1, "q = tf.cast(y, tf.float32)\n"))
    lines = handoff.COUNTS["parsed_lines"]
    tree, spliced = _hand_on(before, after)
    assert spliced and handoff.COUNTS["parsed_lines"] - lines < 16
    old_method, new_method = before.body[1].body.body[1], tree.body[1].body.body[1]
    assert new_method.params is not old_method.params  # the head is parsed again
    assert all(new_method.body.body[i] is old_method.body.body[i] for i in (0, 2, 3))


def test_a_with_whose_items_changed_keeps_its_block():
    source = "import tensorflow as tf\n\n\ndef f(x):\n    with tf.variable_scope('a'):\n        y = x + 1\n        z = tf.to_float(y)\n        return z\n"
    before = cst.parse_module(source)

    def change(function: cst.FunctionDef) -> cst.FunctionDef:
        block = function.body.body[0]
        block = block.with_changes(items=[cst.WithItem(cst.parse_expression("store.scope('a')"))])
        block = _set_statement(block, 1, "z = tf.cast(y, tf.float32)\n")
        return function.with_changes(body=function.body.with_changes(body=[block]))

    after = _replace(before, 1, change(before.body[1]))
    tree, spliced = _hand_on(before, after)
    assert spliced
    old_with, new_with = before.body[1].body.body[0], tree.body[1].body.body[0]
    assert new_with.body.body[0] is old_with.body.body[0] and new_with.body.body[2] is old_with.body.body[2]


@pytest.mark.parametrize(
    "source",
    [
        "# header comment\ndef f(x):\n    return x\n\n\ny = 1\n",  # the module's first statement
        "if x:\n    pass\nelse:\n    y = 2\n\n\nz = 3\n",  # a statement with an else
        "def f(x):\n    return x\n        # indented further: the block's footer\n\n\ny = 1\n",
    ],
)
def test_a_changed_head_in_a_context_a_parse_might_read_otherwise(source):
    before = cst.parse_module(source)
    first = before.body[0]
    block = first.body.with_changes(body=[*first.body.body, cst.parse_statement("w = 4\n")])
    changed = first.with_changes(body=block, leading_lines=[cst.EmptyLine(comment=cst.Comment("# moved"))])
    for after in (_replace(before, 0, changed), before.with_changes(body=[cst.parse_statement("v = 0\n"), changed, *before.body[1:]])):
        _hand_on(before, after)
