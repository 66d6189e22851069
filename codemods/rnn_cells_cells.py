"""The cells of `codemods/rnn_cells.py` (`RnnCells`' base `CellBuilding`): a TF1 cell expression (written in
the call, bound to a name, made by a helper, stacked, wrapped in dropout) read into a `Cell` and the Keras layer
it becomes, or a `Decline` saying why not."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from .builders import with_commas
from .rnn_cells_model import CELL_PARAMS, Cell, DROPOUT_IN_STACK, DROPOUT_PARAMS, Decline, ELEMENTWISE_INITIALIZERS, FLOAT32, UNSUPPORTED_CELLS, _bind, _kw, _literal, _returns


class CellBuilding:
    """`RnnCells`' reading of cells (its base; bodies as they were in rnn_cells.py)."""

    def _cell(self, node: cst.BaseExpression, run: cst.Call) -> Cell:
        if isinstance(node, cst.Name):
            binding = self._only_assignment(node)
            if binding is None:
                raise Decline(run, f"the cell `{node.value}` is not bound once to a cell")
            name_node, statement, value = binding
            references = self._references(name_node)
            sizes: list[cst.Attribute] = []  # `cell.state_size` reads
            for reference in references:
                if reference is node or self._is_zero_state_of(reference, run):
                    continue
                parent = self.get_metadata(ParentNodeProvider, reference, None)
                if isinstance(parent, cst.Attribute) and parent.value is reference and parent.attr.value == "state_size":
                    sizes.append(parent)
                    continue
                if isinstance(parent, cst.Attribute) and parent.value is reference and parent.attr.value == "zero_state":
                    raise Decline(run, f"the zero state of `{node.value}` is used for more than this run's `initial_state` (fed a state carried over"
                                       " from an earlier run, or read): pass the state to the Keras layer as `initial_state=[h, c]` by hand")
                raise Decline(run, f"the cell `{node.value}` is used for more than this run (called directly, `{node.value}.output_size`, ...)")
            self.removed.add(statement)
            cell = self._cell(value, run)
            for size in sizes:
                cell.notes.append(self._state_size(size, cell, run))
            return cell
        if not isinstance(node, cst.Call):
            raise Decline(run, "the cell is not a cell constructor")
        name = self._rnn_name(node)
        if name is None:
            return self._helper_cell(node, run)
        short = name.rsplit(".", 1)[-1]
        if short == "DropoutWrapper":
            raise Decline(node, DROPOUT_IN_STACK)
        if short in UNSUPPORTED_CELLS:
            raise Decline(node, UNSUPPORTED_CELLS[short])
        self.consumed.add(node)
        params, keras, kind = CELL_PARAMS[short]
        bound = _bind(node, params)
        if kind == "stack":
            return self._stack(node, bound, run)
        return self._keras_cell(node, short, bound, keras, kind)

    def _dropout_wrapper(self, node: cst.BaseExpression, run: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression | None, cst.BaseExpression | None] | None:
        """A `DropoutWrapper(cell, input_keep_prob, output_keep_prob)` around the run's one cell: (cell, input keep, output keep)."""
        value, binding = node, None
        if isinstance(node, cst.Name):
            binding = self._only_assignment(node)
            if binding is None:
                return None
            value = binding[2]
        if not isinstance(value, cst.Call) or not (self._rnn_name(value) or "").endswith(".DropoutWrapper"):
            return None
        if binding is not None:
            for reference in self._references(binding[0]):
                if reference is not node and not self._is_zero_state_of(reference, run):
                    raise Decline(run, f"the cell `{binding[0].value}` is used for more than this run (`.state_size`, called directly, ...)")
            self.removed.add(binding[1])
        self.consumed.add(value)
        bound = _bind(value, DROPOUT_PARAMS)
        for key, default in (("state_keep_prob", 1.0), ("variational_recurrent", False), ("dropout_state_filter_visitor", None)):
            if key in bound and (_literal(bound[key]) != default or _literal(bound[key]) is True):
                raise Decline(value, f"`DropoutWrapper({key}=...)`: dropout of the recurrent state (or one mask per sequence) has no exact Keras counterpart")
        if "cell" not in bound:
            raise Decline(value, "`DropoutWrapper` without a cell")
        keeps = [bound.get(key) for key in ("input_keep_prob", "output_keep_prob")]
        keeps = [None if keep is None or _literal(keep) in (1, 1.0) else keep for keep in keeps]
        return bound["cell"], keeps[0], keeps[1]

    def _keras_cell(self, node: cst.Call, short: str, bound: dict[str, cst.BaseExpression], keras: str, kind: str) -> Cell:
        tf = self._spell()
        notes: list[str] = []
        for key, default in (("use_peepholes", False), ("cell_clip", None), ("num_proj", None), ("proj_clip", None), ("num_unit_shards", None),
                             ("num_proj_shards", None), ("state_is_tuple", True), ("reuse", None)):  # fmt: skip
            if key in bound and _literal(bound[key]) not in (default, *((False,) if key == "reuse" else ())):
                raise Decline(node, f"`{short}({key}=...)` has no exact Keras counterpart")
        dtype = bound.get("dtype")
        if dtype is not None and _literal(dtype) is not None and self.qualified_name(dtype) not in FLOAT32:
            raise Decline(node, f"`{short}(dtype=...)` other than float32")
        if "num_units" not in bound:
            raise Decline(node, f"`{short}` without `num_units`")
        args = [cst.Arg(bound["num_units"])]
        if "activation" in bound and _literal(bound["activation"]) is not None:  # TF1's None is tanh, Keras' default
            args.append(_kw("activation", bound["activation"]))
        if kind == "lstm":
            forget = _literal(bound["forget_bias"]) if "forget_bias" in bound else 1.0
            if forget in (1, 1.0) and forget is not True:
                notes.append("`forget_bias=1.0` is Keras' `unit_forget_bias=True` (same training from scratch)")
            elif forget in (0, 0.0) and forget is not False:
                args.append(_kw("unit_forget_bias", cst.Name("False")))
            else:
                raise Decline(node, f"`{short}(forget_bias=...)` other than 0 or 1: Keras can only start the forget-gate bias at 1 (`unit_forget_bias`)")
            if "initializer" in bound:
                initializer = self._elementwise(bound["initializer"], node, short)
                args += [_kw("kernel_initializer", initializer), _kw("recurrent_initializer", initializer)]
            else:
                notes.append("random initial weights drawn by Keras' defaults")
        elif kind == "gru":
            args.append(_kw("reset_after", cst.Name("False")))
            if "kernel_initializer" in bound:
                initializer = self._elementwise(bound["kernel_initializer"], node, short)
                args += [_kw("kernel_initializer", initializer), _kw("recurrent_initializer", initializer)]
            else:
                notes.append("random initial weights drawn by Keras' defaults")
            if "bias_initializer" in bound:
                args.append(_kw("bias_initializer", self._elementwise(bound["bias_initializer"], node, short)))
            else:
                args.append(_kw("bias_initializer", cst.parse_expression(
                    f"lambda shape, dtype=None: {tf}.concat([{tf}.ones([shape[0] // 3 * 2], dtype), {tf}.zeros([shape[0] // 3], dtype)], 0)")))
                notes.append("`GRUCell` is Keras' `reset_after=False` form with TF1's gate bias start (1.0 on the update and reset gates)")
        else:
            notes.append("random initial weights drawn by Keras' defaults")
        expression = cst.Call(func=cst.parse_expression(f"{tf}.keras.layers.{keras}"), args=with_commas(args))
        self.replacements[node] = expression
        return Cell(expression, kind, keras, notes, bound["num_units"])

    def _state_size(self, size: cst.Attribute, cell: Cell, run: cst.Call) -> str:
        """`cell.state_size` -> the sizes TF1's cell had: `num_units` (GRU, basic RNN); for an LSTM, TF1's
        `LSTMStateTuple(c=num_units, h=num_units)`, written `(num_units, num_units)` only where it is never read."""
        units = cell.units
        if units is None or cell.kind not in ("lstm", "gru", "rnn"):
            raise Decline(run, "`cell.state_size` of a cell that is not one LSTM / GRU / basic RNN cell")
        if not self._same_value_at(units, size):
            raise Decline(run, "`cell.state_size` where the cell's `num_units` may have another value (not a number or a name bound once in the same scope)")
        if cell.kind != "lstm":
            self.replacements[size] = units.deep_clone()
            return "`cell.state_size` is `num_units`, as in TF1"
        if not self._never_read(size):
            raise Decline(run, "an LSTM's `cell.state_size` is read (TF1's `LSTMStateTuple(c, h)` of sizes; Keras' LSTM has `[h, c]`): write the sizes by hand")
        self.replacements[size] = cst.Tuple([cst.Element(units.deep_clone()), cst.Element(units.deep_clone())])
        return "the LSTM's `cell.state_size`, never read, is the tuple `(num_units, num_units)` (TF1's `LSTMStateTuple(c, h)` of sizes)"

    def _same_value_at(self, units: cst.BaseExpression, where: cst.CSTNode) -> bool:
        """`units` (the cell's `num_units`) has the same value where `where` is: a number, or a name bound once in that scope."""
        if isinstance(units, cst.Integer):
            return True
        if not isinstance(units, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, units, None)
        return scope is not None and scope is self.get_metadata(ScopeProvider, where, None) and len(scope.assignments[units.value]) == 1

    def _never_read(self, node: cst.CSTNode) -> bool:
        """The value of `node` is bound to a name never read: `size = node`, or `return ..., node` of a module-level
        function whose every call is unpacked `..., size = f(...)` with that name never read."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and parent.value is node:
            return self._unused(parent.targets[0].target)
        if not isinstance(parent, cst.Element):
            return False
        pair = self.get_metadata(ParentNodeProvider, parent, None)
        returned = self.get_metadata(ParentNodeProvider, pair, None) if isinstance(pair, cst.Tuple) else None
        if not isinstance(returned, cst.Return) or returned.value is not pair:
            return False
        index = next(i for i, element in enumerate(pair.elements) if element is parent)
        function = next((s for s in self.tree.body if isinstance(s, cst.FunctionDef) and returned in _returns(s)), None)
        if function is None:
            return False
        scope = self.get_metadata(ScopeProvider, function, None)
        if scope is None or len(scope.assignments[function.name.value]) != 1:
            return False
        references = [reference.node for assignment in scope.assignments[function.name.value] for reference in assignment.references]
        for reference in references:
            call = self.get_metadata(ParentNodeProvider, reference, None)
            assign = self.get_metadata(ParentNodeProvider, call, None) if isinstance(call, cst.Call) and call.func is reference else None
            if not (isinstance(assign, cst.Assign) and assign.value is call and len(assign.targets) == 1):
                return False
            target = assign.targets[0].target
            if not (isinstance(target, cst.Tuple) and len(target.elements) == len(pair.elements) and self._unused(target.elements[index].value)):
                return False
        return bool(references)

    def _elementwise(self, initializer: cst.BaseExpression, node: cst.Call, short: str) -> cst.BaseExpression:
        if isinstance(initializer, cst.Call) and self.qualified_name(initializer) in ELEMENTWISE_INITIALIZERS:
            if not any(arg.keyword is not None and arg.keyword.value == "seed" for arg in initializer.args):
                return initializer
        raise Decline(node, f"`{short}`'s initializer is not an unseeded elementwise one (constant, uniform, normal): TF1 drew it over one joint kernel, Keras over two")

    def _stack(self, node: cst.Call, bound: dict[str, cst.BaseExpression], run: cst.Call) -> Cell:
        if _literal(bound.get("state_is_tuple")) not in (None, True):
            raise Decline(node, "`MultiRNNCell(state_is_tuple=False)` has no Keras counterpart")
        cells = bound.get("cells")
        notes: list[str] = []
        if isinstance(cells, cst.List):
            for element in cells.elements:
                if isinstance(element, cst.StarredElement):
                    raise Decline(node, "`MultiRNNCell` of a starred list")
                notes += self._cell_in_place(element.value, run).notes
        elif isinstance(cells, cst.ListComp):
            notes += self._cell_in_place(cells.elt, run).notes
        elif isinstance(cells, cst.BinaryOperation) and isinstance(cells.operator, cst.Multiply):
            raise Decline(node, "`MultiRNNCell([cell] * n)` puts one cell object on every layer: write `[make_cell() for _ in range(n)]`")
        else:
            raise Decline(node, "`MultiRNNCell` of cells the rule cannot see (not a list literal or comprehension)")
        tf = self._spell()
        expression = cst.Call(func=cst.parse_expression(f"{tf}.keras.layers.StackedRNNCells"), args=[cst.Arg(self._rebuilt(cells))])
        self.replacements[node] = expression
        return Cell(expression, "stack", None, notes)

    def _cell_in_place(self, node: cst.BaseExpression, run: cst.Call) -> Cell:
        """A cell inside a `MultiRNNCell` list: translated where it is."""
        if isinstance(node, cst.Call) and self._rnn_name(node) is not None:
            return self._cell(node, run)
        if isinstance(node, cst.Call):
            return self._helper_cell(node, run)
        raise Decline(run, "a `MultiRNNCell` element that is not a cell constructor or a helper call")

    def _helper_cell(self, node: cst.Call, run: cst.Call) -> Cell:
        """`make_cell()`: a module-level function whose every return is a cell, called only where cells go."""
        if not isinstance(node.func, cst.Name):
            raise Decline(run, "the cell is not a cell constructor")
        name = node.func.value
        function = next((s for s in self.tree.body if isinstance(s, cst.FunctionDef) and s.name.value == name), None)
        if function is None:
            raise Decline(run, f"the cell comes from `{name}(...)`, not a module-level function")
        if name not in self.helpers:
            self.helpers[name] = function
            returns = [r for r in _returns(function)]
            if not returns:
                raise Decline(run, f"`{name}` returns no cell")
            notes: list[str] = []
            for statement in returns:
                value = statement.value
                if value is None:
                    raise Decline(run, f"`{name}` returns no cell")
                if isinstance(value, cst.Name):
                    binding = self._only_assignment(value)
                    if binding is None:
                        raise Decline(run, f"`{name}` returns `{value.value}`, not bound once to a cell")
                    name_node, _statement, bound_value = binding
                    if any(reference is not value for reference in self._references(name_node)):
                        raise Decline(run, f"`{name}` uses its cell `{value.value}` for more than returning it")
                    value = bound_value
                if not isinstance(value, cst.Call) or self._rnn_name(value) is None:
                    raise Decline(run, f"`{name}` returns something other than a cell constructor")
                notes += self._cell(value, run).notes
            self.helper_notes[name] = notes
        return Cell(node, "helper", None, list(self.helper_notes.get(name, [])))

    def _layer(self, cell: Cell, options: list[tuple[str, cst.BaseExpression]]) -> cst.Call:
        tf = self._spell()
        keras_layer = {"LSTMCell": "LSTM", "GRUCell": "GRU", "SimpleRNNCell": "SimpleRNN"}.get(cell.keras or "")
        if keras_layer and isinstance(cell.expression, cst.Call):
            args = list(cell.expression.args) + [_kw(key, value) for key, value in options]
            return cst.Call(func=cst.parse_expression(f"{tf}.keras.layers.{keras_layer}"), args=with_commas(args))
        return cst.Call(func=cst.parse_expression(f"{tf}.keras.layers.RNN"), args=with_commas([cst.Arg(self._rebuilt(cell.expression)), *(_kw(k, v) for k, v in options)]))

    def _rebuilt(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """`node` with the replacements planned inside it applied (the layer expression is built from originals)."""
        replacements = self.replacements

        class Apply(cst.CSTTransformer):
            def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
                return replacements.get(original_node, updated_node)

        if node in replacements:
            return replacements[node]
        return node.visit(Apply())
