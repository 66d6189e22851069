"""TFM265 dataset-iterator-to-python: a `tf.data` iterator read by a Session program becomes Python iteration.

What it matches
    In a block that opens a `tf.Session` (a module, or one function), a dataset built at the block's top level
    from `tf.data.Dataset.from_tensor_slices(...)` and the element-preserving methods (`shuffle`, `batch`,
    `repeat`, `prefetch`, `take`, `skip`, `cache`), one iterator over it (`dataset.make_one_shot_iterator()`,
    `dataset.make_initializable_iterator()`, or their `tf.compat.v1.data.make_*_iterator(dataset)` spellings),
    read by one `a, b = iterator.get_next()`, the initializer run by a statement of its own
    (`sess.run(iterator.initializer, feed_dict={px: x_train})`, possibly together with the variable
    initializer), and runs that fetch what the batch feeds, optionally in a `try` / `except
    tf.errors.OutOfRangeError:`:

        dataset = tf.data.Dataset.from_tensor_slices((px, py)).batch(32).repeat(3)
        iterator = dataset.make_initializable_iterator()
        bx, by = iterator.get_next()
        ...
        sess.run([iterator.initializer, init], feed_dict={px: x_train, py: y_train})
        while True:
            try:
                _, l = sess.run([train, loss])
            except tf.errors.OutOfRangeError:
                break

What it writes
    The iterator's elements become placeholders (`bx`, `by`) that each run consuming a batch is fed with the
    next element of a Python iterator over the dataset: `bx_batch, by_batch = next(iterator)` just before
    the run's statement, `{bx: bx_batch, by: by_batch}` in its feed. `iterator.initializer` becomes
    `iterator = iter(dataset)` where it ran (the dataset's statements move there when placeholders fed at
    that run feed the dataset, with the fed values in their place); a one-shot iterator is `iter(dataset)`
    where it was made. `except tf.errors.OutOfRangeError:` around a consuming run becomes `except
    StopIteration:`. An element fetched as it is (`sess.run(next_element)`) is fetched as
    `tf.identity(next_element)`. A run counts as taking an element when its fetches read a name bound
    (anywhere in the block) to a value computed from the elements, and does not feed them all; it must be
    a statement of its own (`a = sess.run(...)`, `sess.run(...)`, `print(..., sess.run(...))`). The
    Session rewrite (TFM201) then turns the placeholders into function parameters.
    It does so only when the Session rewrite then converts the file; otherwise nothing changes.

Why
    In TF1 each `sess.run` that evaluates `get_next()`'s tensors (and does not feed them all) takes the next
    element of the iterator, and one past the end raises `OutOfRangeError`; a run that feeds them takes
    none. Eager code has no Session: a Python iterator over the dataset, advanced once per such run, gives
    the same elements in the same order and ends with `StopIteration` at the same run.
"""

from __future__ import annotations

import dataclasses

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

from tf2migrate.findings import FixKind, FixState
from tf2migrate.metadata import LazyMetadata
from tf2migrate.traversal import find

from . import sessions
from .base import Codemod, Rule
from .names import references_in
from .session_rebinding import session_blocks
from .session_dataset_values import METHODS, chain_root as _chain_root, dataset_use as _dataset_use, m_name

ITERATE = Rule(
    code="TFM265",
    name="dataset-iterator-to-python",
    fix=FixKind.SAFE,
    summary="A `tf.data` iterator read by `sess.run` becomes a Python iterator over the dataset, advanced once per run, so the Session program converts.",
    explanation="""
        TF1 programs read a dataset through `iterator.get_next()` tensors: each `sess.run` that evaluates them
        (without feeding them) takes the next element, and the run after the last one raises
        `tf.errors.OutOfRangeError`. The elements become placeholders fed, just before each such run, with
        `next(iterator)` of a Python iterator over the dataset (`iter(dataset)` where the iterator was
        initialized, the dataset built there from the values fed to its placeholders); `except
        tf.errors.OutOfRangeError` around those runs becomes `except StopIteration`. The Session rewrite
        (TFM201) then makes the program eager. Applied only when the Session program then converts.
    """,
    before="""
        dataset = tf.data.Dataset.from_tensor_slices((x_data, y_data)).batch(4)
        iterator = dataset.make_one_shot_iterator()
        bx, by = iterator.get_next()
        loss = tf.reduce_mean(tf.square(bx * W - by))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            while True:
                try:
                    _, l = sess.run([train, loss])
                except tf.errors.OutOfRangeError:
                    break
    """,
    after="""
        dataset = tf.data.Dataset.from_tensor_slices((x_data, y_data)).batch(4)
        iterator = iter(dataset)
        bx = tf.placeholder(None)
        by = tf.placeholder(None)
        loss = tf.reduce_mean(tf.square(bx * W - by))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            while True:
                try:
                    bx_batch, by_batch = next(iterator)
                    _, l = sess.run([train, loss], {bx: bx_batch, by: by_batch})
                except StopIteration:
                    break
        # (then TFM201 makes it eager)
    """,
)

ITERATOR_METHODS = frozenset({"make_one_shot_iterator", "make_initializable_iterator"})
ITERATOR_FUNCTIONS = {"tf.compat.v1.data.make_one_shot_iterator": "make_one_shot_iterator", "tf.data.make_one_shot_iterator": "make_one_shot_iterator",
                      "tf.compat.v1.data.make_initializable_iterator": "make_initializable_iterator", "tf.data.make_initializable_iterator": "make_initializable_iterator"}
INITIALIZERS = frozenset({"tf.global_variables_initializer", "tf.local_variables_initializer", "tf.initialize_all_variables"})
OUT_OF_RANGE = "tf.errors.OutOfRangeError"
NO_ITERATOR = "no iterator"


class NotHere(Exception):
    """The pattern is not (fully) there: nothing is rewritten."""

    def __init__(self, node: cst.CSTNode, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


# -- the rewrite -------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Pipeline:
    dataset: str
    chain: list[cst.SimpleStatementLine]
    factory: cst.Call
    iterator: str
    iterator_statement: cst.SimpleStatementLine
    initializable: bool
    outputs: list[str]
    get_next: cst.SimpleStatementLine
    dtypes: list[cst.BaseExpression | None]
    placeholders: dict[str, cst.SimpleStatementLine]


class SessionDatasets(Codemod):
    RULES = (ITERATE,)
    TRIGGERS = ("get_next",)

    def visit_Module(self, node: cst.Module) -> bool:
        self._rewritten: cst.Module | None = None
        self._tree = node
        if not self.enabled(ITERATE.code) or not self.enabled(sessions.CONVERT.code):
            return False
        taken = {name.value for name in find(node, cst.Name)}  # type: ignore[attr-defined]
        for block in session_blocks(self, node):
            try:
                edits, where = self._plan(block, taken)
            except NotHere as declined:
                if declined.message != NO_ITERATOR and not self._converts(node)[0]:
                    self.flag(declined.node, ITERATE.code, f"the `tf.data` iterator read by `sess.run` is not turned into Python iteration: {declined.message}; the Session program stays in graph mode")
                continue
            if self.run.is_suppressed(ITERATE.code, self.position(where)[0]):
                continue
            if self._converts(node)[0]:
                return False
            candidate = cst.parse_module(node.visit(_Edit(edits)).code)
            converts, findings = self._converts(candidate)
            if not converts:
                blocker = next((f for f in findings if f.fix is FixState.MANUAL and f.code.startswith("TFM2")), None)
                if blocker is not None:
                    self.flag(where, ITERATE.code, f"the `tf.data` iterator read by `sess.run` could become Python iteration, but the Session program would still stay in graph mode "
                              f"({blocker.code}: {blocker.message.removesuffix('; left in graph mode')})")
                continue
            self.offer_fix(where, ITERATE.code, "the `tf.data` iterator read by `sess.run` is now a Python iterator over the dataset (`next(iterator)` before each run that took a batch), so that the Session program converts")
            self._rewritten = candidate
            return False
        return False

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return self._rewritten if self._rewritten is not None else updated_node

    def _top(self, block: cst.CSTNode) -> list[cst.BaseStatement]:
        body = block.body if isinstance(block, cst.Module) else block.body.body  # type: ignore[attr-defined]
        top: list[cst.BaseStatement] = []

        def expand(statements) -> None:  # noqa: ANN001
            for statement in statements:
                top.append(statement)
                if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
                    expand(statement.body.body)

        expand(body)
        return top

    # -- finding the pieces ------------------------------------------------------------------------------

    def _plan(self, block: cst.CSTNode, taken: set[str]) -> tuple[dict[int, object], cst.CSTNode]:
        top = self._top(block)
        simple = [s for s in top if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1]
        pipeline = self._pipeline(block, top, simple)
        edits: dict[int, object] = {}
        scope = self.get_metadata(ScopeProvider, pipeline.get_next.body[0], None)
        # the element placeholders, where get_next was
        edits[id(pipeline.get_next)] = [
            cst.parse_statement(f"{output} = {self._tf()}.placeholder({cst.Module([]).code_for_node(dtype) if dtype is not None else 'None'})")
            for output, dtype in zip(pipeline.outputs, pipeline.dtypes)
        ]
        batch_names = []
        for output in pipeline.outputs:
            fresh = f"{output}_batch"
            index = 1
            while fresh in taken:
                fresh = f"{output}_batch{index}"
                index += 1
            taken.add(fresh)
            batch_names.append(fresh)
        dependent = self._dependent(block, pipeline)
        runs = self._runs(block, dependent, pipeline)
        if not runs["consuming"]:
            raise NotHere(pipeline.get_next, "no `sess.run` reads its elements")
        initializers = runs["initializers"]
        if pipeline.initializable and not initializers:
            raise NotHere(pipeline.iterator_statement, "the iterator is never initialized")
        if not pipeline.initializable and initializers:
            raise NotHere(pipeline.iterator_statement, "a one-shot iterator's `initializer` is run")
        fed_placeholders = set(pipeline.placeholders)
        if fed_placeholders:
            self._movable(pipeline, scope)
            for statement in pipeline.chain:
                edits[id(statement)] = []
            for statement in pipeline.placeholders.values():
                edits[id(statement)] = []
        if pipeline.initializable:
            edits[id(pipeline.iterator_statement)] = []
            for statement, call, rest, feed in initializers:
                replacement: list[cst.BaseStatement] = []
                if rest:
                    fetch = rest[0] if len(rest) == 1 else cst.List([cst.Element(r) for r in rest])
                    replacement.append(statement.with_changes(body=[cst.Expr(call.with_changes(args=[cst.Arg(fetch)]))]))
                if fed_placeholders:
                    if set(feed) != fed_placeholders:
                        raise NotHere(statement, "the `initializer` run does not feed every placeholder of the dataset")
                    substitute = {name: feed[name] for name in feed}
                    if sum(bool(find(value, cst.Call)) for value in substitute.values()) > 1 or any(
                        len([r for r in references_in(pipeline.factory) if r.value == name]) > 1 and find(value, cst.Call) for name, value in substitute.items()
                    ):
                        raise NotHere(statement, "the values fed to the dataset's placeholders call functions (the order they are computed in would change)")
                    for index, original in enumerate(pipeline.chain):
                        moved = original.visit(_Substitute(substitute)) if index == 0 else original
                        lines = [*statement.leading_lines, *original.leading_lines] if index == 0 and not replacement else original.leading_lines
                        replacement.append(moved.with_changes(leading_lines=lines))  # type: ignore[union-attr]
                elif feed:
                    raise NotHere(statement, "the `initializer` run feeds values the dataset does not read")
                replacement.append(cst.parse_statement(f"{pipeline.iterator} = iter({pipeline.dataset})"))
                edits[id(statement)] = replacement
        else:
            edits[id(pipeline.iterator_statement)] = [cst.parse_statement(f"{pipeline.iterator} = iter({pipeline.dataset})").with_changes(leading_lines=pipeline.iterator_statement.leading_lines)]
        unpack = ", ".join(batch_names)
        for statement, call in runs["consuming"]:
            feed_entries = ", ".join(f"{o}: {b}" for o, b in zip(pipeline.outputs, batch_names))
            new_call = _with_feed(_elements_fetched(call, pipeline.outputs), feed_entries)
            new_statement = statement.visit(_ReplaceNode(call, new_call))
            edits[id(statement)] = [
                cst.parse_statement(f"{unpack} = next({pipeline.iterator})").with_changes(leading_lines=statement.leading_lines),
                new_statement.with_changes(leading_lines=[]),  # type: ignore[union-attr]
            ]
        for handler in runs["handlers"]:
            edits[id(handler.type)] = cst.Name("StopIteration")
        return edits, pipeline.get_next

    def _tf(self) -> str:
        return "tf"

    def _pipeline(self, block: cst.CSTNode, top: list[cst.BaseStatement], simple: list[cst.SimpleStatementLine]) -> _Pipeline:
        get_nexts = [s for s in simple if isinstance(s.body[0], cst.Assign) and isinstance(s.body[0].value, cst.Call)
                     and isinstance(s.body[0].value.func, cst.Attribute) and s.body[0].value.func.attr.value == "get_next"]
        if len(get_nexts) != 1:
            raise NotHere(block, NO_ITERATOR if not get_nexts else "more than one `get_next()`")
        get_next = get_nexts[0]
        assign = get_next.body[0]
        assert isinstance(assign, cst.Assign)
        call = assign.value
        assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
        if call.args or not isinstance(call.func.value, cst.Name) or len(assign.targets) != 1:
            raise NotHere(get_next, "`get_next()` of something other than an iterator name")
        iterator = call.func.value.value
        target = assign.targets[0].target
        if isinstance(target, cst.Name):
            outputs = [target.value]
            tupled = False
        elif isinstance(target, (cst.Tuple, cst.List)) and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in target.elements):
            outputs = [e.value.value for e in target.elements]  # type: ignore[union-attr]
            tupled = True
        else:
            raise NotHere(get_next, "`get_next()` unpacked into something other than names")
        scope = self.get_metadata(ScopeProvider, assign, None)
        # the iterator
        makers = [s for s in simple if _assigns(s, iterator)]
        if len(makers) != 1 or len(scope.assignments[iterator]) != 1:
            raise NotHere(get_next, "the iterator is bound more than once")
        maker = makers[0]
        value = maker.body[0].value  # type: ignore[attr-defined]
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value in ITERATOR_METHODS and not value.args and isinstance(value.func.value, cst.Name):
            kind, dataset = value.func.attr.value, value.func.value.value
        elif isinstance(value, cst.Call) and self.qualified_name(value) in ITERATOR_FUNCTIONS and len(value.args) == 1 and isinstance(value.args[0].value, cst.Name) and value.args[0].keyword is None:
            kind, dataset = ITERATOR_FUNCTIONS[self.qualified_name(value)], value.args[0].value.value  # type: ignore[index,attr-defined]
        else:
            raise NotHere(maker, "an iterator made by something other than `make_one_shot_iterator()` / `make_initializable_iterator()`")
        if self.position(maker) > self.position(get_next):
            raise NotHere(maker, "the iterator is made after `get_next()` reads it")
        # the dataset chain: every binding of the dataset name, consecutive statements, ending before the maker
        bindings = sorted((a.node for a in scope.assignments[dataset]), key=self.position)  # type: ignore[arg-type]
        chain: list[cst.SimpleStatementLine] = []
        for node in bindings:
            statement = self._statement_of(node)
            if statement is None or statement not in simple or not _assigns(statement, dataset):
                raise NotHere(maker, "the dataset is bound in a way this rule does not follow")
            chain.append(statement)
        positions = [top.index(s) for s in chain]
        if positions != list(range(positions[0], positions[0] + len(positions))) or top.index(maker) < positions[-1]:
            raise NotHere(maker, "the dataset's statements are not consecutive")
        factory = None
        for index, statement in enumerate(chain):
            root = _chain_root(self, statement.body[0].value, dataset)  # type: ignore[attr-defined]
            if root is None or (index == 0) != isinstance(root, cst.Call):
                raise NotHere(statement, "the dataset is built with something other than `from_tensor_slices` and `shuffle`/`batch`/`repeat`/`prefetch`/`take`/`skip`/`cache`")
            if index == 0:
                factory = root
        assert isinstance(factory, cst.Call)
        reads = [a for assignment in scope.assignments[dataset] for a in assignment.references]
        for access in reads:
            statement = self._statement_of(access.node)
            if statement is maker:
                continue
            if statement not in chain or not _dataset_use(self, access.node, dataset):
                raise NotHere(access.node, "the dataset is read by other code")
        if len(factory.args) != 1 or factory.args[0].keyword is not None:
            raise NotHere(factory, "`from_tensor_slices` with more than one argument")
        element = factory.args[0].value
        components = [e.value for e in element.elements] if isinstance(element, cst.Tuple) else [element]  # type: ignore[union-attr]
        if isinstance(element, cst.Tuple) != tupled or len(components) != len(outputs) or isinstance(element, (cst.List, cst.Dict)):
            raise NotHere(get_next, "`get_next()` is unpacked into another structure than the dataset's elements (a tuple literal of components)")
        # placeholders feeding the dataset (fed at the initializer run)
        placeholders: dict[str, cst.SimpleStatementLine] = {}
        dtypes: list[cst.BaseExpression | None] = []
        for component in components:
            dtype = None
            if isinstance(component, cst.Name):
                bound = [s for s in simple if _assigns(s, component.value)]
                if len(bound) == 1 and self.qualified_name(bound[0].body[0].value) == "tf.placeholder" and len(scope.assignments[component.value]) == 1:  # type: ignore[attr-defined]
                    placeholder = bound[0].body[0].value  # type: ignore[attr-defined]
                    argument = sessions._arg(placeholder, 0, "dtype")
                    if argument is None:
                        raise NotHere(component, "a placeholder without a dtype")
                    dtype = argument.value
                    placeholders[component.value] = bound[0]
            dtypes.append(dtype)
        for name in placeholders:
            for assignment in scope.assignments[name]:
                for access in assignment.references:
                    if not _inside(self, access.node, factory) and not self._feed_key(access.node):
                        raise NotHere(access.node, "a placeholder the dataset reads is used by other code")
        if kind == "make_one_shot_iterator" and placeholders:
            raise NotHere(maker, "a one-shot iterator over placeholders")
        for access in (a for assignment in scope.assignments[iterator] for a in assignment.references):
            parent = self.get_metadata(ParentNodeProvider, access.node, None)
            if not (isinstance(parent, cst.Attribute) and parent.value is access.node and parent.attr.value in ("get_next", "initializer")):
                raise NotHere(access.node, "the iterator is used other than by `get_next()` / `initializer`")
        return _Pipeline(dataset, chain, factory, iterator, maker, kind == "make_initializable_iterator", outputs, get_next, dtypes, placeholders)

    def _feed_key(self, node: cst.CSTNode) -> bool:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        return isinstance(parent, cst.DictElement) and parent.key is node

    def _movable(self, pipeline: _Pipeline, scope) -> None:  # noqa: ANN001
        """The chain moves to the initializer run: every name it reads must be bound before it, once."""
        start = self.position(pipeline.chain[0])
        for statement in pipeline.chain:
            for reference in references_in(statement.body[0].value):  # type: ignore[attr-defined]
                name = reference.value
                if name == pipeline.dataset or name in pipeline.placeholders:
                    continue
                assignments = list(scope.assignments[name]) if name in scope.assignments else []
                for assignment in assignments:
                    node = assignment.node
                    if not isinstance(node, cst.CSTNode):
                        continue
                    try:
                        position = self.position(node)
                    except KeyError:
                        continue
                    if position > start or len(assignments) > 1:
                        raise NotHere(statement, f"`{name}` may change before the initializer runs")

    def _dependent(self, block: cst.CSTNode, pipeline: _Pipeline) -> set[str]:
        """Names of the block bound to values computed from the iterator's elements (any binding of the block
        whose value reads one, values fetched by a run excepted: those are numbers, not tensors)."""
        dependent = set(pipeline.outputs)
        for function in find(self._tree, cst.FunctionDef):
            if function is block:
                continue
            free = {r.value for r in references_in(function.body)} - {p.name.value for p in find(function.params, cst.Param)}
            if free & dependent:
                raise NotHere(function, "a function reads an element of the iterator (when it runs is not followed)")
        body = block if isinstance(block, cst.Module) else block.body  # type: ignore[attr-defined]
        bindings = [node for kind in (cst.Assign, cst.AugAssign, cst.AnnAssign) for node in find(body, kind)]
        changed = True
        while changed:
            changed = False
            for small in bindings:
                if small.value is None or any(isinstance(c.func, cst.Attribute) and c.func.attr.value in ("run", "eval") for c in find(small.value, cst.Call)):
                    continue
                if not ({r.value for r in references_in(small.value)} & dependent):
                    continue
                targets = small.targets if isinstance(small, cst.Assign) else [small]
                for target in targets:
                    for name in find(target.target, cst.Name):
                        if name.value not in dependent:
                            dependent.add(name.value)
                            changed = True
        return dependent

    def _runs(self, block: cst.CSTNode, dependent: set[str], pipeline: _Pipeline) -> dict[str, list]:  # type: ignore[type-arg]
        consuming: list[tuple[cst.SimpleStatementLine, cst.Call]] = []
        initializers: list[tuple[cst.SimpleStatementLine, cst.Call, list[cst.BaseExpression], dict[str, cst.BaseExpression]]] = []
        handlers: list[cst.ExceptHandler] = []
        body = block if isinstance(block, cst.Module) else block.body  # type: ignore[attr-defined]
        for call in find(body, cst.Call):
            if not isinstance(call.func, cst.Attribute):
                continue
            method = call.func.attr.value
            receiver_names = {r.value for r in references_in(call.func.value)}
            if method == "eval" and receiver_names & dependent:
                raise NotHere(call, "a tensor computed from its elements is evaluated with `.eval()`")
            if method == "run" and receiver_names & dependent and not call.args:
                raise NotHere(call, "an op computed from its elements is run with `.run()`")
            if method != "run" or not call.args:
                continue
            fetch = call.args[0].value
            feed = None
            for index, argument in enumerate(call.args[1:], 1):
                keyword = argument.keyword.value if argument.keyword else ("fetches", "feed_dict")[min(index, 1)]
                if keyword != "feed_dict" or index > 1 and argument.keyword is None:
                    raise NotHere(call, "a `sess.run` with options")
                feed = argument.value
            initializer = [e for e in _fetch_items(fetch) if isinstance(e, cst.Attribute) and m_name(e.value, pipeline.iterator) and e.attr.value == "initializer"]
            statement = self._statement_of(call)
            if initializer:
                rest = [e for e in _fetch_items(fetch) if e not in initializer]
                if statement is None or not isinstance(statement.body[0], cst.Expr) or statement.body[0].value is not call:
                    raise NotHere(call, "the `initializer` run is part of a larger statement")
                for item in rest:
                    if not (isinstance(item, cst.Call) and self.qualified_name(item) in INITIALIZERS and not item.args) and not (isinstance(item, cst.Name) and self._bound_to_initializer(item)):
                        raise NotHere(item, "the `initializer` run fetches other values than the variable initializer")
                values: dict[str, cst.BaseExpression] = {}
                if feed is not None:
                    if not isinstance(feed, cst.Dict) or not all(isinstance(e, cst.DictElement) and isinstance(e.key, cst.Name) for e in feed.elements):
                        raise NotHere(call, "the `initializer` run's feed is not a literal dict")
                    values = {e.key.value: e.value for e in feed.elements}  # type: ignore[union-attr]
                initializers.append((statement, call, rest, values))
                continue
            if not ({r.value for r in references_in(fetch)} & dependent):
                if isinstance(fetch, cst.SimpleString) or any(isinstance(e, cst.SimpleString) for e in _fetch_items(fetch)):
                    raise NotHere(call, "a fetch by tensor name (which elements it reads is not followed)")
                continue
            if feed is not None:
                if not isinstance(feed, cst.Dict):
                    raise NotHere(call, "a run reading its elements has a feed that is not a literal dict")
                keys = {e.key.value for e in feed.elements if isinstance(e, cst.DictElement) and isinstance(e.key, cst.Name)}
                fed = keys & set(pipeline.outputs)
                if fed == set(pipeline.outputs):
                    if any(d is None for d in pipeline.dtypes):
                        raise NotHere(call, "its elements are fed values, and their dtype (to cast the values to) is not known")
                    continue  # the run takes no element
                if fed:
                    raise NotHere(call, "a run feeds some of its elements only (TF1 still took an element)")
            if statement is None or not isinstance(self.get_metadata(ParentNodeProvider, statement, None), cst.IndentedBlock | cst.Module):
                raise NotHere(call, "a run reading its elements is not a statement of its own")
            small = statement.body[0]
            if not (isinstance(small, (cst.Assign, cst.Expr)) and small.value is call) and not _printed(small, call):
                raise NotHere(call, "a run reading its elements is part of a larger expression")
            if self._enclosing_function(call) is not (block if isinstance(block, cst.FunctionDef) else None):
                raise NotHere(call, "a run reading its elements is in a nested function")
            consuming.append((statement, call))
            node: cst.CSTNode | None = statement
            while node is not None and node is not block:
                node = self.get_metadata(ParentNodeProvider, node, None)
                if isinstance(node, cst.Try):
                    for handler in node.handlers:
                        kind = self.qualified_name(handler.type) if handler.type is not None else None
                        if kind == OUT_OF_RANGE:
                            if handler not in handlers:
                                handlers.append(handler)
                        elif kind and kind.startswith("tf.errors."):
                            raise NotHere(handler, "a run reading its elements is in a `try` catching other TensorFlow errors")
        mentions = [n for n in find(body, cst.Attribute) if self.qualified_name(n) == OUT_OF_RANGE]
        if len(mentions) != len(handlers) or any(self._handler_of(n) not in handlers for n in mentions):
            raise NotHere(block, "`tf.errors.OutOfRangeError` is named where no run reads the elements")
        return {"consuming": consuming, "initializers": initializers, "handlers": handlers}

    def _handler_of(self, node: cst.CSTNode) -> cst.ExceptHandler | None:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        return parent if isinstance(parent, cst.ExceptHandler) and parent.type is node else None

    def _bound_to_initializer(self, name: cst.Name) -> bool:
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None or name.value not in scope.assignments:
            return False
        assignments = list(scope.assignments[name.value])
        if len(assignments) != 1:
            return False
        statement = self._statement_of(assignments[0].node)
        if statement is None or not isinstance(statement.body[0], cst.Assign):
            return False
        value = statement.body[0].value
        return isinstance(value, cst.Call) and self.qualified_name(value) in INITIALIZERS and not value.args

    def _enclosing_function(self, node: cst.CSTNode) -> cst.CSTNode | None:
        while node is not None:
            node = self.get_metadata(ParentNodeProvider, node, None)
            if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                return node
        return None

    def _statement_of(self, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
        while node is not None and not isinstance(node, cst.SimpleStatementLine):
            node = self.get_metadata(ParentNodeProvider, node, None)
        if node is None or len(node.body) != 1:
            return None
        return node

    # -- the proof -----------------------------------------------------------------------------------------

    def _converts(self, module: cst.Module) -> tuple[bool, list]:  # type: ignore[type-arg]
        wrapper = MetadataWrapper(cst.parse_module(module.code), unsafe_skip_copy=True)
        run = dataclasses.replace(self.run, findings=[], fixes_applied=0, used_suppressions=set())
        codemod = sessions.Sessions(CodemodContext(filename=self.context.filename, wrapper=wrapper), run)
        codemod.metadata = LazyMetadata(wrapper, codemod.get_inherited_dependencies())
        try:
            codemod.visit_Module(wrapper.module)
        finally:
            codemod.metadata = {}
        return any(f.code == sessions.CONVERT.code and f.fix is FixState.APPLIED for f in run.findings), run.findings


CODEMOD = SessionDatasets


def _assigns(statement: cst.SimpleStatementLine, name: str) -> bool:
    small = statement.body[0]
    return isinstance(small, cst.Assign) and len(small.targets) == 1 and m_name(small.targets[0].target, name)


def _printed(small: cst.BaseSmallStatement, call: cst.Call) -> bool:
    """`print(..., sess.run(x), ...)`: the other arguments call nothing (nothing runs before the run but them)."""
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call) or not m_name(small.value.func, "print"):
        return False
    others = [a for a in small.value.args if a.value is not call]
    return len(others) < len(small.value.args) and not any(find(a, cst.Call) for a in others)


def _fetch_items(fetch: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(fetch, (cst.List, cst.Tuple)):
        return [e.value for e in fetch.elements if isinstance(e, cst.Element)]
    return [fetch]


def _inside(codemod, node: cst.CSTNode, container: cst.CSTNode) -> bool:  # noqa: ANN001
    while node is not None:
        if node is container:
            return True
        node = codemod.get_metadata(ParentNodeProvider, node, None)
    return False


def _elements_fetched(call: cst.Call, outputs: list[str]) -> cst.Call:
    """An element fetched as it is (`sess.run([train, x])`): `tf.identity(x)`, its value (a placeholder
    itself is not fetched by the Session rewrite)."""

    class Wrap(cst.CSTTransformer):
        def leave_Element(self, original_node: cst.Element, updated_node: cst.Element) -> cst.Element:
            if isinstance(updated_node.value, cst.Name) and updated_node.value.value in outputs:
                return updated_node.with_changes(value=cst.parse_expression(f"tf.identity({updated_node.value.value})"))
            return updated_node

    fetch = call.args[0].value
    if isinstance(fetch, cst.Name) and fetch.value in outputs:
        new_fetch: cst.BaseExpression = cst.parse_expression(f"tf.identity({fetch.value})")
    elif isinstance(fetch, (cst.List, cst.Tuple)):
        new_fetch = cst.ensure_type(fetch.visit(Wrap()), cst.BaseExpression)
    else:
        return call
    return call.with_changes(args=[call.args[0].with_changes(value=new_fetch), *call.args[1:]])


def _with_feed(call: cst.Call, entries: str) -> cst.Call:
    """`sess.run(f)` -> `sess.run(f, {a: a_batch})`; an existing literal feed gets the entries first."""
    new = cst.parse_expression("{" + entries + "}")
    assert isinstance(new, cst.Dict)
    if len(call.args) == 1:
        first = call.args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return call.with_changes(args=[first, cst.Arg(new)])
    feed_arg = call.args[1]
    feed = feed_arg.value
    assert isinstance(feed, cst.Dict)
    elements = list(new.elements)
    elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[call.args[0], feed_arg.with_changes(value=feed.with_changes(elements=[*elements, *feed.elements]))])


class _Substitute(cst.CSTTransformer):
    """Placeholder names replaced by the values fed to them."""

    def __init__(self, values: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.values = values

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:  # type: ignore[override]
        return self.values.get(original_node.value, updated_node)


class _ReplaceNode(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: cst.CSTNode) -> None:
        super().__init__()
        self.old, self.new = old, new

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return self.new if original_node is self.old else updated_node


class _Edit(cst.CSTTransformer):
    """Statements replaced by lists of statements (or removed), handler types replaced."""

    def __init__(self, edits: dict[int, object]) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        edit = self.edits.get(id(original_node))
        if edit is None:
            return updated_node
        if isinstance(edit, list):
            if not edit:
                return cst.RemoveFromParent()
            return cst.FlattenSentinel(edit)
        return edit
