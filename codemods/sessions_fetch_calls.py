"""Where a `sess.run` fetch is turned into a call: the Session rewrite's run expressions (codemods/sessions.py, TFM201).

What it matches
    A run the analysis accepted (codemods/sessions_runs.py): its fetch, with tensors named by string replaced
    by their Python names, and the values of its feed.

What it writes
    The expression that returns what TF1's run returned, in the same structure (`_run_expression`): a tensor
    becomes a call of its function with the fed values as arguments (`compute_cost(tf.cast(bx, tf.float32))`:
    `_value_of`, `_call`, keywords where the feed computes its values in another order than the parameters),
    each value cast to its placeholder's dtype as feeding did (`_cast`; a bool fed to a bool placeholder stays
    a Python bool, a placeholder's default is passed where the feed does not give it), then `.numpy()`; a
    variable is `v.numpy()`; an expression over the graph is evaluated eagerly with its names replaced
    (`_fetch_value`); the train op calls its train step (`train_step(...)`, parameters from `_step_params`)
    and its value is `None`, values fetched with it come from the step, in the fetch's order (`[None,
    train_step(...).numpy()]`, `*(value.numpy() for value in train_step(...))`). The codemod puts the
    expression where the run was (codemods/sessions_writer.py plans it).

Why: `sess.run` does not exist in eager code, and the program around it must see the same values in the same
shapes. `FetchCalls` is a part of the `Sessions` codemod: its methods run with `self` the codemod.
"""

from __future__ import annotations

import libcst as cst

from . import session_contexts, session_fetches, session_optimizers, session_summaries
from .builders import source_of
from .names import references_in as _names_in
from .sessions_model import Program, TrainOp, _calls_in, _commas, _keyword, _step_key


class FetchCalls:
    """The calls that stand for a run's fetches (a part of `Sessions`)."""

    def _cast(self, program: Program, placeholder: str, value: cst.BaseExpression) -> cst.BaseExpression:
        dtype = program.placeholders[placeholder]
        if isinstance(dtype, cst.Name) and dtype.value == "None":
            return value  # an element of a dataset iterated in Python (TFM265): a tensor of the element's own dtype
        if isinstance(value, cst.Name) and value.value in ("True", "False") and (self.qualified_name(dtype) == "tf.bool" or placeholder in program.defaults and source_of(dtype).endswith(".bool")):
            return value  # a training flag stays a Python bool (layers that branch on it need one; tf.function traces each value)
        qualified = self.qualified_name(dtype) if isinstance(dtype, (cst.Name, cst.Attribute)) else None
        if qualified and qualified.startswith("tf.") and qualified.count(".") == 1:
            dtype = cst.parse_expression(f"{self.tf}.{qualified[3:]}")
        return cst.Call(func=cst.parse_expression(f"{self.tf}.cast"), args=_commas([cst.Arg(value), cst.Arg(dtype)]))

    def _call(self, program: Program, function: str, params: list[str], values: dict[str, cst.BaseExpression]) -> cst.Call:
        fed = [p for p in values if p in params]  # in the feed's order: the order its values were computed in
        if fed != [p for p in params if p in values] and sum(bool(_calls_in(values[p])) for p in fed) > 1:
            # `{X: next_x(), z: sample_z()}` where the function takes (z, X): keywords keep the feed's order of calls
            rest = [p for p in params if p not in values]
            return cst.Call(func=cst.Name(function), args=_commas([_keyword(p, self._cast(program, p, values.get(p, program.defaults.get(p)))) for p in fed + rest]))  # type: ignore[arg-type]
        return cst.Call(func=cst.Name(function), args=_commas([cst.Arg(self._cast(program, p, values.get(p, program.defaults.get(p)))) for p in params]))  # type: ignore[arg-type]

    def _numpy(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        return cst.Call(func=cst.Attribute(value=expression, attr=cst.Name("numpy")))

    def _fetch_value(self, program: Program, fetch: cst.BaseExpression, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        if isinstance(fetch, cst.Name):
            value = self._value_of(program, fetch.value, values)
            return session_summaries.numpy_of(self, program, [fetch.value], value) or session_contexts.listed_values(program, fetch.value, value) or self._numpy(value)
        fetch = session_fetches.method_form(self, program.variables - program.containers, fetch)  # `tf.assign(v, e)` -> `v.assign(e)`
        replacements = {id(n): self._value_of(program, n.value, values) for n in _names_in(fetch) if n.value in program.graph_names() and id(n) not in program.renames}
        renames = program.renames

        class Inline(cst.CSTTransformer):
            def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
                if id(original_node) in renames:
                    return updated_node.with_changes(value=renames[id(original_node)])
                return replacements.get(id(original_node), updated_node)

        inlined = fetch.visit(Inline())
        assert isinstance(inlined, cst.BaseExpression)
        if not isinstance(inlined, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
            inlined = inlined.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return self._numpy(inlined)

    def _value_of(self, program: Program, name: str, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        """The eager value standing for graph name `name` under the feed `values`."""
        if name in program.placeholders:
            return self._cast(program, name, values[name])
        if name in program.tensors and program.tensors[name].dynamic:
            tensor = program.tensors[name]
            return self._call(program, tensor.function, tensor.params, values)
        return cst.Name(name)

    def _run_expression(self, program: Program, fetch: cst.BaseExpression, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        fetch = self._normalized(program, fetch)
        if isinstance(fetch, cst.Name):
            if fetch.value in program.train_ops:
                train = program.train_ops[fetch.value]
                return self._call(program, train.steps[()], self._step_params(program, train, ()), values)
            return self._fetch_value(program, fetch, values)
        if not isinstance(fetch, (cst.List, cst.Tuple)):
            return self._fetch_value(program, fetch, values)
        names = [e.value.value if isinstance(e.value, cst.Name) else "" for e in fetch.elements]  # type: ignore[attr-defined]
        trains = [n for n in names if n in program.train_ops]
        if names == trains:  # `sess.run([train_op], feed)` / `sess.run([g_train, d_train])` as a statement (checked): the step alone
            train = program.train_ops[trains[0]]
            key = _step_key(train, tuple(trains[1:]))
            return self._call(program, train.steps[key], self._step_params(program, train, key), values)
        elements: list[cst.BaseElement] = []
        if trains:
            train = program.train_ops[trains[0]]
            key = _step_key(train, tuple(n for n in names if n != trains[0]))
            step = self._call(program, train.steps[key], self._step_params(program, train, key), values)
            if len(trains) > 1:  # (session_optimizers) the step returns the values; each train op's value is None
                return session_optimizers.several_train_ops_value(fetch, names, trains, step)
            extras = tuple(n for n in names if n != trains[0])
            nested = session_summaries.numpy_of(self, program, list(extras), step)  # a summary op's value is a tuple
            if len(extras) == 1:
                results: list[cst.BaseExpression] = [nested or self._numpy(step)]
                starred = False
            else:
                results, starred = [], True
            for name in names:
                if name == trains[0]:
                    elements.append(cst.Element(cst.Name("None")))
                elif not starred:
                    elements.append(cst.Element(results.pop(0)))
            if starred and extras:
                generator = cst.parse_expression("(value.numpy() for value in _)")
                assert isinstance(generator, cst.GeneratorExp)
                generator = nested or generator.with_changes(for_in=generator.for_in.with_changes(iter=step))
                if names[-1] == trains[0]:  # `[cost, pred, train_op]`: the values, then the train op's None
                    elements.insert(0, cst.StarredElement(generator))
                else:
                    elements.append(cst.StarredElement(generator))
        else:
            elements = [cst.Element(self._fetch_value(program, e.value, values)) for e in fetch.elements]  # type: ignore[attr-defined]
        elements = [e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in elements[:-1]] + elements[-1:]
        if isinstance(fetch, cst.Tuple):
            if len(elements) == 1:
                elements = [elements[0].with_changes(comma=cst.Comma())]
            return cst.Tuple(elements=elements)
        return cst.List(elements=elements)

    def _step_params(self, program: Program, train: TrainOp, extras: tuple[str, ...]) -> list[str]:
        needed = set(program.tensors[train.loss].params)
        for extra in extras:
            if extra in program.tensors:  # a variable fetched with the train op needs no feed
                needed.update(program.tensors[extra].params)
            elif extra in program.train_ops:  # another train op of the same run (session_optimizers)
                needed.update(program.tensors[program.train_ops[extra].loss].params)
        return [p for p in program.placeholders if p in needed]
