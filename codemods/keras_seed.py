"""TFM546 / TFM547: the seed calls that made TF1 and Keras 2 programs reproducible become `keras.utils.set_random_seed`.

What it matches
    TFM546: a call statement `tf.set_random_seed(s)`, `tf.random.set_seed(s)`, `tf.compat.v1.set_random_seed(s)`
    (any spelling that resolves to TensorFlow's global seed setter through the file's imports), as the rules
    before it left it, in a file that uses Keras (`tf.keras...`, `import keras`, `from tensorflow import keras`,
    or Keras initializers and layers an earlier rule wrote).
    TFM547: a call statement `np.random.seed(s)` in a file that imports the standalone `keras` package.

What it writes
    `<tf>.keras.utils.set_random_seed(s)` (TFM546; `<tf>` the module the call went through, `tensorflow` or
    `tensorflow.compat.v1`) or `keras.utils.set_random_seed(s)` (TFM547). Safe when `s` is an int literal below
    2**32 (or a name bound once to one) and the file does not itself set the other generators that call seeds
    (NumPy's and Python's for TFM546; Python's and TF's for TFM547), except right beside the call (a run of seed
    statements that sets them after it, or before it with the same value). Otherwise the rewrite is unsafe
    (`--unsafe-fixes`), and a TF seed setter reached only through a bare imported name is reported.

Why
    TF1 graph mode drew initial weights from TensorFlow's seeded random ops, and Keras 2's backend drew a seed from
    NumPy for every unseeded initializer and dropout (`np.random.randint(10e6)`), so `tf.set_random_seed(777)` and
    `np.random.seed(1337)` each gave the same weights on every run. Keras 3 (and tf_keras) seed their initializers,
    dropout and global `SeedGenerator` from Python's `random` module, which neither call touches: the migrated
    program starts from other weights on every run, silently (measured on TF 2.21: a `GlorotUniform` weight
    differs between two runs under `tf.random.set_seed(777)` and is equal under `keras.utils.set_random_seed(777)`;
    `tf.random.normal` gives the same numbers under both). `keras.utils.set_random_seed` sets TF's global seed,
    Python's `random` and NumPy, which is why the file's own seeding of those decides whether it is safe.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from . import names
from .base import Codemod, Rule
from .imports import require_module

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

NUMPY_SEED = Rule(
    code="TFM547",
    name="keras2-numpy-seed",
    fix=FixKind.SAFE,
    summary="`np.random.seed(s)` in a Keras 2 (`keras`) file becomes `keras.utils.set_random_seed(s)`: Keras 2 drew its weights' seeds from NumPy, Keras 3 from Python's `random`.",
    explanation="""
        Keras 2's backend drew a seed from NumPy's global generator for every unseeded initializer, dropout and
        random op (`seed = np.random.randint(10e6)`), so `np.random.seed(1337)  # for reproducibility`, the first
        line of Keras 2's own examples, fixed a model's starting weights. Keras 3 draws those seeds from Python's
        `random` module: after migration the same line leaves every run with other weights, and nothing fails.
        `keras.utils.set_random_seed(s)` seeds NumPy with the same value (NumPy's numbers do not change) and also
        Python's `random` and TensorFlow's global seed.

        Only in files that import the standalone `keras` package (Keras 2's multi-backend Keras; `tf.keras` of TF
        2.x seeded its initializers from TF's global seed instead, see TFM546). Safe when `s` is an int literal
        below 2**32 (or a name bound once to one) and the file sets neither Python's `random` nor TF's global seed
        elsewhere (beside the call, in the same run of seed statements, after it or before it with the same value,
        is fine). Unsafe (`--unsafe-fixes`) otherwise. Left alone: seeds in a class (a library seeding NumPy for its
        own draws, such as an initializer), and every NumPy seed of a file that also reseeds NumPy from the system
        (`np.random.seed(None)`: seeded for a moment, to shuffle a list, not for the weights).
    """,
    before="""
        import numpy as np
        np.random.seed(1337)  # for reproducibility
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(10, input_shape=(4,))])
    """,
    after="""
        import numpy as np
        import keras
        keras.utils.set_random_seed(1337)  # for reproducibility
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(10, input_shape=(4,))])
    """,
)

RULES = (GLOBAL_SEED, NUMPY_SEED)

TF_SEED_SETTERS = frozenset({"tf.set_random_seed", "tf.random.set_seed", "tf.random.set_random_seed"})
# The global generators keras.utils.set_random_seed also seeds, and the calls that set their state.
NUMPY, PYTHON, TENSORFLOW = "NumPy's global generator", "Python's global generator", "TensorFlow's global seed"
GENERATOR_SETTERS = {
    "numpy.random.seed": NUMPY,
    "numpy.random.set_state": NUMPY,
    "random.seed": PYTHON,
    "random.setstate": PYTHON,
}
TF_MODULES = frozenset({"tensorflow", "tensorflow.compat.v1"})
KERAS_MODULES = ("keras", "tensorflow.keras", "tensorflow.compat.v1.keras", "tensorflow.python.keras", "tf_keras")
LARGEST_SEED = 2**32  # NumPy's global seed must be below it


class KerasSeed(Codemod):
    RULES = RULES
    IDENTIFIERS = frozenset({"set_seed", "set_random_seed", "seed"})

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self._facts: _FileFacts | None = None
        self._module = cst.Module([])
        self._import_before: set[int] = set()  # the lines (ids of original nodes) that get `import keras` before them

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.Expr:
        call = original_node.value
        if not isinstance(call, cst.Call):
            return updated_node
        last = names.last_name(call)
        if last == "seed" and self.qualified_name(call) == "numpy.random.seed":
            return self._numpy_seed(original_node, updated_node)
        if last not in ("set_seed", "set_random_seed") or self.qualified_name(call) not in TF_SEED_SETTERS:
            return updated_node
        facts = self._file_facts()
        if not facts.uses_keras:
            return updated_node
        spelled = names.dotted_name(call.func)
        root = _tensorflow_root(self, call.func)
        if root is None:
            self.flag(call, GLOBAL_SEED.code, f"`{spelled}` seeds TensorFlow but not Keras 3, whose initializers and dropout draw from Python's `random`: call `tf.keras.utils.set_random_seed(...)` here for reproducible runs")
            return updated_node
        doubts = [*self._argument_doubts(call), *facts.generator_doubts(self, original_node, (NUMPY, PYTHON))]
        message = f"`{spelled}` no longer makes Keras 3 reproducible (its initializers, dropout and shuffling draw from Python's `random`): now `{root}.keras.utils.set_random_seed`, which sets TF's global seed as before and also seeds Python's `random` and NumPy"
        if doubts:
            message += "; unsafe: " + "; ".join(doubts)
        if not self.offer_fix(call, GLOBAL_SEED.code, message, unsafe=bool(doubts)):
            return updated_node
        setter = cst.parse_expression(f"{root}.keras.utils.set_random_seed")
        return updated_node.with_changes(value=updated_node.value.with_changes(func=setter))  # type: ignore[attr-defined]

    def _numpy_seed(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.Expr:
        """TFM547: `np.random.seed(s)` in a file of the standalone `keras` package."""
        call = original_node.value
        assert isinstance(call, cst.Call)
        facts = self._file_facts()
        if not facts.imports_keras_package or facts.numpy_reseeded or names.enclosing(self, original_node, cst.ClassDef) is not None:
            return updated_node  # not a Keras 2 file; NumPy seeded for a while only; a class's own use of NumPy
        keras, where, order_doubt = self._keras_binding(original_node)
        doubts = [*self._argument_doubts(call), *facts.generator_doubts(self, original_node, (PYTHON, TENSORFLOW))]
        if order_doubt is not None:
            doubts.append(order_doubt)
        spelled = names.dotted_name(call.func)
        message = f"Keras 2 drew its initializers' and dropout's seeds from NumPy, so `{spelled}` fixed its weights; Keras 3 draws them from Python's `random`: now `{keras}.utils.set_random_seed`, which seeds NumPy with the same value and also Python's `random` and TensorFlow"
        if doubts:
            message += "; unsafe: " + "; ".join(doubts)
        if not self.offer_fix(call, NUMPY_SEED.code, message, unsafe=bool(doubts)):
            return updated_node
        if where == "before the call":
            line = self.get_metadata(ParentNodeProvider, original_node)
            self._import_before.add(id(line))
        elif where == "with the imports":
            keras = require_module(self.context, self._module, "keras", "keras")
        setter = cst.parse_expression(f"{keras}.utils.set_random_seed")
        return updated_node.with_changes(value=updated_node.value.with_changes(func=setter))  # type: ignore[attr-defined]

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if id(original_node) not in self._import_before:
            return updated_node
        keras_import = cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.Name("keras"))])], leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel([keras_import, updated_node.with_changes(leading_lines=())])

    def _keras_binding(self, statement: cst.Expr) -> tuple[str, str, str | None]:
        """How the rewritten call reaches the `keras` package: (the name to write; "bound" when a module-level
        `import keras` already binds it there, "before the call" when an `import keras` goes on the line before,
        "with the imports" when it joins the file's import block; why importing Keras there could change the
        program, or None)."""
        body = list(self._module.body)
        line = self.get_metadata(ParentNodeProvider, statement, None)
        top = line
        while top is not None and top not in body:
            top = self.get_metadata(ParentNodeProvider, top, None)
        if top is None:
            return "keras", "with the imports", "the call's place in the module is not known"
        index = body.index(top)
        aliases = _keras_package_imports(body)
        first_keras = next((position for position, statement_ in enumerate(body) if _imports_keras(statement_)), None)
        if line is top:  # a module-level statement: what is bound when it runs is what came before it
            bound = [name for position, name in aliases if position < index]
            if bound:
                return bound[-1], "bound", None
            if first_keras is not None and first_keras < index and all(_leading(statement_, position) for position, statement_ in enumerate(body[:first_keras])):
                return "keras", "with the imports", None  # Keras is imported in the import block already: `import keras` joins it
            start = index
        else:  # in a function: it runs once the module is imported
            if aliases:
                return aliases[0][1], "bound", None
            start = next((position for position, statement_ in enumerate(body) if not _leading(statement_, position)), len(body))
        where = "before the call" if line is top else "with the imports"
        if first_keras is None:
            return "keras", where, "the file imports Keras only inside functions: `import keras` here would import it earlier"
        between = [statement_ for statement_ in body[start + (1 if line is top else 0) : first_keras] if not _harmless(statement_)]
        if between:
            first_line = self.run.linemap.to_original(self.position(between[0])[0])
            return "keras", where, f"`import keras` would now come before line {first_line}, which ran before Keras was imported (an environment variable such as KERAS_BACKEND?)"
        return "keras", where, None

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
    assign = names.assign_of(visitor, bindings[0]) if len(bindings) == 1 else None
    return assign.value if assign is not None and len(assign.targets) == 1 else None


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

    def __init__(self, uses_keras: bool, imports_keras_package: bool, generator_calls: list[tuple[cst.Call, str]]) -> None:
        self.uses_keras = uses_keras
        # `np.random.seed()` / `np.random.seed(None)` somewhere: the file seeds NumPy for a moment (keras-yolo3 seeds
        # it to shuffle its colours, then reseeds it from the system), so its seeds do not say "reproducible weights"
        self.numpy_reseeded = any(label == NUMPY and names.last_name(node) == "seed" and _reseeds_from_system(node) for node, label in generator_calls)
        # The file imports the standalone `keras` package (`import keras` at module level, `from keras.layers import
        # Dense`): a Keras 2 file, whose NumPy seeds TFM547 reads
        self.imports_keras_package = imports_keras_package
        self.generator_calls = generator_calls

    def generator_doubts(self, visitor: Codemod, statement: cst.Expr, generators: tuple[str, ...]) -> list[str]:
        """Why reseeding these generators at `statement` could change the program's numbers."""
        if not self.generator_calls:
            return []
        neighbours = _seed_run(visitor, statement)
        own_argument = _argument_code(statement.value)  # type: ignore[arg-type]
        doubts = []
        for generator in sorted({label for node, label in self.generator_calls if label in generators and node is not statement.value}):
            settled = False
            before = True
            for neighbour in neighbours:
                if neighbour is statement:
                    before = False
                    continue
                call = neighbour.value
                if not any(node is call and label == generator for node, label in self.generator_calls):
                    continue
                if not before or (own_argument is not None and _argument_code(call) == own_argument):  # type: ignore[arg-type]
                    settled = True
            if not settled:
                node = next(node for node, label in self.generator_calls if label == generator)
                line = visitor.run.linemap.to_original(visitor.position(node)[0])
                doubts.append(f"this file seeds {generator} itself (line {line}), which the new call reseeds")
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
        return small if names.last_name(small.value) in SEED_CALLS else None

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
    uses_keras = imports_keras_package = False
    for node in by_type.get(cst.Import, ()):
        for alias in node.names:
            dotted = names.dotted_name(alias.name)
            uses_keras = uses_keras or _is_keras_module(dotted)
            # `import keras` counts at module level only (there it binds the package); `import keras.x` anywhere
            if dotted.startswith("keras.") or (dotted == "keras" and names.at_module_level(codemod, node)):
                imports_keras_package = True
    for node in by_type.get(cst.ImportFrom, ()):
        module_name = names.dotted_name(node.module) if node.module is not None else ""
        if _is_keras_module(module_name):
            uses_keras = True
        elif module_name in TF_MODULES and not isinstance(node.names, cst.ImportStar) and any(names.dotted_name(alias.name) == "keras" for alias in node.names):
            uses_keras = True
        if not node.relative and _is_package_keras(module_name):
            imports_keras_package = True
    if not uses_keras:
        for node in by_type.get(cst.Attribute, ()):
            if node.attr.value == "keras":
                found = {q.name for q in names.imported(codemod, node)}
                if found and all(_is_keras_module(name) for name in found):
                    uses_keras = True
                    break
    generator_calls: list[tuple[cst.Call, str]] = []
    for node in by_type.get(cst.Call, ()):
        last = names.last_name(node)
        if last in ("seed", "set_state", "setstate"):
            labels = {GENERATOR_SETTERS.get(q.name) for q in names.imported(codemod, node.func)}
            if len(labels) == 1 and None not in labels:
                generator_calls.append((node, labels.pop()))  # type: ignore[arg-type]
        elif last in ("set_seed", "set_random_seed") and codemod.qualified_name(node) in TF_SEED_SETTERS:
            generator_calls.append((node, TENSORFLOW))
        elif last == "set_random_seed" and codemod.qualified_name(node) == "keras.utils.set_random_seed":
            generator_calls.extend((node, label) for label in (NUMPY, PYTHON, TENSORFLOW))  # Keras 3's seeds all three
    return _FileFacts(uses_keras, imports_keras_package, generator_calls)


SEED_CALLS = ("seed", "set_state", "setstate", "set_seed", "set_random_seed")


def _keras_package_imports(body: list[cst.BaseStatement]) -> list[tuple[int, str]]:
    """(position, name bound) of the module body's `import keras [as k]` lines."""
    found = []
    for position, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        if names.dotted_name(alias.name) == "keras":
                            found.append((position, names.dotted_name(alias.asname.name) if alias.asname is not None else "keras"))
    return found


def _imports_keras(statement: cst.BaseStatement) -> bool:
    """A module-level line that imports the `keras` package or one of its modules."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Import) and any(_is_package_keras(names.dotted_name(alias.name)) for alias in small.names):
            return True
        if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None and _is_package_keras(names.dotted_name(small.module)):
            return True
    return False


def _is_package_keras(name: str) -> bool:
    return name == "keras" or name.startswith("keras.")


def _leading(statement: cst.BaseStatement, position: int) -> bool:
    """Part of the import block at the top of the file (where an added import goes): imports, and a docstring first."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    if position == 0 and len(statement.body) == 1 and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.SimpleString):
        return True
    return all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body)


def _harmless(statement: cst.BaseStatement) -> bool:
    """A line that importing Keras before it cannot affect: imports, seed calls, a string, a `def` or `class`."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return True
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            continue
        if isinstance(small, cst.Expr) and (isinstance(small.value, cst.SimpleString) or (isinstance(small.value, cst.Call) and names.last_name(small.value) in SEED_CALLS)):
            continue
        return False
    return True


def _reseeds_from_system(call: cst.Call) -> bool:
    return not call.args or (len(call.args) == 1 and isinstance(call.args[0].value, cst.Name) and call.args[0].value.value == "None")


def _is_keras_module(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in KERAS_MODULES)


CODEMOD = KerasSeed
