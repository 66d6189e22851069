"""TFM546 TensorFlow's global seed call in a Keras file becomes `keras.utils.set_random_seed`, so the program stays reproducible.

What it matches
    A call statement `tf.set_random_seed(s)`, `tf.random.set_seed(s)`, `tf.compat.v1.set_random_seed(s)` (any
    spelling that resolves to TensorFlow's global seed setter through the file's imports), as the rules before it
    left it, in a file that uses Keras (`tf.keras...`, `import keras`, `from tensorflow import keras`, or Keras
    initializers and layers an earlier rule wrote).

What it writes
    `<tf>.keras.utils.set_random_seed(s)`, `<tf>` being the module the call went through (`tensorflow` or
    `tensorflow.compat.v1`). Safe when `s` is an int literal below 2**32 (or a name bound once to one) and the
    file does not seed NumPy's or Python's global generator itself, except right beside the call (a run of seed
    statements that seeds them after it, or before it with the same value). Otherwise the rewrite is unsafe
    (`--unsafe-fixes`), and a call reached only through a bare imported name is reported.

Why
    TF1 graph mode and Keras 2 drew initial weights from TensorFlow's seeded random ops, so `tf.set_random_seed(777)
    # reproducibility` gave the same weights on every run. Keras 3 seeds its initializers, dropout and its global
    `SeedGenerator` from Python's `random` module, which the TF seed does not touch: the migrated program starts
    from other weights on every run, silently (measured on TF 2.21: a `GlorotUniform` weight differs between two
    runs under `tf.random.set_seed(777)`, and is equal under `keras.utils.set_random_seed(777)`; `tf.random.normal`
    gives the same numbers under both). `keras.utils.set_random_seed` sets TF's global seed exactly as before and
    seeds Python's `random` and NumPy too, which is why the file's own seeding of those decides whether it is safe.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from . import names
from .base import Codemod, Rule

GLOBAL_SEED = Rule(
    code="TFM546",
    name="keras-global-seed",
    fix=FixKind.SAFE,
    summary="`tf.set_random_seed(s)` / `tf.random.set_seed(s)` in a Keras file becomes `tf.keras.utils.set_random_seed(s)`: Keras 3 seeds its initializers from Python's `random`, which the TF seed does not set.",
    explanation="""
        TF1 graph mode and Keras 2 drew initial weights from TensorFlow's random ops, so a program that called
        `tf.set_random_seed(777)` started from the same weights on every run. Keras 3 seeds its initializers
        (`GlorotUniform()` in a layer or in a `tf.get_variable` rewrite), dropout and its global seed generator
        from Python's `random` module instead: after migration the same call leaves every run with other weights,
        and nothing fails. `keras.utils.set_random_seed(s)` is Keras 3's way: it sets TensorFlow's global seed as
        the old call did (TF ops such as `tf.random.normal` give the same numbers as before) and seeds Python's
        `random` and NumPy's global generator with `s`.

        Only in files that use Keras. The rewrite is safe when `s` is an int literal (or a name bound once to
        one): `set_random_seed` accepts a Python int only (not None, not a NumPy integer). It is unsafe
        (`--unsafe-fixes`) when `s` is anything else, and when the file seeds NumPy's or Python's global
        generator itself, unless that happens right beside the call (in the same run of seed statements: after
        it, or before it with the same value): elsewhere, the new call would reseed that generator here and
        change the numbers the program draws from it. A seed setter imported by its bare name is reported. A
        file that seeds TF but builds its Keras model in another module is not changed: call
        `keras.utils.set_random_seed` there yourself.
    """,
    before="""
        import tensorflow as tf
        tf.set_random_seed(777)  # reproducibility
        model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(10)])
    """,
    after="""
        import tensorflow as tf
        tf.keras.utils.set_random_seed(777)  # reproducibility
        model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(10)])
    """,
)

RULES = (GLOBAL_SEED,)

TF_SEED_SETTERS = frozenset({"tf.set_random_seed", "tf.random.set_seed", "tf.random.set_random_seed"})
# The global generators keras.utils.set_random_seed also seeds, and the calls that set their state.
GENERATOR_SETTERS = {
    "numpy.random.seed": "NumPy's",
    "numpy.random.set_state": "NumPy's",
    "random.seed": "Python's",
    "random.setstate": "Python's",
}
TF_MODULES = frozenset({"tensorflow", "tensorflow.compat.v1"})
KERAS_MODULES = ("keras", "tensorflow.keras", "tensorflow.compat.v1.keras", "tensorflow.python.keras", "tf_keras")
LARGEST_SEED = 2**32  # NumPy's global seed must be below it


class KerasSeed(Codemod):
    RULES = RULES
    IDENTIFIERS = frozenset({"set_seed", "set_random_seed"})

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self._facts: _FileFacts | None = None
        self._module = cst.Module([])

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.Expr:
        call = original_node.value
        if not isinstance(call, cst.Call) or names.last_name(call) not in ("set_seed", "set_random_seed"):
            return updated_node
        if self.qualified_name(call) not in TF_SEED_SETTERS:
            return updated_node
        facts = self._file_facts()
        if not facts.uses_keras:
            return updated_node
        spelled = names.dotted_name(call.func)
        root = _tensorflow_root(self, call.func)
        if root is None:
            self.flag(call, GLOBAL_SEED.code, f"`{spelled}` seeds TensorFlow but not Keras 3, whose initializers and dropout draw from Python's `random`: call `tf.keras.utils.set_random_seed(...)` here for reproducible runs")
            return updated_node
        doubts = [*self._argument_doubts(call), *facts.generator_doubts(self, original_node)]
        message = f"`{spelled}` no longer makes Keras 3 reproducible (its initializers, dropout and shuffling draw from Python's `random`): now `{root}.keras.utils.set_random_seed`, which sets TF's global seed as before and also seeds Python's `random` and NumPy"
        if doubts:
            message += "; unsafe: " + "; ".join(doubts)
        if not self.offer_fix(call, GLOBAL_SEED.code, message, unsafe=bool(doubts)):
            return updated_node
        setter = cst.parse_expression(f"{root}.keras.utils.set_random_seed")
        return updated_node.with_changes(value=updated_node.value.with_changes(func=setter))  # type: ignore[attr-defined]

    def _argument_doubts(self, call: cst.Call) -> list[str]:
        arguments = [a for a in call.args if a.keyword is None or a.keyword.value == "seed"]
        if len(call.args) != 1 or len(arguments) != 1 or arguments[0].star:
            return ["`keras.utils.set_random_seed` takes one argument, the seed"]
        value = arguments[0].value
        if isinstance(value, cst.Name):
            value = _bound_once_to(self, value) or value
        if isinstance(value, cst.Integer) and 0 <= value.evaluated_value < LARGEST_SEED:
            return []
        return ["`keras.utils.set_random_seed` accepts a Python int below 2**32 only (not None, not a NumPy integer): check the seed"]

    def _file_facts(self) -> "_FileFacts":
        if self._facts is None:
            self._facts = _collect_facts(self, self._module)
        return self._facts


def _bound_once_to(visitor: Codemod, name: cst.Name) -> cst.BaseExpression | None:
    """The value of `name = <value>` when that is the one binding of `name` the reading scope sees (its own, or an
    enclosing scope's, such as a module-level `SEED = 42` read in a function)."""
    scope = visitor.get_metadata(ScopeProvider, name, None)
    if scope is None:
        return None
    bindings = list(scope[name.value])
    if len(bindings) != 1:
        return None
    node = getattr(bindings[0], "node", None)
    target = visitor.get_metadata(ParentNodeProvider, node, None) if node is not None else None
    assign = visitor.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.AssignTarget) else None
    return assign.value if isinstance(assign, cst.Assign) and len(assign.targets) == 1 else None


def _tensorflow_root(visitor: Codemod, func: cst.BaseExpression) -> str | None:
    """The leading name of `tf.random.set_seed` / `tf.compat.v1.set_random_seed` when it names the `tensorflow` or
    `tensorflow.compat.v1` module; None for a bare imported name or anything else."""
    node = func
    while isinstance(node, cst.Attribute):
        node = node.value
    if node is func or not isinstance(node, cst.Name):
        return None
    found = {q.name for q in names.imported(visitor, node)}
    if len(found) != 1 or not found <= TF_MODULES:
        return None
    return node.value


class _FileFacts:
    """What the file says about Keras and about NumPy's and Python's global generators."""

    def __init__(self, uses_keras: bool, generator_calls: list[tuple[cst.Call, str]]) -> None:
        self.uses_keras = uses_keras
        self.generator_calls = generator_calls

    def generator_doubts(self, visitor: Codemod, statement: cst.Expr) -> list[str]:
        """Why reseeding NumPy's and Python's generators at `statement` could change the program's numbers."""
        if not self.generator_calls:
            return []
        neighbours = _seed_run(visitor, statement)
        own_argument = _argument_code(statement.value)  # type: ignore[arg-type]
        doubts = []
        for generator in sorted({label for _, label in self.generator_calls}):
            settled = False
            before = True
            for neighbour in neighbours:
                if neighbour is statement:
                    before = False
                    continue
                call = neighbour.value
                label = next((label for node, label in self.generator_calls if node is call), None)
                if label != generator:
                    continue
                if not before or (own_argument is not None and _argument_code(call) == own_argument):  # type: ignore[arg-type]
                    settled = True
            if not settled:
                node = next(node for node, label in self.generator_calls if label == generator)
                line = visitor.run.linemap.to_original(visitor.position(node)[0])
                doubts.append(f"this file seeds {generator} global generator itself (line {line}), which the new call reseeds")
        return doubts


def _seed_run(visitor: Codemod, statement: cst.Expr) -> list[cst.Expr]:
    """The seed call statements next to `statement` in its block, one statement per line, itself included."""
    line = visitor.get_metadata(ParentNodeProvider, statement, None)
    block = visitor.get_metadata(ParentNodeProvider, line, None) if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 else None
    body = getattr(block, "body", None)
    if not isinstance(body, (list, tuple)) or line not in body:
        return [statement]
    index = body.index(line)

    def seed_statement(candidate: cst.CSTNode) -> cst.Expr | None:
        if not isinstance(candidate, cst.SimpleStatementLine) or len(candidate.body) != 1:
            return None
        small = candidate.body[0]
        if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
            return None
        return small if names.last_name(small.value) in ("seed", "set_state", "setstate", "set_seed", "set_random_seed") else None

    before: list[cst.Expr] = []
    position = index - 1
    while position >= 0 and (found := seed_statement(body[position])) is not None:
        before.insert(0, found)
        position -= 1
    after: list[cst.Expr] = []
    position = index + 1
    while position < len(body) and (found := seed_statement(body[position])) is not None:
        after.append(found)
        position += 1
    return [*before, statement, *after]


def _argument_code(call: cst.Call) -> str | None:
    """The seed argument's source, when it is a literal or a plain name (the same value wherever it is read in a
    run of seed statements); None otherwise."""
    if len(call.args) != 1 or not isinstance(call.args[0].value, (cst.Integer, cst.Name)):
        return None
    return cst.Module([]).code_for_node(call.args[0].value)


def _collect_facts(codemod: Codemod, module: cst.Module) -> _FileFacts:
    """From the module's node index: does the file use Keras, and where does it set NumPy's or Python's global generator?"""
    by_type = traversal.module_nodes(module)[1]
    uses_keras = any(_is_keras_module(names.dotted_name(alias.name)) for node in by_type.get(cst.Import, ()) for alias in node.names)
    for node in by_type.get(cst.ImportFrom, ()):
        module_name = names.dotted_name(node.module) if node.module is not None else ""
        if _is_keras_module(module_name):
            uses_keras = True
        elif module_name in TF_MODULES and not isinstance(node.names, cst.ImportStar) and any(names.dotted_name(alias.name) == "keras" for alias in node.names):
            uses_keras = True
    if not uses_keras:
        for node in by_type.get(cst.Attribute, ()):
            if node.attr.value == "keras":
                found = {q.name for q in names.imported(codemod, node)}
                if found and all(_is_keras_module(name) for name in found):
                    uses_keras = True
                    break
    generator_calls: list[tuple[cst.Call, str]] = []
    for node in by_type.get(cst.Call, ()):
        if names.last_name(node) in ("seed", "set_state", "setstate"):
            labels = {GENERATOR_SETTERS.get(q.name) for q in names.imported(codemod, node.func)}
            if len(labels) == 1 and None not in labels:
                generator_calls.append((node, labels.pop()))  # type: ignore[arg-type]
    return _FileFacts(uses_keras, generator_calls)


def _is_keras_module(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in KERAS_MODULES)


CODEMOD = KerasSeed
