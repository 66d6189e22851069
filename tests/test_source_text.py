"""codemods.source_text: a module's text, rendered once per module object."""

import libcst as cst

from tf2migrate import metadata, module_text as source_text, statement_starts, summary
from tf2migrate.codemods.source_text import module_text


def test_text_is_the_modules_code_for_each_module_object() -> None:
    first = cst.parse_module("import tensorflow as tf\nx = tf.ones(3)\n")
    second = cst.parse_module("y = 1\n")
    assert module_text(first) == first.code
    assert module_text(second) == second.code
    assert module_text(first) == first.code  # still known, and not confused with the other one
    changed = first.with_changes(body=first.body[:1])
    assert module_text(changed) == "import tensorflow as tf\n"


def test_only_the_last_modules_are_kept() -> None:
    modules = [cst.parse_module(f"x = {i}\n") for i in range(5)]
    for module in modules:
        assert module_text(module) == module.code
    assert len(source_text._TEXTS) <= source_text._KEEP
    assert all(entry[0] is module for entry, module in zip(source_text._TEXTS, reversed(modules)))


def test_a_remembered_text_is_not_rendered_again() -> None:
    module = cst.parse_module("x = 1\n")
    source_text.remember(module, "x = 1\n")
    assert module_text(module) is source_text.known_text(module)


STATEMENTS = '''"""doc"""
import os  # comment

# a comment line

@decorator(
    1)
class A(Base):
    x = 1; y = 2

    def f(self):
        if a: b; c
        elif d:
            e = (1,
                 2)
        else:
            if g:
                pass
        try:
            h = """
            many lines
            """
        except Exception as error:  # why
            raise
        else:
            i = 1
        finally:
            j = 2
        for k in []: continue
        else:
            l = 3
        while m:
            with n as o, p:
                q = \\
                    4
        match r:
            case 1:
                s = 5
            case _:
                pass

async def t():
    async with u:
        async for v in w:
            x = 6
'''


def test_statement_starts_from_cpython_ast_equal_the_rendered_ones() -> None:
    module = cst.parse_module(STATEMENTS)
    source_text.remember(module, STATEMENTS)
    python = source_text.known_ast(module)
    assert python is not None
    from_ast = statement_starts.starts_from_ast(module, python, STATEMENTS)
    assert from_ast == statement_starts.rendered_statement_starts(module)
    assert len(from_ast) > 25


def test_identifiers_are_every_word_that_may_be_one() -> None:
    text = "import tensorflow as tf\nx = tf.Session(config=cfg)  # fit_generator\ny = 3if z else 1e5\n"
    words = summary.identifiers(text)
    assert {"tensorflow", "tf", "Session", "config", "cfg", "fit_generator", "if", "z", "else"} <= words
    assert "3if" not in words and "e5" in words  # a superset: never a real identifier missing
    assert summary.mentions_any(text, frozenset({"Session"})) and not summary.mentions_any(text, frozenset({"Sess"}))
