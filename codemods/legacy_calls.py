"""TFM3xx legacy calls: graphs and sessions handed to other code, `tf.contrib`, and removed modules (flag only).

What it matches
    1. A TF1 graph, session or GraphDef passed as an argument to a call that is not TensorFlow's or Keras's own
       API (TFM301; TFM302 when the callee is a function or class defined in the same file):

           graph = tf.keras.backend.get_graph()
           my_old_lib.some_function(graph, my_tensor)        # TFM301 at this call, argument 1

       A handle is what `tf.get_default_graph()`, `tf.Graph()`, `K.get_graph()`, `K.get_session()`,
       `tf.Session(...)` (any spelling), `sess.graph`, `graph.as_graph_def()`, `sess.graph_def` or
       `tf.graph_util.convert_variables_to_constants(...)` return, or a name or `self.attribute` every
       assignment of which holds one (`g = tf.get_default_graph()`, `with tf.Session() as sess:`,
       `self.sess = tf.Session()` in any method of the class). TensorFlow's own calls
       (`tf.io.write_graph(graph_def, ...)`, `tf.import_graph_def`, `saver.save(sess, ...)` on a TF object,
       `sess.run(...)`), Python builtins (`print`, `isinstance`) and the standard library are not reported.
    2. `tf.contrib.*` (TFM310) in every import form (`import tensorflow.contrib.slim as slim`,
       `from tensorflow.contrib import rnn`, `from tensorflow.contrib.layers import xavier_initializer`) and
       every use (`tf.contrib.layers.xavier_initializer()`, `slim.conv2d(...)` through an alias).
    3. Modules and APIs the `tf` namespace of TF 2.16+ no longer has (TFM320): `tensorflow.examples.tutorials.mnist`,
       `tf.estimator`, `tf.flags` / `tf.app` / `tf.logging`, `tf.train.Saver`, `tf.saved_model.loader`,
       `tf.saved_model.builder`, `tf.summary.FileWriter`.
    4. Keras 2 modules, names and `Model` methods Keras 3 does not have (TFM330): `keras.engine.topology`,
       `keras.layers.merge`, `keras.wrappers.scikit_learn`, `keras.utils.np_utils`, `keras.layers.CuDNNLSTM`,
       `K.function` / `K.placeholder` / `K.get_session` / `K.set_session`, `model.fit_generator(...)`,
       `keras.optimizers.Adam(lr=...)` (Keras 3 rejects `lr=`), ...

    What is gone and what replaces it is data, in `codemods/removed_apis.py` (checked against the installed
    TensorFlow 2.21 / Keras 3.15 by `tests/test_removed_apis.py`). An import is reported once, at the import;
    a use through that import's name is reported only when a more specific replacement is known for it
    (`slim.conv2d` -> `Conv2D`); a use spelled out in full (`tf.contrib.layers.conv2d`) is reported at its
    first occurrence, with the lines of the others. An import inside `try:` / `except ImportError:` already
    copes with the module being gone and is not reported.

What it writes
    Nothing. Every finding is manual: the message names the API, where it came from and what to do.

Why
    None of this can be rewritten mechanically without guessing. A library that takes a graph or a session
    was written for TF1 graph mode and has to be ported, replaced or confined to `tf.compat.v1` (the seed
    article's third example). `tf.contrib` and the removed modules raise `AttributeError` /
    `ModuleNotFoundError` on TF 2.16+; their replacements have different signatures and semantics
    (`l2_regularizer(scale)` is `L2(scale / 2)`), so a person chooses. This module runs after the session and
    graph rules, so it only sees what they left, and before the API renames.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from tf2migrate import traversal
from tf2migrate import summary
from tf2migrate.findings import FixKind
from tf2migrate.metadata import stored_names
from tf2migrate.traversal import find

from . import keras3_modules, keras3_training, names, removed_apis
from .base import Codemod, Rule
from .builders import source_of
from .removed_apis import Removal
from .source_text import module_text

GRAPH_MODE_SWITCHES = frozenset({"tf.disable_v2_behavior", "tf.disable_eager_execution", "tf.compat.v1.disable_v2_behavior", "tf.compat.v1.disable_eager_execution"})
_SWITCH_WORDS = frozenset(name.rsplit(".", 1)[-1] for name in GRAPH_MODE_SWITCHES)

# ----------------------------------------------------------------------------------------------------------
# rules

GRAPH_TO_LIBRARY = Rule(
    code="TFM301",
    name="graph-handed-to-library",
    fix=FixKind.MANUAL,
    summary="A TF1 graph, session or GraphDef is passed to a library call that is not TensorFlow's own.",
    explanation="""
        The called code (a third-party or in-house library) was written for TF1 graph mode: it takes a
        `tf.Graph`, a `tf.Session` or a `GraphDef` and builds or runs ops in it. TF 2.16+ runs eagerly,
        `K.get_graph()` and `K.get_session()` no longer exist, and there is no global graph to hand over, so
        the call cannot be migrated by renaming anything. The finding is at the call and names the callee,
        the argument (position or keyword) and where the handle came from. What to do: upgrade the library
        to a TF2 version, or replace it; if it is yours, port it to take tensors, a `tf.function` or a
        SavedModel; as a last resort, confine the whole graph-mode section to `tf.compat.v1` (with
        `tf.compat.v1.disable_eager_execution()`). TensorFlow's own calls (`tf.io.write_graph(graph_def,
        ...)`, `tf.import_graph_def`, `saver.save(sess, ...)`) are not reported.
    """,
    before="""
        graph = tf.keras.backend.get_graph()
        my_old_lib.some_function(graph, my_tensor)
    """,
    after="""
        # the library, upgraded or ported to TF2, takes eager tensors
        my_old_lib.some_function(None, my_tensor)
    """,
)

GRAPH_TO_LOCAL = Rule(
    code="TFM302",
    name="graph-handed-to-local-function",
    fix=FixKind.MANUAL,
    summary="A TF1 graph, session or GraphDef is passed to a function or class defined in the same file.",
    explanation="""
        A helper of this file takes a graph or a session (`def evaluate(sess, ...)`) and uses it inside:
        `sess.run(...)`, `with graph.as_default():`. TF 2.16+ has neither. Migrate the helper together with
        its callers: pass the model or the tensors instead of the session, compute eagerly (or in a
        `tf.function`), and drop the parameter. The finding is at the call, with the argument that carries
        the handle; the helper's body gets its own findings from the session rules.
    """,
    before="""
        def evaluate(sess, x):
            return sess.run(accuracy, feed_dict={inputs: x})

        evaluate(sess, x_test)
    """,
    after="""
        def evaluate(model, x):
            return accuracy_fn(model(x))

        evaluate(model, x_test)
    """,
)

CONTRIB = Rule(
    code="TFM310",
    name="tf-contrib",
    fix=FixKind.MANUAL,
    summary="`tf.contrib` was removed in TF 2.0: the known replacement is named.",
    explanation="""
        Every `tf.contrib` module is gone from TensorFlow 2. Imports (`import tensorflow.contrib.slim as slim`,
        `from tensorflow.contrib import rnn`) are reported once each; uses spelled in full
        (`tf.contrib.layers.xavier_initializer()`) at their first occurrence, with the lines of the others;
        uses through an imported name (`slim.conv2d`) when a more specific replacement is known. The message
        names the replacement: `xavier_initializer` -> `tf.keras.initializers.GlorotUniform`,
        `tf.contrib.rnn.*Cell` -> `tf.keras.layers.*Cell` in `tf.keras.layers.RNN`, `tf.contrib.data` ->
        `tf.data`, `slim` -> Keras layers (or the `tf-slim` package), `l2_regularizer(scale)` ->
        `tf.keras.regularizers.L2(scale / 2)` (contrib halved the sum of squares, Keras does not), ...
        Otherwise the closest TF2, Keras or community package. The code is not changed: the replacements take
        other arguments and are often objects rather than functions.
    """,
    before="""
        import tensorflow as tf
        w = tf.get_variable("w", [3, 3], initializer=tf.contrib.layers.xavier_initializer())
    """,
    after="""
        import tensorflow as tf
        w = tf.Variable(tf.keras.initializers.GlorotUniform()(shape=[3, 3]), name="w")
    """,
)

REMOVED_TF = Rule(
    code="TFM320",
    name="removed-tf-api",
    fix=FixKind.MANUAL,
    summary="A TensorFlow module or API that TF 2.16+ no longer has; the native replacement is named.",
    explanation="""
        `tensorflow.examples.tutorials.mnist` and `tf.estimator` are gone altogether; `tf.flags`, `tf.app`,
        `tf.logging`, `tf.train.Saver`, `tf.saved_model.loader` / `builder` and `tf.summary.FileWriter` are
        gone from the `tf` namespace (a `tf.compat.v1` shim is left for some, which keeps graph-mode code
        alive, not migrated). The finding names the TF2 replacement: `tf.keras.datasets.mnist`, a
        `tf.keras.Model`, `absl.flags` / `absl.app` / `absl.logging`, `tf.train.Checkpoint`,
        `tf.saved_model.load` / `save`, `tf.summary.create_file_writer`. Imports are reported once; uses at
        their first occurrence with the lines of the others. The TF 1.x dataset methods
        `dataset.make_one_shot_iterator()` / `make_initializable_iterator()` are reported at each call: TF 2
        iterates the dataset itself (`for batch in dataset`, `iter(dataset)`, `model.fit(dataset)`).
    """,
    before="""
        from tensorflow.examples.tutorials.mnist import input_data
        mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
        tf.logging.set_verbosity(tf.logging.INFO)
    """,
    after="""
        from absl import logging
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
        logging.set_verbosity(logging.INFO)
    """,
)

REMOVED_KERAS = Rule(
    code="TFM330",
    name="removed-keras-api",
    fix=FixKind.MANUAL,
    summary="A Keras 2 module, function or Model method that Keras 3 does not have; the replacement is named.",
    explanation="""
        Keras 3 (what `tf.keras` is on TF 2.16+) dropped Keras 2's internal module layout
        (`keras.engine.topology`, `keras.layers.merge`, `keras.layers.core`, `keras.utils.np_utils`, ...),
        the scikit-learn wrappers module, the cuDNN-only layers, the session and graph functions of the
        backend (`K.function`, `K.placeholder`, `K.get_session`, `K.set_session`, `K.learning_phase`) and the
        `*_generator` / `predict_classes` methods of `Model`, and the `lr=` keyword of the optimizers. The
        finding names the Keras 3 replacement:
        `keras.layers.Layer`, `keras.layers.Concatenate`, `keras.wrappers.SKLearnClassifier`,
        `keras.utils.to_categorical`, `keras.layers.LSTM`, `keras.Model(inputs, outputs)` / `tf.function`,
        `model.fit(generator)`, `learning_rate=`, ... Where the Keras 3 rules run, they own these constructs:
        `from <removed module> import ...` is TFM520/TFM521's, `*_generator` calls TFM530/TFM539's, optimizer
        `lr=` / `decay=` TFM531's; this rule reports the rest (`import keras.engine...`, spelled-out uses, the
        backend's session functions, `predict_classes`, ...).
    """,
    before="""
        from keras.engine.topology import Layer
        from keras.utils.np_utils import to_categorical
        model.fit_generator(batches, steps_per_epoch=100)
    """,
    after="""
        from keras.layers import Layer
        from keras.utils import to_categorical
        model.fit(batches, steps_per_epoch=100)
    """,
)

FAMILY_RULE = {"contrib": CONTRIB, "tf": REMOVED_TF, "keras": REMOVED_KERAS}

# ----------------------------------------------------------------------------------------------------------
# what makes a graph, a session or a GraphDef

GRAPH, SESSION, GRAPH_DEF, OBJECT = "graph", "session", "graph_def", "object"
HANDLE_KINDS = (GRAPH, SESSION, GRAPH_DEF)
KIND_WORDS = {GRAPH: "TF1 graph", SESSION: "TF1 session", GRAPH_DEF: "GraphDef"}

HANDLE_FACTORIES: dict[str, str] = {
    "tf.get_default_graph": GRAPH,
    "tf.Graph": GRAPH,
    "keras.backend.get_graph": GRAPH,
    "tf.Session": SESSION,
    "tf.InteractiveSession": SESSION,
    "tf.get_default_session": SESSION,
    "tf.train.MonitoredTrainingSession": SESSION,
    "tf.train.MonitoredSession": SESSION,
    "tf.train.SingularMonitoredSession": SESSION,
    "keras.backend.get_session": SESSION,
    "tf.GraphDef": GRAPH_DEF,
    "tf.graph_util.convert_variables_to_constants": GRAPH_DEF,
    "tf.graph_util.extract_sub_graph": GRAPH_DEF,
    "tf.graph_util.remove_training_nodes": GRAPH_DEF,
}
# handle kind, attribute -> kind of `handle.attribute`
HANDLE_ATTRIBUTES: dict[tuple[str, str], str] = {
    (SESSION, "graph"): GRAPH,
    (SESSION, "graph_def"): GRAPH_DEF,
}
# handle kind, method -> kind of `handle.method(...)`
HANDLE_METHODS: dict[tuple[str, str], str] = {
    (GRAPH, "as_graph_def"): GRAPH_DEF,
    (GRAPH, "as_default"): GRAPH,
    (SESSION, "as_default"): SESSION,
}
MAX_LINES_LISTED = 8


@dataclass(frozen=True)
class Origin:
    """Where a value comes from: a graph/session/GraphDef handle, or some other TensorFlow/Keras object."""

    kind: str
    # the producing expression, rendered (`source`) only when a message shows it: its text as written
    # ("tf.keras.backend.get_graph()"), or the node whose (shortened) code that is
    written: str | cst.CSTNode
    api: str = ""  # canonical TF/Keras name that produced an OBJECT
    # the callee(s) of the factory call(s) a handle comes from (`tf.keras.backend.get_graph` in
    # `tf.keras.backend.get_graph()`): a removed factory whose handle is handed over is reported once, by TFM301/302
    factories: tuple[cst.CSTNode, ...] = field(default=(), compare=False)

    @property
    def source(self) -> str:
        return self.written if isinstance(self.written, str) else _short(source_of(self.written))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _lines(lines: list[int]) -> str:
    listed = ", ".join(str(n) for n in lines[:MAX_LINES_LISTED])
    more = f" and {len(lines) - MAX_LINES_LISTED} more" if len(lines) > MAX_LINES_LISTED else ""
    return f", also used on line{'s' if len(lines) > 1 else ''} {listed}{more}"


@dataclass
class _Use:
    node: cst.CSTNode
    removal: Removal
    api: str

    @property
    def written(self) -> str:
        """The use as written (shortened), rendered only for the use a finding names."""
        return _short(source_of(self.node), 50)


class LegacyCalls(Codemod):
    RULES = (GRAPH_TO_LIBRARY, GRAPH_TO_LOCAL, CONTRIB, REMOVED_TF, REMOVED_KERAS)

    @classmethod
    def wanted(cls, text: str, selection) -> bool:  # type: ignore[no-untyped-def]
        """Every finding starts from a handle factory (`get_default_graph`, `Session`, ...), a removed method or
        keyword, or a removed API, whose canonical name is made of identifiers the file spells (all but a `tf` /
        `keras` root, which `names.canonical` may have written for `tensorflow` / `tensorflow.keras`)."""
        if not super().wanted(text, selection):
            return False
        spelled = summary.identifiers(text)
        return not _SIMPLE_TRIGGERS.isdisjoint(spelled) or any(parts <= spelled for parts in _REMOVAL_PARTS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._origins: dict[int, Origin | None] = {}
        self._class_attributes: dict[int, dict[str, list[cst.BaseExpression] | None]] = {}
        self._uses: dict[str, list[_Use]] = {}  # removed entry -> uses, in source order
        self._handed: set[int] = set()  # factory callees whose handle TFM301/TFM302 reported as handed over
        self._defined_generators: set[str] = set()  # `fit_generator` & co. defined in this file
        self._stored: frozenset[str] | None = None  # names some assignment stores to (`metadata.stored_names`)

    def visit_Module(self, node: cst.Module) -> None:
        self._defined_generators = keras3_training.defined_generator_methods(node)
        self._module = node
        self._graph_mode: bool | None = None  # computed at the first removed API that has a compat.v1 shim

    def _in_graph_mode(self) -> bool:
        """The file runs in graph mode (the TFM260 fallback wrote `tf.disable_v2_behavior()`, or it was ported
        so by hand): what it reaches through `tensorflow.compat.v1` and still exists there runs."""
        if self._graph_mode is None:
            # A qualified name ends with a word the file spells (the callee's, or its import's): a file that spells
            # no switch has none, and its calls need not be resolved one by one.
            self._graph_mode = summary.mentions_any(module_text(self._module), _SWITCH_WORDS) and any(
                self.qualified_name(call) in GRAPH_MODE_SWITCHES for call in find(self._module, cst.Call)
            )
        return self._graph_mode

    # -- origins: what a value is -----------------------------------------------------------------------
    def origin(self, node: cst.CSTNode) -> Origin | None:
        key = id(node)
        if key in self._origins:
            return self._origins[key]
        self._origins[key] = None  # a cycle (a = b; b = a) resolves to nothing
        result = self._origin(node)
        self._origins[key] = result
        return result

    def _origin(self, node: cst.CSTNode) -> Origin | None:
        # LibCST names `tf.Graph().as_default` "tensorflow.Graph.as_default": a handle receiver is looked at first
        if isinstance(node, cst.Call):
            api = self.qualified_name(node)
            if api in HANDLE_FACTORIES:
                return Origin(HANDLE_FACTORIES[api], node, factories=(node.func,))
            receiver = self.origin(node.func.value) if isinstance(node.func, cst.Attribute) else None
            if receiver is not None and receiver.kind in HANDLE_KINDS:
                method = node.func.attr.value  # type: ignore[attr-defined]
                kind = HANDLE_METHODS.get((receiver.kind, method), OBJECT)
                source = receiver.written if method == "as_default" and kind != OBJECT else node
                return Origin(kind, source, receiver.api, receiver.factories if kind != OBJECT else ())
            if api is not None and names.is_tensorflow_or_keras(api):
                return Origin(OBJECT, node, api)
            return Origin(OBJECT, node, receiver.api) if receiver is not None else None
        if isinstance(node, cst.Attribute):
            receiver = self.origin(node.value)
            if receiver is not None and receiver.kind in HANDLE_KINDS:
                kind = HANDLE_ATTRIBUTES.get((receiver.kind, node.attr.value), OBJECT)
                return Origin(kind, node, receiver.api, receiver.factories if kind != OBJECT else ())
            api = self.qualified_name(node)
            if api is not None and names.is_tensorflow_or_keras(api):
                return Origin(OBJECT, node, api)
            if receiver is not None:
                return Origin(OBJECT, node, receiver.api)
            return self._attribute_of_self(node)
        if isinstance(node, cst.Name):
            api = self.qualified_name(node)
            if api is not None and names.is_tensorflow_or_keras(api):
                return Origin(OBJECT, node.value, api)
            values = self._assigned_values(node)
            return self._agree(values) if values else None
        return None

    def _agree(self, values: list[cst.BaseExpression]) -> Origin | None:
        """The common origin of every value a name or attribute is assigned, or None."""
        origins = [self.origin(value) for value in values]
        if any(o is None for o in origins):
            return None
        kinds = {o.kind for o in origins}  # type: ignore[union-attr]
        if len(kinds) != 1:
            return None
        factories = tuple(f for o in origins for f in o.factories)  # type: ignore[union-attr]
        return Origin(origins[0].kind, origins[0].written, origins[0].api, factories)  # type: ignore[union-attr]

    def _access_referents(self, node: cst.Name) -> set | None:
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return None
        for access in scope.accesses[node.value]:
            if access.node is node:
                return set(access.referents)
        return None

    def _assigned_values(self, node: cst.Name) -> list[cst.BaseExpression] | None:
        """The expressions a name is assigned from, when every binding is a plain `name = value` / `with ... as name`."""
        if self._stored is None:
            self._stored = stored_names(self.context.wrapper)
        if node.value not in self._stored:
            return None  # no referent can be an assignment to a Name: known without a scope analysis
        referents = self._access_referents(node)
        if not referents:
            return None
        values = []
        for referent in referents:
            if not isinstance(referent, Assignment) or not isinstance(referent.node, cst.Name):
                return None
            value = self._value_of(referent.node)
            if value is None:
                return None
            values.append(value)
        return values

    def _value_of(self, target: cst.Name) -> cst.BaseExpression | None:
        parent = self.get_metadata(ParentNodeProvider, target, None)
        if isinstance(parent, cst.AssignTarget):
            assign = self.get_metadata(ParentNodeProvider, parent, None)
            return assign.value if isinstance(assign, cst.Assign) else None
        if isinstance(parent, cst.AnnAssign) and parent.target is target:
            return parent.value
        if isinstance(parent, cst.NamedExpr) and parent.target is target:
            return parent.value
        if isinstance(parent, cst.AsName):
            item = self.get_metadata(ParentNodeProvider, parent, None)
            return item.item if isinstance(item, cst.WithItem) else None
        return None

    # `self.x` assigned in the methods of the enclosing class
    def _attribute_of_self(self, node: cst.Attribute) -> Origin | None:
        if not isinstance(node.value, cst.Name):
            return None
        found = self._enclosing_method(node)
        if found is None:
            return None
        method, klass = found
        if _first_parameter(method) != node.value.value or _is_static(method):
            return None
        values = self._self_assignments(klass).get(node.attr.value)
        return self._agree(values) if values else None

    def _enclosing_method(self, node: cst.CSTNode) -> tuple[cst.FunctionDef, cst.ClassDef] | None:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, cst.FunctionDef):
            current = self.get_metadata(ParentNodeProvider, current, None)
        if current is None:
            return None
        block = self.get_metadata(ParentNodeProvider, current, None)
        klass = self.get_metadata(ParentNodeProvider, block, None) if block is not None else None
        return (current, klass) if isinstance(klass, cst.ClassDef) else None

    def _self_assignments(self, klass: cst.ClassDef) -> dict[str, list[cst.BaseExpression] | None]:
        key = id(klass)
        if key not in self._class_attributes:
            collector = _SelfAssignments()
            for statement in klass.body.body:
                if isinstance(statement, cst.FunctionDef) and _first_parameter(statement) and not _is_static(statement):
                    collector.self_name = _first_parameter(statement)
                    traversal.visit(statement.body, collector)
            self._class_attributes[key] = collector.values
        return self._class_attributes[key]

    # -- 1. handles passed to calls ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._check_handle_arguments(node)
        self._check_keras_method(node)
        self._check_keras_keywords(node)

    def _check_handle_arguments(self, node: cst.Call) -> None:
        if not (self.enabled(GRAPH_TO_LIBRARY.code) or self.enabled(GRAPH_TO_LOCAL.code)):
            return
        passed = []
        factories: list[cst.CSTNode] = []
        for index, arg in enumerate(node.args, start=1):
            if arg.star:
                continue
            found = self.origin(arg.value)
            if found is None or found.kind not in HANDLE_KINDS:
                continue
            label = f"keyword `{arg.keyword.value}=`" if arg.keyword else f"argument {index}"
            written = _short(source_of(arg.value))
            where = f"`{written}`" if written == found.source else f"`{written}`, from `{found.source}`"
            passed.append((found.kind, f"a {KIND_WORDS[found.kind]} as {label} ({where})"))
            factories.extend(found.factories)
        if not passed:
            return
        callee_kind = self._callee_kind(node)
        if callee_kind is None:
            return
        if self.enabled(GRAPH_TO_LOCAL.code if callee_kind == "local" else GRAPH_TO_LIBRARY.code):
            # one construct, one finding: the removed factory (`K.get_graph()`) is named in this message
            self._handed.update(id(f) for f in factories)
        callee = get_full_name_for_node(node.func) if _is_dotted(node.func) else None
        callee = callee or _short(source_of(node.func), 50)
        what = " and ".join(text for _, text in passed)
        if callee_kind == "local":
            self.flag(
                node,
                GRAPH_TO_LOCAL.code,
                f"`{callee}` (defined in this file) receives {what}: TF 2.16+ has no graph or Session to pass; "
                f"migrate `{callee}` with its callers (pass the model or tensors, compute eagerly or in a `tf.function`)",
            )
            return
        package = self._imported_package(node.func)
        library = f"the `{package}` package" if package else f"the code behind `{callee}`"
        self.flag(
            node,
            GRAPH_TO_LIBRARY.code,
            f"`{callee}` (not TensorFlow) receives {what}: TF 2.16+ runs eagerly, with no global graph or Session "
            f"to hand over; upgrade or replace {library}, port it to TF2 (pass tensors, a `tf.function` or a "
            f"SavedModel), or confine this code to `tf.compat.v1` graph mode",
        )

    def _imported_package(self, func: cst.BaseExpression) -> str | None:
        """`my_old_lib` for `my_old_lib.some_function` / `from my_old_lib.x import f; f`: the top-level package."""
        root = func
        while isinstance(root, (cst.Attribute, cst.Call, cst.Subscript)):
            root = root.func if isinstance(root, cst.Call) else root.value
        if not isinstance(root, cst.Name):
            return None
        qualified = self.get_metadata(QualifiedNameProvider, root, set()) or set()
        packages = {q.name.split(".")[0] for q in qualified if q.source is QualifiedNameSource.IMPORT}
        return packages.pop() if len(packages) == 1 else None

    def _callee_kind(self, node: cst.Call) -> str | None:
        """None for TensorFlow/Keras's own API and builtins; "local" for this file's functions; else "library"."""
        func = node.func
        api = self.qualified_name(node)
        if api is not None and names.is_tensorflow_or_keras(api):
            return None
        qualified = self.get_metadata(QualifiedNameProvider, func, set()) or set()
        if any(q.source is QualifiedNameSource.BUILTIN for q in qualified):
            return None
        if (self._imported_package(func) or "") in sys.stdlib_module_names:
            return None  # the standard library (`logging.info("%s", sess)`, `copy.copy(graph_def)`) runs no TF1 code
        if self.origin(func) is not None:
            return None  # a method of a TF object (`saver.save(sess, ...)`, `sess.run`), or a TF function held in a name
        if isinstance(func, cst.Name):
            referents = self._access_referents(func)
            if referents and all(
                isinstance(r, Assignment) and isinstance(r.node, (cst.FunctionDef, cst.ClassDef)) for r in referents
            ):
                return "local"
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            found = self._enclosing_method(node)
            if found is not None and _first_parameter(found[0]) == func.value.value and not _is_static(found[0]):
                if any(
                    isinstance(s, cst.FunctionDef) and s.name.value == func.attr.value for s in found[1].body.body
                ):
                    return "local"
        return "library"

    # -- 4b. removed Keras Model methods ----------------------------------------------------------------
    def _check_keras_method(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in removed_apis.REMOVED_TF_METHODS and self.enabled(REMOVED_TF.code):
            method = func.attr.value
            self.flag(node, REMOVED_TF.code, f"`{_short(source_of(func), 50)}(...)`: TF 2 datasets have no `{method}`; {removed_apis.REMOVED_TF_METHODS[method]}")
            return
        if not isinstance(func, cst.Attribute) or not self.enabled(REMOVED_KERAS.code):
            return
        method = func.attr.value
        if keras3_training.owns_generator_call(method, self._defined_generators) and (
            self.enabled(keras3_training.GENERATOR_METHODS.code) or self.enabled(keras3_training.TRAINING_MANUAL.code)
        ):
            return  # one construct, one finding: TFM530 rewrites it or TFM539 says why not
        if method == "predict_classes" and keras3_training.owns_predict_classes(node, self._defined_generators) and self.enabled(keras3_training.PREDICT_CLASSES.code):
            return  # TFM536 rewrites it
        advice = removed_apis.removed_method(method)
        if advice is None:
            return
        receiver = self.origin(func.value)
        if receiver is not None and not receiver.api.startswith("keras."):
            return  # a TensorFlow (not Keras) object
        if receiver is None and method not in removed_apis.DISTINCTIVE_KERAS_METHODS:
            return  # `predict_proba` is scikit-learn's too: only on a known Keras model
        owner = "layers" if method in removed_apis.REMOVED_LAYER_METHODS else "models"
        self.flag(node, REMOVED_KERAS.code, f"`{_short(source_of(func), 50)}(...)`: Keras 3 {owner} have no `{method}`; {advice}")

    # -- 4c. keywords Keras 3 rejects -------------------------------------------------------------------
    def _check_keras_keywords(self, node: cst.Call) -> None:
        if not self.enabled(REMOVED_KERAS.code) or not any(arg.keyword for arg in node.args):
            return
        api = self.qualified_name(node)
        if api is None or not api.startswith("keras."):
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in ("lr", "decay") and self.enabled(keras3_training.OPTIMIZER_ARGUMENTS.code):
                continue  # TFM531 rewrites it (or TFM539 reports it)
            advice = removed_apis.removed_keyword(api, arg.keyword.value) if arg.keyword else None
            if advice is not None:
                self.flag(arg, REMOVED_KERAS.code, f"`{api}(..., {arg.keyword.value}=...)`: Keras 3 has no `{arg.keyword.value}` argument here; {advice}")  # type: ignore[union-attr]

    # -- 2-4. removed modules and APIs: imports ---------------------------------------------------------
    def _guarded(self, node: cst.CSTNode) -> bool:
        """An import in a `try:` that catches ImportError, or in such an `except` branch: the code already copes."""
        line = self.get_metadata(ParentNodeProvider, node, None)
        block = self.get_metadata(ParentNodeProvider, line, None) if line is not None else None
        owner = self.get_metadata(ParentNodeProvider, block, None) if block is not None else None
        if isinstance(owner, cst.Try):
            return any(_catches_import_error(handler) for handler in owner.handlers)
        return isinstance(owner, cst.ExceptHandler) and _catches_import_error(owner)

    def visit_Import(self, node: cst.Import) -> bool:
        if self._guarded(node):
            return False
        for alias in node.names:
            written = get_full_name_for_node(alias.name) or ""
            if _owned_by_private_keras_rule(written):
                continue
            removal = removed_apis.find(names.canonical(written))
            if removal is not None:
                self._flag_removal(alias, removal, f"`import {written}`", names.canonical(written))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None or self._guarded(node):
            return False
        module = get_full_name_for_node(node.module) or ""
        if _owned_by_private_keras_rule(module):
            return False
        if keras3_modules.owns_import_from(module) and (self.enabled(keras3_modules.REMOVED_MODULE.code) or self.enabled(keras3_modules.MISSING_NAME.code)):
            return False  # one construct, one finding: TFM520 rewrites it or TFM521 names what is missing
        module_removal = removed_apis.find(names.canonical(module))
        found = []
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                imported = get_full_name_for_node(alias.name) or ""
                full = names.canonical(f"{module}.{imported}")
                removal = removed_apis.find(full)
                if removal is not None:
                    found.append((alias, removal, f"`from {module} import {imported}`", full))
        if module_removal is not None and all(removal is module_removal for _, removal, _, _ in found):
            # nothing more specific is known about the names: one finding for the statement
            self._flag_removal(node, module_removal, f"`from {module} import ...`", names.canonical(module))
            return False
        for alias, removal, written, full in found:
            self._flag_removal(alias, removal, written, full)
        return False

    # -- 2-4. removed modules and APIs: uses ------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._note_use(node)

    def visit_Name(self, node: cst.Name) -> None:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        self._note_use(node)

    def _note_use(self, node: cst.Name | cst.Attribute) -> None:
        if not _is_dotted(node):
            return  # `get_session().run`: LibCST names it `...get_session.run`; the dotted part is the use
        api = self.qualified_name(node)
        if api is None:
            return
        removal = removed_apis.find(api)
        if removal is None:
            return
        if removal.in_compat_v1 and names.through_compat_v1(self, node) and self._in_graph_mode():
            return  # `tf.train.Saver` in a graph-mode file importing `tensorflow.compat.v1 as tf`: it runs there
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Attribute) and parent.value is node and self.qualified_name(parent) is not None:
            return  # the longer chain (`tf.contrib.layers` in `tf.contrib.layers.conv2d`) is the use
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value  # type: ignore[assignment]
        root_api = self.qualified_name(root) if isinstance(root, cst.Name) else None
        if root_api is not None:
            through = removed_apis.find(root_api)
            if through is not None and through.name == removal.name:
                return  # the import of that name is reported, and nothing more specific is known
        self._uses.setdefault(removal.name, []).append(_Use(node, removal, api))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        # one finding per removed API (entry), at its first use; the other uses are listed in the message
        for uses in self._uses.values():
            uses = [u for u in uses if id(u.node) not in self._handed]
            if not uses:
                continue
            first = uses[0]
            first_line = self.position(first.node)[0]
            others = sorted({self.run.linemap.to_original(self.position(u.node)[0]) for u in uses[1:]} - {self.run.linemap.to_original(first_line)})
            suffix = ""
            if others:
                apis = sorted({u.api for u in uses[1:]} - {first.api})
                suffix = _lines(others) + (f" ({', '.join(f'`{a}`' for a in apis[:MAX_LINES_LISTED])})" if apis else "")
            self._flag_removal(first.node, first.removal, f"`{first.written}`", first.api, suffix)
        return updated_node

    def _flag_removal(self, node: cst.CSTNode, removal: Removal, written: str, api: str, suffix: str = "") -> None:
        rule = FAMILY_RULE[removal.family]
        if removal.family == "contrib":
            gone = f"`{api}` is gone (tf.contrib was removed in TF 2.0)"
        elif removal.family == "tf":
            shim = " (only a `tf.compat.v1` shim is left)" if removal.in_compat_v1 else ""
            gone = f"`{api}` no longer exists in TF 2.16+{shim}"
        else:
            gone = f"`{api}` does not exist in Keras 3"
        subject = f"{written}: " if written.strip("`") != api else ""
        self.flag(node, rule.code, f"{subject}{gone}{suffix}; {removal.advice}")


def _owned_by_private_keras_rule(name: str) -> bool:
    """`tensorflow.python.keras` imports are TFM001's (private-keras-import) to report."""
    return name == "tensorflow.python.keras" or name.startswith("tensorflow.python.keras.")


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    caught = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    for item in caught:
        expression = item.value if isinstance(item, cst.Element) else item
        if get_full_name_for_node(expression) in ("ImportError", "ModuleNotFoundError", "Exception", "BaseException"):
            return True
    return False


def _is_dotted(node: cst.BaseExpression) -> bool:
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def _is_static(function: cst.FunctionDef) -> bool:
    """A `@staticmethod`: its first parameter is not the instance."""
    return any(get_full_name_for_node(d.decorator) == "staticmethod" for d in function.decorators)


def _first_parameter(function: cst.FunctionDef) -> str | None:
    params = function.params.posonly_params or function.params.params
    return params[0].name.value if params else None


class _SelfAssignments(cst.CSTVisitor):
    """`self.x = value` in a method body: attribute -> values (None when also bound some other way)."""

    def __init__(self) -> None:
        self.self_name: str | None = None
        self.values: dict[str, list[cst.BaseExpression] | None] = {}

    def _attribute(self, target: cst.BaseExpression) -> str | None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == self.self_name:
            return target.attr.value
        return None

    def _add(self, name: str, value: cst.BaseExpression | None) -> None:
        if value is None:
            self.values[name] = None
        elif self.values.get(name, []) is not None:
            self.values.setdefault(name, []).append(value)  # type: ignore[union-attr]

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = self._attribute(target.target)
            if name is not None:
                self._add(name, node.value)
            elif isinstance(target.target, (cst.Tuple, cst.List)):
                for element in target.target.elements:
                    inner = self._attribute(element.value)
                    if inner is not None:
                        self._add(inner, None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = self._attribute(node.target)
        if name is not None and node.value is not None:
            self._add(name, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        name = self._attribute(node.target)
        if name is not None:
            self._add(name, None)

    def visit_AsName(self, node: cst.AsName) -> None:
        name = self._attribute(node.name)  # type: ignore[arg-type]
        if name is not None:
            self._add(name, None)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's `self` may be something else

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


CODEMOD = LegacyCalls

# `LegacyCalls.wanted`: the last part of each handle factory, the removed methods and keywords; and, for each
# removed API, the parts of its canonical name a file must spell to reach it.
_SIMPLE_TRIGGERS = frozenset(
    {name.rsplit(".", 1)[-1] for name in HANDLE_FACTORIES}
    | set(removed_apis.REMOVED_TF_METHODS)
    | set(removed_apis.REMOVED_KERAS_METHODS)
    | {keyword for keywords in removed_apis.REMOVED_KERAS_KEYWORDS.values() for keyword in keywords}
)
_REMOVAL_PARTS = tuple(
    frozenset(parts[1:] if parts[0] in ("tf", "keras") else parts)
    for parts in (removal.name.split(".") for removal in removed_apis.ALL)
)
