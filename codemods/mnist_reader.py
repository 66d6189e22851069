"""TFM215 mnist-tutorial-reader: TF1's MNIST tutorial reader becomes code on `tf.keras.datasets.mnist`.

What it matches
    A module-level import of the reader every TF1 tutorial starts with, used only to call
    `read_data_sets` with arguments the rewrite understands:

        from tensorflow.examples.tutorials.mnist import input_data
        mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
        batch_x, batch_y = mnist.train.next_batch(128)
        print(mnist.test.images.shape, mnist.train.num_examples)

What it writes
    The import goes; after the file's import block come a small reader written into the file
    (`MnistDataSet`, `MnistDataSets`, `read_mnist_data_sets`) and every `input_data.read_data_sets(...)`
    becomes `read_mnist_data_sets(...)`. The reader loads `<folder>/mnist.npz` when the folder given has
    one (the arrays of Keras' file), else `tf.keras.datasets.mnist.load_data()` (`~/.keras/datasets`,
    downloaded once by Keras: the same images as TF1's files, in the same order), and returns what TF1's reader returned: `train` / `validation` / `test` data sets, the first
    `validation_size` (5,000) training images as the validation set, images float32 in [0, 1] flattened
    to 784 values (`[n, 28, 28, 1]` with `reshape=False`), labels uint8 or one-hot float64 rows with
    `one_hot=True`; `next_batch(n)` shuffles (NumPy's global generator) at the start of each epoch and
    wraps around epochs as TF1's `DataSet.next_batch` did. `import numpy` / `import tensorflow` are added
    (`os` too) where the reader was imported unless the file imports them before that line.

Why
    `tensorflow.examples.tutorials.mnist` is not part of TensorFlow 2: every tutorial that starts with it
    fails on its first import. The rewritten file runs on its own (no package to install).

When it declines
    Other uses of the module (`input_data.DataSet`, `fake_data=True`, another `dtype`, `seed`,
    `source_url`, `*args`), an import inside a function or `try`, or helper names already taken: the
    code is left as it is and TFM320 reports the removed module.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate.findings import FixKind
from tf2migrate.metadata import import_bindings
from tf2migrate.traversal import find

from .base import Codemod, Rule
from .imports import module_alias

READER_MODULE = "tensorflow.examples.tutorials.mnist"
READ = "tf.examples.tutorials.mnist.input_data.read_data_sets"
# TF1's positional order of read_data_sets' parameters.
PARAMETERS = ("train_dir", "fake_data", "one_hot", "dtype", "reshape", "validation_size", "seed", "source_url")
KEPT = frozenset({"train_dir", "one_hot", "reshape", "validation_size"})
HELPER_NAMES = ("MnistDataSet", "MnistDataSets", "read_mnist_data_sets")

RULE = Rule(
    code="TFM215",
    name="mnist-tutorial-reader",
    fix=FixKind.SAFE,
    summary="TF1's MNIST tutorial reader (`input_data.read_data_sets`) becomes a reader on `tf.keras.datasets.mnist` written into the file.",
    explanation="""
        `from tensorflow.examples.tutorials.mnist import input_data` fails on TensorFlow 2 (the module is
        gone). The import is replaced by a small reader written into the file that returns what
        `input_data.read_data_sets` returned, from `tf.keras.datasets.mnist.load_data()`: `train`
        (55,000 examples), `validation` (the first 5,000 training images) and `test` data sets with
        `images`, `labels`, `num_examples`, `epochs_completed` and `next_batch(n)` (shuffled at each
        epoch, wrapping around epochs); images float32 in [0, 1], flattened to 784 values unless
        `reshape=False`; labels one-hot (float64) with `one_hot=True`. The data comes from
        `<folder>/mnist.npz` when the folder given has one, else from Keras' own copy
        (`~/.keras/datasets/mnist.npz`, downloaded once). Other uses of the
        module (`fake_data=True`, `dtype`, `seed`, `input_data.DataSet`) are left alone (TFM320).
    """,
    before="""
        from tensorflow.examples.tutorials.mnist import input_data
        mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
        batch_x, batch_y = mnist.train.next_batch(128)
    """,
    after="""
        import os
        import numpy
        import tensorflow

        class MnistDataSet:
            ...  # images, labels, num_examples, epochs_completed, next_batch (written in full)

        def read_mnist_data_sets(train_dir, one_hot=False, reshape=True, validation_size=5000):
            ...  # <train_dir>/mnist.npz if there is one, else tensorflow.keras.datasets.mnist.load_data()

        mnist = read_mnist_data_sets("/tmp/data/", one_hot=True)
        batch_x, batch_y = mnist.train.next_batch(128)
    """,
)

HELPER = '''
class MnistDataSet:
    """One part of the MNIST data (what TF1's tutorial reader returned as `mnist.train`, `.validation`, `.test`)."""

    def __init__(self, images, labels):
        self.images = images
        self.labels = labels
        self.num_examples = images.shape[0]
        self.epochs_completed = 0
        self._index_in_epoch = 0

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next `batch_size` examples; the data is reshuffled when an epoch starts, batches wrap around epochs."""
        start = self._index_in_epoch
        if self.epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size > self.num_examples:
            self.epochs_completed += 1
            images_rest = self.images[start:self.num_examples]
            labels_rest = self.labels[start:self.num_examples]
            if shuffle:
                self._shuffle()
            self._index_in_epoch = batch_size - (self.num_examples - start)
            end = self._index_in_epoch
            return {np}.concatenate((images_rest, self.images[:end]), axis=0), {np}.concatenate((labels_rest, self.labels[:end]), axis=0)
        self._index_in_epoch += batch_size
        end = self._index_in_epoch
        return self.images[start:end], self.labels[start:end]

    def _shuffle(self):
        order = {np}.arange(self.num_examples)
        {np}.random.shuffle(order)
        self.images = self.images[order]
        self.labels = self.labels[order]


class MnistDataSets:
    """The `train`, `validation` and `test` data sets."""

    def __init__(self, train, validation, test):
        self.train = train
        self.validation = validation
        self.test = test


def read_mnist_data_sets(train_dir, one_hot=False, reshape=True, validation_size=5000):
    """What TF1's `input_data.read_data_sets` returned, read from `train_dir`/mnist.npz when there is one (the
    arrays of Keras' mnist.npz), else from `tf.keras.datasets.mnist.load_data()` (~/.keras/datasets, downloaded once)."""
    path = {os}.path.join(train_dir, "mnist.npz")
    if {os}.path.exists(path):
        with {np}.load(path) as data:
            (train_images, train_labels), (test_images, test_labels) = (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    else:
        (train_images, train_labels), (test_images, test_labels) = {tf}.keras.datasets.mnist.load_data()
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(f"Validation size should be between 0 and {{len(train_images)}}. Received: {{validation_size}}.")

    def data_set(images, labels):
        images = images.reshape(images.shape[0], images.shape[1] * images.shape[2]) if reshape else images[..., {np}.newaxis]
        images = {np}.multiply(images.astype({np}.float32), 1.0 / 255.0)
        if one_hot:
            labels = {np}.eye(10)[labels]
        return MnistDataSet(images, labels)

    return MnistDataSets(
        train=data_set(train_images[validation_size:], train_labels[validation_size:]),
        validation=data_set(train_images[:validation_size], train_labels[:validation_size]),
        test=data_set(test_images, test_labels),
    )
'''


class MnistReader(Codemod):
    RULES = (RULE,)
    TRIGGERS = ("tutorials.mnist",)

    def visit_Module(self, node: cst.Module) -> bool:
        self._import: cst.SimpleStatementLine | None = None
        self._calls: dict[int, cst.Call] = {}
        self._aliases: dict[str, str] = {}
        self._new_imports: list[str] = []
        found = self._reader_import(node)
        if found is None:
            return False
        statement, bound = found
        calls = self._calls_of(node, statement, bound)
        if calls is None:
            return False
        taken = {n.value for n in _all_names(node)}
        if any(name in taken for name in HELPER_NAMES):
            return False
        index = next(i for i, s in enumerate(node.body) if s is statement)
        before = cst.Module(body=node.body[:index])  # what is imported before the reader's first call
        self._aliases = {module: module_alias(before, module) or module for module in ("os", "numpy", "tensorflow")}
        self._new_imports = [f"import {module}" for module in self._aliases if module_alias(before, module) is None]
        for module, alias in self._aliases.items():
            if alias == module and any(not _imports_itself(binding, module) for binding in self._module_bindings(statement, module)):
                return False  # `numpy` / `tensorflow` bound to something else
        if not self.offer_fix(statement, RULE.code, "TF1's MNIST tutorial reader (gone in TF2): now a reader on `tf.keras.datasets.mnist` written into this file"):
            return False
        self._import = statement
        self._calls = {id(call): call for call in calls}
        return True

    def _reader_import(self, module: cst.Module) -> tuple[cst.SimpleStatementLine, str] | None:
        """The module-level statement importing `input_data` (alone), and the name it binds."""
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
                continue
            small = statement.body[0]
            if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
                if _dotted(small.module) != READER_MODULE or isinstance(small.names, cst.ImportStar) or len(small.names) != 1:
                    continue
                alias = small.names[0]
                if _dotted(alias.name) != "input_data":
                    continue
                return statement, _dotted(alias.asname.name) if alias.asname is not None else "input_data"
            if isinstance(small, cst.Import) and len(small.names) == 1:
                alias = small.names[0]
                if _dotted(alias.name) == READER_MODULE + ".input_data" and alias.asname is not None:
                    return statement, _dotted(alias.asname.name)
        return None

    def _module_bindings(self, statement: cst.SimpleStatementLine, name: str) -> list[cst.CSTNode]:
        """The nodes of the module scope's assignments of `name`: from the import bindings when only imports bind
        it (no scope analysis), else from the scopes."""
        bindings = import_bindings(self.context.wrapper)
        imports = bindings.module_imports(name) if bindings is not None else None
        if imports is not None:
            return list(imports)
        scope = self.get_metadata(ScopeProvider, statement.body[0], None)
        return [a.node for a in scope.assignments[name]] if scope is not None else []  # type: ignore[attr-defined]

    def _calls_of(self, module: cst.Module, statement: cst.SimpleStatementLine, bound: str) -> list[cst.Call] | None:
        """Every use of the bound name is a `bound.read_data_sets(...)` call the reader can replace; else None.

        The uses are the references of the import's assignment: from the import bindings when only that import binds
        the name (`ImportBindings.import_reads`, no scope analysis), else from the scopes."""
        bindings = import_bindings(self.context.wrapper)
        found = bindings.import_reads(bound, find(module, cst.Name)) if bindings is not None else None  # type: ignore[arg-type]
        if found is not None:
            uses: list[cst.CSTNode] = list(found[1])
        else:
            scope = self.get_metadata(ScopeProvider, statement.body[0], None)
            if scope is None:
                return None
            assignments = scope.assignments[bound]
            if len(assignments) != 1:
                return None
            uses = [access.node for access in next(iter(assignments)).references]
        calls = []
        for use in uses:
            attribute = self.get_metadata(ParentNodeProvider, use, None)
            call = self.get_metadata(ParentNodeProvider, attribute, None) if attribute is not None else None
            if not (isinstance(attribute, cst.Attribute) and attribute.attr.value == "read_data_sets" and isinstance(call, cst.Call) and call.func is attribute):
                return None
            if _keywords(call) is None:
                return None
            calls.append(call)
        return calls

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) not in self._calls:
            return updated_node
        keywords = _keywords(original_node)
        assert keywords is not None
        arguments = []
        for argument in updated_node.args:
            keyword = keywords.get(id(argument))
            if keyword not in KEPT:
                continue
            if argument.keyword is None and keyword != "train_dir":
                argument = argument.with_changes(keyword=cst.Name(keyword), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
            arguments.append(argument)
        if arguments:
            arguments[-1] = arguments[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(func=cst.Name("read_mnist_data_sets"), args=arguments)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self._import is None:
            return updated_node
        index = next(i for i, s in enumerate(original_node.body) if s is self._import)
        body = list(updated_node.body)
        imports = [cst.parse_statement(line, config=original_node.config_for_parsing) for line in self._new_imports]
        if imports:
            body[index : index + 1] = [imports[0].with_changes(leading_lines=body[index].leading_lines), *imports[1:]]
        else:
            leading = _stripped(body[index].leading_lines)
            del body[index]
            if leading and index < len(body):  # the import's comments stay with what follows it
                body[index] = body[index].with_changes(leading_lines=(*body[index].leading_lines, *leading))
        end = index
        while end < len(body) and _is_import(body[end]):
            end += 1
        helper = cst.parse_module(HELPER.format(os=self._aliases["os"], np=self._aliases["numpy"], tf=self._aliases["tensorflow"]), config=original_node.config_for_parsing).body
        helper = [helper[0].with_changes(leading_lines=(cst.EmptyLine(), cst.EmptyLine())), *helper[1:]]
        after = body[end:]
        if after:
            after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(), cst.EmptyLine(), *_stripped(after[0].leading_lines)))
        return updated_node.with_changes(body=(*body[:end], *helper, *after))


def _keywords(call: cst.Call) -> dict[int, str] | None:
    """id(argument) -> TF1 parameter name, when every argument is one the reader handles (else None)."""
    found: dict[int, str] = {}
    for index, argument in enumerate(call.args):
        if argument.star:
            return None
        keyword = argument.keyword.value if argument.keyword is not None else (PARAMETERS[index] if index < len(PARAMETERS) else None)
        if keyword is None or keyword in found.values():
            return None
        if keyword == "fake_data":
            if not (isinstance(argument.value, cst.Name) and argument.value.value == "False"):
                return None
        elif keyword not in KEPT:
            return None
        found[id(argument)] = keyword
    return found if "train_dir" in found.values() else None


def _imports_itself(node: cst.CSTNode, module: str) -> bool:
    """`node` (what binds a name) is a plain `import module`."""
    return isinstance(node, cst.Import) and any(_dotted(a.name) == module and a.asname is None for a in node.names)


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)


def _stripped(lines: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Leading lines without the blank ones at their start."""
    lines = list(lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return lines


def _all_names(node: cst.CSTNode) -> list[cst.Name]:
    return find(node, cst.Name)  # type: ignore[return-value]


CODEMOD = MnistReader
