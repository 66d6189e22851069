"""codemods.source_text: a module's text, rendered once per module object."""

import libcst as cst

from tf2migrate.codemods import source_text
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
    assert all(known is module for (known, _), module in zip(source_text._TEXTS, reversed(modules)))
