"""TFM101-TFM110 layer variables: variables kept by Keras layers and models become `self.add_weight(...)`.

What it matches
    Classes that subclass a Keras `Layer` or `Model` by any import path (`tf.keras.layers.Layer`,
    `keras.layers.Layer`, `keras.engine.topology.Layer`, `tensorflow.python.keras...`,
    `tf.keras.Model`, any `keras.layers.X` class), and classes subclassing such a class defined in the
    same file. In their methods, a variable created by `tf.Variable` / `tf.compat.v1.Variable`
    (TFM101), `tf.get_variable` / `tf.contrib.framework.model_variable` (TFM102), or `K.variable`,
    `K.zeros`, `K.ones` (TFM103) and stored on the object: assigned to `self.<attr>` (or an item of
    it), alone or inside a tuple, list, dict or comprehension, or appended to `self.<list>`.

What it writes
    `self.add_weight(name=..., shape=..., initializer=..., trainable=..., dtype=..., regularizer=...,
    constraint=...)`, always with keywords (Keras 2 and Keras 3 order the positional arguments
    differently). The initial value becomes a shape and a Keras initializer:

        tf.Variable(0.0, name='my_var')                 -> self.add_weight(name='my_var', initializer='zeros')
        tf.Variable(tf.random_normal([3, 4], stddev=.1)) -> shape=[3, 4], initializer=RandomNormal(mean=0.0, stddev=.1)
        tf.get_variable('w', [3], initializer=tf.zeros_initializer()) -> name='w', shape=[3], initializer='zeros'

    Literals (Python, NumPy), `tf.zeros/ones/fill/constant`, `np.zeros/ones/full/array`,
    `tf.random.normal/uniform/truncated_normal` (and their TF1 names) and the TF1 initializer objects
    (`tf.random_normal_initializer`, `tf.glorot_uniform_initializer`, `tf.contrib.layers.xavier_initializer`,
    ...) are mapped with their TF1 defaults spelled out where Keras's defaults differ (TF1's
    `stddev=1.0`, Keras's `0.05`). The variable's dtype is kept (`np.zeros(3)` is float64).
    Any other initial value gets a generic form: the value is computed once into a local and the
    weight is created with its shape, dtype and a `Constant` initializer holding it (TFM104, an
    unsafe fix). What cannot be rewritten exactly is reported (TFM105, manual).

    Graph plumbing that only served the variables goes too (TFM106): `with g.as_default():` and
    `with tf.variable_scope(...):` blocks around them are unwrapped, `sess.run(<initializer>)` calls
    removed, and the `g = K.get_graph()` / `sess = K.get_session()` handles they used; other uses of
    a graph or session are left to the graph rules (TFM25x) and reported by TFM330. Keras 2 positional
    calls of `self.add_weight('name', shape, ...)` and `self.add_variable(...)` get keywords (TFM108),
    and TF1 initializer or `tf.contrib` regularizer objects handed to it become Keras ones (TFM109).
    A class built on TF1's `tf.layers.Layer` is built on the Keras `Layer` (TFM110).

Why
    On TensorFlow 2.16+ (Keras 3) a layer does not track a raw `tf.Variable` kept in an attribute:
    it is missing from `trainable_weights`, and `fit()` runs and silently trains nothing.
    `tf.get_variable`, `K.get_graph` and `K.get_session` do not exist any more. `self.add_weight` is
    the one way to create a weight that Keras tracks, saves and trains. Variables created outside
    Keras classes are left to the session and graph rules (TFM2xx).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from tf2migrate import traversal

from . import imports
from .base import Codemod
from .builders import dotted, with_commas
from .layer_variables_add_weight import Keras2AddWeight
from .layer_variables_model import FACTORIES, FACTORY_NAMES, TF1_LAYER_BASES, Edits, MethodInfo, is_layer_base, keyword
from .layer_variables_plumbing import PlumbingRemoval
from .layer_variables_rules import RULES, TF1_LAYER_BASE
from .layer_variables_storage import WeightStorage
from .layer_variables_values import InitialValues
from .layer_variables_weights import WeightCalls
from .names import last_name

# Read through this module by others: keras_backend (is_layer_base), the tests (the rules).
from .layer_variables_rules import ADD_WEIGHT_ARGUMENTS, ADD_WEIGHT_POSITIONAL  # noqa: F401


class LayerVariables(WeightStorage, WeightCalls, InitialValues, Keras2AddWeight, PlumbingRemoval, Codemod):
    """TFM101-TFM110 (the module docstring says what it matches and writes).

    `visit_Module` finds the Keras layer and model classes of the file (`is_layer_base`, and classes built
    on them), `visit_FunctionDef` plans each of their methods (`_plan_method`), `leave_Arg` rewrites a
    `tf.layers.Layer` base (TFM110) and the `leave_*` methods below apply the plan (`Edits`,
    codemods/layer_variables_model.py). The rest is in the bases, one module each: where the layer keeps
    a variable (`WeightStorage`, layer_variables_storage.py), the `add_weight` call written for it
    (`WeightCalls`, layer_variables_weights.py), its initial value as shape, initializer and dtype
    (`InitialValues`, layer_variables_values.py), Keras 2 `add_weight` calls (`Keras2AddWeight`,
    layer_variables_add_weight.py), the graph plumbing around the weights (`PlumbingRemoval`,
    layer_variables_plumbing.py). The rules' docs are in layer_variables_rules.py.
    """

    RULES = RULES
    TRIGGERS = ("Variable", "variable", "keras", "Layer", "add_weight", "zeros", "ones")
    METADATA_DEPENDENCIES = Codemod.METADATA_DEPENDENCIES

    @classmethod
    def wanted(cls, text: str, selection) -> bool:
        # Every rule of this module acts inside a class body: a file with no class has nothing for it.
        return "class" in text and super().wanted(text, selection)

    def __init__(self, context, run) -> None:
        super().__init__(context, run)
        self.source_module: cst.Module | None = None
        self.layer_classes: set[cst.ClassDef] = set()
        # Layer classes built on the standalone `keras` package (Keras 2.x before it moved into
        # TensorFlow, or Keras 3): whether it tracked a raw variable kept on a layer depends on the version.
        self.standalone_classes: set[cst.ClassDef] = set()
        self.listed_trainable: set[str] = set()  # `self.x` named in a `self.trainable_weights = [...]`
        self.frozen_unlisted: set[tuple[int, str]] = set()  # (class, `self.x`) made `trainable=False` as not listed there
        self.edits = Edits()
        self._keras: str | None = None
        self._keras_import: tuple[str, str | None] | None = None  # scheduled only when a fix uses the spelling
        self._tf1_file: bool | None = None
        self._current: MethodInfo | None = None
        self._lines: list[str] | None = None
        self._listed_cache: dict[cst.ClassDef, set[str]] = {}
        self._quotes: dict[cst.CSTNode, str] = {}
        self._super_init_at: dict[cst.FunctionDef, tuple[int, int] | None] = {}
        self._import_roots: dict[str, cst.CSTNode] = {}  # name -> one original use, for unused-import removal

    # -- set-up ------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.source_module = node
        classes: list[cst.ClassDef] = []

        class Collect(cst.CSTVisitor):
            def visit_ClassDef(self, klass: cst.ClassDef) -> None:
                classes.append(klass)

        traversal.visit(node, Collect())
        local = {}
        for klass in classes:
            local.setdefault(klass.name.value, []).append(klass)
        changed = True
        while changed:
            changed = False
            for klass in classes:
                if klass in self.layer_classes:
                    continue
                for base in klass.bases:
                    if base.keyword is not None:
                        continue
                    parents = [k for k in local.get(base.value.value, ()) if k in self.layer_classes] if isinstance(base.value, cst.Name) else []
                    if is_layer_base(self.qualified_name(base.value)) or parents:
                        self.layer_classes.add(klass)
                        if self._standalone_keras(base.value) or any(k in self.standalone_classes for k in parents):
                            self.standalone_classes.add(klass)
                        changed = True
                        break

    def _standalone_keras(self, node: cst.CSTNode) -> bool:
        """`node` names an object of the standalone `keras` package (not TensorFlow's Keras)."""
        names = self.get_metadata(QualifiedNameProvider, node, None) or set()
        raw = {q.name for q in names if q.source is QualifiedNameSource.IMPORT}
        return bool(raw) and all(n == "keras" or n.startswith("keras.") for n in raw)

    @staticmethod
    def _quote_style(scope: cst.CSTNode) -> str:
        found: list[str] = []

        class Strings(cst.CSTVisitor):
            def on_visit(self, node: cst.CSTNode) -> bool:
                if found:
                    return False
                if isinstance(node, cst.SimpleString) and node.prefix == "" and not node.value.startswith(('"""', "'''")):
                    found.append(node.value[0])
                return True

        traversal.visit(scope, Strings())
        return found[0] if found else '"'

    def keras(self) -> str:
        if self._keras is None:
            assert self.source_module is not None
            self._keras, self._keras_import = imports.keras_namespace(self.source_module)
        return self._keras

    def string(self, text: str) -> cst.SimpleString:
        """A string literal in the quotes the class already uses (the first plain string in it)."""
        klass = self._current.klass if self._current is not None else self.source_module
        if klass not in self._quotes:
            self._quotes[klass] = self._quote_style(klass) if klass is not None else '"'  # type: ignore[arg-type]
        quote = self._quotes[klass]
        return cst.SimpleString(f"{quote}{text}{quote}")

    def initializer(self, class_name: str, **kwargs: cst.BaseExpression) -> cst.Call:
        args = [keyword(k, v) for k, v in kwargs.items() if v is not None]
        return cst.Call(func=dotted(f"{self.keras()}.initializers.{class_name}"), args=with_commas(args))

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        """TFM110: `class X(tf.layers.Layer)` -> `class X(tf.keras.layers.Layer)`."""
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        if not isinstance(parent, cst.ClassDef) or original_node.keyword is not None or original_node not in parent.bases:
            return updated_node
        if last_name(original_node.value) != "Layer" or self.qualified_name(original_node.value) not in TF1_LAYER_BASES:
            return updated_node
        if self.offer_fix(original_node, TF1_LAYER_BASE.code, "`tf.layers.Layer` is gone from TF 2.x: the class now subclasses the Keras `Layer` it was built on"):
            self.keras()
            imports.require_keras_namespace(self.context, self._keras_import)
            return updated_node.with_changes(value=dotted(f"{self._keras}.layers.Layer"))
        return updated_node

    # -- finding the methods -----------------------------------------------------------------
    def _method(self, node: cst.FunctionDef) -> MethodInfo | None:
        block = self.get_metadata(ParentNodeProvider, node, None)
        klass = self.get_metadata(ParentNodeProvider, block, None) if block is not None else None
        if not isinstance(klass, cst.ClassDef) or klass not in self.layer_classes:
            return None
        for decorator in node.decorators:
            if isinstance(decorator.decorator, cst.Name) and decorator.decorator.value in ("staticmethod", "classmethod"):
                return None
        params = node.params.params or node.params.posonly_params
        if not params:
            return None
        return MethodInfo(node, params[0].name.value, klass)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        method = self._method(node)
        if method is not None:
            self._plan_method(method)

    # -- the plan for one method -------------------------------------------------------------
    def _plan_method(self, method: MethodInfo) -> None:
        self._current = method
        calls: list[cst.Call] = []
        withs: list[cst.With] = []
        statements: list[cst.SimpleStatementLine] = []

        class Collect(cst.CSTVisitor):
            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                return node is method.node

            def visit_ClassDef(self, node: cst.ClassDef) -> bool:
                return False

            def visit_Lambda(self, node: cst.Lambda) -> bool:
                return False

            def visit_Call(self, node: cst.Call) -> None:
                calls.append(node)

            def visit_With(self, node: cst.With) -> None:
                withs.append(node)

            def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
                statements.append(node)

        traversal.visit(method.node, Collect())
        if method.klass not in self._listed_cache:
            self._listed_cache[method.klass] = self._listed_trainable(method.klass)
        self.listed_trainable = self._listed_cache[method.klass]
        fixed: set[cst.Call] = set()
        for call in calls:
            name = self.qualified_name(call) if last_name(call) in FACTORY_NAMES else None
            if name in FACTORIES:
                if self._plan_variable(call, name, method):
                    fixed.add(call)
            elif self._is_add_weight(call, method):
                self._plan_add_weight(call, method)
        self._plan_plumbing(method, calls, withs, statements, fixed)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        for node in self._import_roots.values():
            imports.schedule_removal_of_imports_used_by(self.context, node)
        return updated_node

    # -- applying the plan ---------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        replacement = self.edits.calls.get(original_node)
        if replacement is None:
            return updated_node
        if isinstance(replacement, cst.Call) and replacement.func is not None:
            return replacement.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return replacement

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine):
        for small in original_node.body:
            if small in self.edits.remove_small:
                imports.schedule_removal_of_imports_used_by(self.context, small)
        kept = [u for o, u in zip(original_node.body, updated_node.body) if o not in self.edits.remove_small]
        if len(kept) != len(updated_node.body):
            if not kept:
                return cst.RemoveFromParent()
            kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            updated_node = updated_node.with_changes(body=kept)
        comments = self.edits.comments.get(original_node)
        if comments:
            lines = [cst.EmptyLine(comment=comment) for comment in comments]
            updated_node = updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *lines])
        pre = self.edits.before_statement.get(original_node)
        if pre is not None:
            return cst.FlattenSentinel([pre, updated_node.with_changes(leading_lines=[])])
        return updated_node

    def leave_With(self, original_node: cst.With, updated_node: cst.With):
        if original_node not in self.edits.unwrap:
            return updated_node
        for item in original_node.items:
            imports.schedule_removal_of_imports_used_by(self.context, item)
        body = list(updated_node.body.body)  # type: ignore[union-attr]
        if not body:
            return cst.RemoveFromParent()
        first = body[0]
        body[0] = first.with_changes(leading_lines=[*updated_node.leading_lines, *getattr(first, "leading_lines", [])])
        return cst.FlattenSentinel(body)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if updated_node.body or not original_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


CODEMOD = LayerVariables
