"""TFM297-TFM298 vocabulary-processor: TF1's `tf.contrib.learn` VocabularyProcessor becomes a class written into the file.

What it matches
    Every use of `tf.contrib.learn.preprocessing.VocabularyProcessor`, in the spellings the imports allow
    (`from tensorflow.contrib import learn` then `learn.preprocessing.VocabularyProcessor`,
    `tf.contrib.learn.preprocessing.VocabularyProcessor`, `from tensorflow.contrib.learn.preprocessing import
    VocabularyProcessor`, the `...python.learn.preprocessing.text` module path):

        vocab_processor = learn.preprocessing.VocabularyProcessor(max_document_length, min_frequency=2)
        x = np.array(list(vocab_processor.fit_transform(x_text)))
        vocab_processor.save(path)
        vocab_processor = learn.preprocessing.VocabularyProcessor.restore(path)

What it writes (TFM297)
    The uses become `VocabularyProcessor(...)` / `VocabularyProcessor.restore(...)`; two classes are written
    after the file's import block, `CategoricalVocabulary` and `VocabularyProcessor`, which do what TF 1.15's
    pure-Python classes did: TF1's tokenizer regex, `<UNK>` at id 0, ids in order of first appearance, with
    `min_frequency` the words seen more than that many times renumbered by decreasing frequency then
    alphabetically, `fit` freezing the vocabulary (unknown words then get 0), rows of `max_document_length`
    int64 ids cut or padded with 0, `reverse`, `vocabulary_` (`len`, `get`, `reverse`, TF1's attributes),
    `save` as a pickle of the object. `restore` reads what `save` wrote, and also a pickle TF1's class wrote
    (under Python 3): TF1's class paths are read as these classes, whose attributes are TF1's. The imports
    the uses needed go when nothing else uses them; `re`, `pickle`, `collections`, `numpy` are imported.

Why
    `tf.contrib` is gone from TensorFlow 2 and TF2 has no drop-in for this class (Keras' `TextVectorization`
    splits, orders and pads differently, so the ids would change and a trained model would read other words).
    The class was pure Python: written out, the same text gives the same ids.

When it declines (TFM298, manual)
    A `vocabulary=` or `tokenizer_fn=` argument (other than None), `*args`/`**kwargs`, a use other than a call
    or `.restore(...)` (a subclass, the class passed around), or a file that already binds
    `VocabularyProcessor` / `CategoricalVocabulary` or rebinds `re`, `pickle`, `collections`, `numpy`: every
    use is left as it is, and the uses that cannot be rewritten are reported.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from .base import Codemod, Rule
from .imports import module_alias, schedule_removal_of_imports_used_by
from .names import canonical

PROCESSOR = "VocabularyProcessor"
VOCABULARY = "CategoricalVocabulary"
HELPER_NAMES = (PROCESSOR, VOCABULARY)
# The canonical names (`codemods.names`) under which TF1 exported the class.
PROCESSOR_NAMES = frozenset(
    f"tf.contrib.learn.{module}.VocabularyProcessor"
    for module in ("preprocessing", "preprocessing.text", "python.learn.preprocessing", "python.learn.preprocessing.text")
)
# TF1's positional order of the constructor's parameters; the rewrite keeps the first two, the others only as None.
PARAMETERS = ("max_document_length", "min_frequency", "vocabulary", "tokenizer_fn")
KEPT = frozenset({"max_document_length", "min_frequency"})
MODULES = ("re", "pickle", "collections", "numpy")

RULE = Rule(
    code="TFM297",
    name="vocabulary-processor",
    fix=FixKind.SAFE,
    summary="`tf.contrib.learn.preprocessing.VocabularyProcessor` becomes the same pure-Python class written into the file (same tokens, same ids).",
    explanation="""
        `tf.contrib.learn` is gone from TensorFlow 2, and TF2 has no class giving the same ids (Keras'
        `TextVectorization` splits, orders and pads differently). TF1's `VocabularyProcessor` was pure
        Python: the rewrite writes it into the file as two classes, `CategoricalVocabulary` and
        `VocabularyProcessor`, with TF 1.15's behaviour: the tokenizer regex, `<UNK>` at id 0, ids in order
        of first appearance (with `min_frequency`: the words seen more than that many times, by decreasing
        frequency then alphabetically), `fit` freezing the vocabulary, rows of `max_document_length` int64
        ids cut or padded with 0, `transform`, `fit_transform`, `reverse`, `vocabulary_` (`len`, `get`,
        `reverse`), `save` (a pickle of the object). `restore` reads what `save` wrote and also a pickle
        written by TF1's class under Python 3 (its class paths are read as these classes). Files are read
        and written with `open` (local paths; TF1 used `gfile`). Custom `tokenizer_fn=` / `vocabulary=`
        arguments and other uses of the class are reported (TFM298).
    """,
    before="""
        from tensorflow.contrib import learn
        vocab_processor = learn.preprocessing.VocabularyProcessor(max_document_length)
        x = np.array(list(vocab_processor.fit_transform(x_text)))
        print(len(vocab_processor.vocabulary_))
    """,
    after="""
        import collections
        import pickle
        import re

        class CategoricalVocabulary:
            ...  # TF1's word -> id table (written in full)

        class VocabularyProcessor:
            ...  # TF1's tokenizer, fit, transform, fit_transform, reverse, save, restore (written in full)

        vocab_processor = VocabularyProcessor(max_document_length)
        x = np.array(list(vocab_processor.fit_transform(x_text)))
        print(len(vocab_processor.vocabulary_))
    """,
)

REPORT_RULE = Rule(
    code="TFM298",
    name="vocabulary-processor-unsupported",
    fix=FixKind.MANUAL,
    summary="A use of `VocabularyProcessor` the rewrite cannot reproduce exactly (custom `tokenizer_fn=`, `vocabulary=`, the class passed around): reported.",
    explanation="""
        TFM297 writes TF1's `VocabularyProcessor` into the file only when every use of the class is a call
        with `max_document_length` / `min_frequency` (`vocabulary=None`, `tokenizer_fn=None` are dropped)
        or `VocabularyProcessor.restore(path)`. A custom `tokenizer_fn=` or `vocabulary=` (a TF1
        `CategoricalVocabulary`), `*args` / `**kwargs`, the class subclassed or passed as a value, or a file
        that already binds the helper's names (or rebinds `re`, `pickle`, `collections`, `numpy`) leaves
        every use as it is and reports the ones it cannot rewrite. What to do: take the classes TFM297 writes
        (`tf2migrate fix` on a copy that uses the plain form) and adapt them, or move to Keras'
        `TextVectorization` and retrain (its ids differ).
    """,
    before="""
        vocab_processor = learn.preprocessing.VocabularyProcessor(100, tokenizer_fn=my_tokenizer)
    """,
    after="""
        vocab_processor = learn.preprocessing.VocabularyProcessor(100, tokenizer_fn=my_tokenizer)  # reported
    """,
)

HELPER = '''
class CategoricalVocabulary:
    """TF1's `tf.contrib.learn` vocabulary, written out (gone in TF 2): word -> id, `<UNK>` at id 0, new words in
    order of first appearance; after `freeze()` unknown words get 0; `trim(min_frequency)` keeps the words
    counted more than `min_frequency` times, renumbered by decreasing count, then alphabetically."""

    def __init__(self, unknown_token="<UNK>", support_reverse=True):
        self._unknown_token = unknown_token
        self._mapping = {{unknown_token: 0}}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping = [unknown_token]
        self._freq = {collections}.defaultdict(int)
        self._freeze = False

    def __len__(self):
        """The number of ids, `<UNK>` included."""
        return len(self._mapping)

    def freeze(self, freeze=True):
        self._freeze = freeze

    def get(self, category):
        """The word's id; a new word gets the next id, or 0 once the vocabulary is frozen."""
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category, count=1):
        """Counts the word (not `<UNK>`, nor a new word once frozen)."""
        if self.get(category) <= 0:
            return
        self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):
        """Keeps the words counted more than `min_frequency` (and, with `max_frequency` > 0, fewer than that) times."""
        alphabetical = sorted(self._freq.items(), key=lambda item: (isinstance(item[0], str), item[0]))
        ranked = sorted(alphabetical, key=lambda item: item[1], reverse=True)
        self._mapping = {{self._unknown_token: 0}}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        next_id = 1
        for category, count in ranked:
            if max_frequency > 0 and count >= max_frequency:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = next_id
            next_id += 1
            if self._support_reverse:
                self._reverse_mapping.append(category)
        self._freq = dict(ranked[: next_id - 1])

    def reverse(self, class_id):
        """The word of an id."""
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initalized with support_reverse to support reverse() function.")
        return self._reverse_mapping[class_id]


class VocabularyProcessor:
    """TF1's `tf.contrib.learn.preprocessing.VocabularyProcessor`, written out (gone in TF 2): documents become
    rows of `max_document_length` word ids (int64, cut or padded with 0), with TF1's tokens and ids."""

    TOKENIZER_RE = {re}.compile(r"[A-Z]{{2,}}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\\'\\w\\-]+", {re}.UNICODE)

    def __init__(self, max_document_length, min_frequency=0):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = CategoricalVocabulary()

    @staticmethod
    def tokenizer(documents):
        """TF1's tokenizer: the list of tokens of each document."""
        for document in documents:
            yield VocabularyProcessor.TOKENIZER_RE.findall(document)

    _tokenizer = tokenizer

    def fit(self, raw_documents, unused_y=None):
        """Learns the vocabulary of the documents, then freezes it."""
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents, unused_y=None):
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents):
        """Yields one row of word ids per document."""
        for tokens in self._tokenizer(raw_documents):
            word_ids = {np}.zeros(self.max_document_length, {np}.int64)
            for index, token in enumerate(tokens):
                if index >= self.max_document_length:
                    break
                word_ids[index] = self.vocabulary_.get(token)
            yield word_ids

    def reverse(self, documents):
        """Yields the words of each row of ids, joined by spaces."""
        for item in documents:
            yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

    def save(self, filename):
        with open(filename, "wb") as f:
            f.write({pickle}.dumps(self))

    @classmethod
    def restore(cls, filename):
        """Reads what `save` wrote, or a pickle of TF1's class (TF1's class paths are read as these classes)."""
        tf1_names = {{"VocabularyProcessor": cls, "CategoricalVocabulary": CategoricalVocabulary, "tokenizer": cls.tokenizer}}
        own_names = {{"VocabularyProcessor": cls, "CategoricalVocabulary": CategoricalVocabulary}}

        class Unpickler({pickle}.Unpickler):
            def find_class(self, module, name):
                if module.startswith("tensorflow.contrib.learn.") and name in tf1_names:
                    return tf1_names[name]
                if module in ("__main__", cls.__module__) and name in own_names:
                    return own_names[name]
                return super().find_class(module, name)

        with open(filename, "rb") as f:
            return Unpickler(f).load()
'''


class VocabularyProcessorRewrite(Codemod):
    RULES = (RULE, REPORT_RULE)
    TRIGGERS = ("VocabularyProcessor",)

    def visit_Module(self, node: cst.Module) -> bool:
        self._replaced: set[int] = set()
        self._dropped_imports: set[int] = set()
        self._aliases: dict[str, str] = {}
        uses = self._uses(node)
        if not uses:
            return False
        unsupported = [(use, why) for use, why in ((use, _unsupported(use, self._parent(use))) for use in uses) if why is not None]
        if not unsupported:
            why = self._file_blocks(node, uses)
            if why is not None:
                unsupported = [(uses[0], why)]
        if unsupported:
            for use, why in unsupported:
                self.flag(use, REPORT_RULE.code, f"TF1's `VocabularyProcessor` (gone in TF2) is left as it is: {why}")
            return False
        count = f" ({len(uses)} uses)" if len(uses) > 1 else ""
        if not self.offer_fix(uses[0], RULE.code, f"TF1's `VocabularyProcessor` (tf.contrib.learn, gone in TF2): now the same class written into this file{count}"):
            return False
        self._replaced = {id(use) for use in uses}
        for use in uses:
            schedule_removal_of_imports_used_by(self.context, use)
        return True

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def _uses(self, module: cst.Module) -> list[cst.BaseExpression]:
        """The expressions naming TF1's class, outside import statements, in source order."""
        found: list[cst.BaseExpression] = []

        class Finder(cst.CSTVisitor):
            def visit_Import(self, node: cst.Import) -> bool:
                return False

            def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
                return False

            def visit_Attribute(inner, node: cst.Attribute) -> bool:  # noqa: N805
                if node.attr.value == PROCESSOR and self.qualified_name(node) in PROCESSOR_NAMES:
                    found.append(node)
                    return False
                return True

            def visit_Name(inner, node: cst.Name) -> bool:  # noqa: N805
                if self.qualified_name(node) in PROCESSOR_NAMES:
                    found.append(node)
                return False

        traversal.visit(module, Finder())
        return found

    def _file_blocks(self, module: cst.Module, uses: list[cst.BaseExpression]) -> str | None:
        """Why the file cannot take the helper classes (a name they need or define is taken), or None."""
        scope = self.get_metadata(ScopeProvider, module.body[0], None) if module.body else None
        if scope is None:
            return "the module's scope is unknown"
        for name in HELPER_NAMES:
            for assignment in scope.assignments[name]:
                node = getattr(assignment, "node", None)
                if not (isinstance(node, cst.ImportFrom) and self._imports_processor(node, name)):
                    return f"the file already binds `{name}`"
        end = _import_block_end(module)
        before = cst.Module(body=module.body[:end])
        for name in MODULES:
            alias = module_alias(before, name) or name
            self._aliases[name] = alias
            if any(not _imports_itself(getattr(a, "node", None), name, alias) for a in scope.assignments[alias]):
                return f"the file binds `{alias}` to something other than the module `{name}`"
        for use in uses:
            use_scope = self.get_metadata(ScopeProvider, use, None)
            if use_scope is not None and use_scope is not scope and any(use_scope.assignments[name] for name in HELPER_NAMES):
                return "a function binds `VocabularyProcessor` / `CategoricalVocabulary` itself"
        self._missing = [name for name in MODULES if module_alias(before, name) is None]
        return None

    def _imports_processor(self, node: cst.ImportFrom, bound: str) -> bool:
        """`from <TF1 module> import VocabularyProcessor [as bound]`."""
        if isinstance(node.names, cst.ImportStar):
            return False
        for alias in node.names:
            name = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(name, cst.Name) and name.value == bound and _imported(node, alias) in PROCESSOR_NAMES:
                return True
        return False

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if id(original_node) in self._replaced:
            return cst.Name(PROCESSOR)
        return updated_node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if id(original_node) in self._replaced:
            return cst.Name(PROCESSOR)
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        """`vocabulary=None` / `tokenizer_fn=None` (TF1's defaults) go: the written class takes the first two only."""
        if id(original_node.func) not in self._replaced:
            return updated_node
        arguments = [new for index, (old, new) in enumerate(zip(original_node.args, updated_node.args)) if _parameter(old, index) in KEPT]
        if len(arguments) == len(updated_node.args):
            return updated_node
        if arguments:
            arguments[-1] = arguments[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(args=arguments)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom | cst.RemovalSentinel:
        """`from tensorflow.contrib.learn.preprocessing import VocabularyProcessor` goes (the class is written below)."""
        if not self._replaced or isinstance(original_node.names, cst.ImportStar):
            return updated_node
        kept = [new for old, new in zip(original_node.names, updated_node.names) if _imported(original_node, old) not in PROCESSOR_NAMES]
        if len(kept) == len(original_node.names):
            return updated_node
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._replaced:
            return updated_node
        body = list(updated_node.body)
        end = _import_block_end(updated_node)
        config = original_node.config_for_parsing
        imports = [cst.parse_statement(f"import {name}", config=config) for name in self._missing]
        text = HELPER.format(re=self._aliases["re"], pickle=self._aliases["pickle"], collections=self._aliases["collections"], np=self._aliases["numpy"])
        helper = list(cst.parse_module(text, config=config).body)
        helper[0] = helper[0].with_changes(leading_lines=(cst.EmptyLine(), cst.EmptyLine()))
        after = body[end:]
        if after:
            after[0] = after[0].with_changes(leading_lines=(cst.EmptyLine(), cst.EmptyLine(), *_stripped(after[0].leading_lines)))
        return updated_node.with_changes(body=(*body[:end], *imports, *helper, *after))


def _unsupported(use: cst.BaseExpression, parent: cst.CSTNode | None) -> str | None:
    """Why this use of the class cannot be rewritten exactly, or None."""
    if isinstance(parent, cst.Call) and parent.func is use:
        return _unsupported_arguments(parent)
    if isinstance(parent, cst.Attribute) and parent.value is use and parent.attr.value == "restore":
        return None
    return "a use other than a call or `VocabularyProcessor.restore(...)`: write the class into the file by hand"


def _parameter(argument: cst.Arg, index: int) -> str | None:
    """The TF1 parameter an argument of the constructor (at `index`) is given to."""
    if argument.keyword is not None:
        return argument.keyword.value
    return PARAMETERS[index] if index < len(PARAMETERS) else None


def _unsupported_arguments(call: cst.Call) -> str | None:
    seen: set[str] = set()
    for index, argument in enumerate(call.args):
        if argument.star:
            return "`*args` / `**kwargs`: the arguments cannot be checked"
        keyword = _parameter(argument, index)
        if keyword is None or keyword not in PARAMETERS or keyword in seen:
            return "arguments TF1's class did not take"
        seen.add(keyword)
        if keyword not in KEPT and not (isinstance(argument.value, cst.Name) and argument.value.value == "None"):
            return f"`{keyword}=` (a custom tokenizer or vocabulary) is not reproduced: adapt the class by hand"
    return None if "max_document_length" in seen else "no `max_document_length`"


def _imported(node: cst.ImportFrom, alias: cst.ImportAlias) -> str | None:
    """The canonical name (`codemods.names`) an alias of an absolute `from module import name` imports."""
    if node.relative or node.module is None:
        return None
    return canonical(f"{_dotted(node.module)}.{_dotted(alias.name)}")


def _imports_itself(node: cst.CSTNode | None, module: str, alias: str) -> bool:
    """`node` (what binds a name) is `import module [as alias]`."""
    if not isinstance(node, cst.Import):
        return False
    for name in node.names:
        bound = name.asname.name if name.asname is not None else name.name
        if _dotted(name.name) == module and isinstance(bound, cst.Name) and bound.value == alias:
            return True
    return False


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _import_block_end(module: cst.Module) -> int:
    """The index after the file's leading docstring and import statements."""
    index = 0
    body = module.body
    if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1:
        first = body[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
            index = 1
    while index < len(body) and _is_import(body[index]):
        index += 1
    return index


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)


def _stripped(lines: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Leading lines without the blank ones at their start."""
    lines = list(lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return lines


CODEMOD = VocabularyProcessorRewrite
