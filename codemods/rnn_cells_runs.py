"""The runs of `codemods/rnn_cells.py` (`RnnCells`' base `RunPlanning`): which calls run cells
(`dynamic_rnn`, `static_rnn`, the bidirectional ones), what each becomes (a Keras RNN layer call, or two for a
bidirectional run), and how its result (outputs, final states) is written back to the names the program used."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from .builders import with_commas
from .imports import tensorflow_name
from .rnn_cells_model import CELL_PARAMS, CELL_PREFIXES, Decline, FLOAT32, RUNS, UNSUPPORTED_CELLS, UNSUPPORTED_RUNS, _bind, _kw, _literal, _parse, _rate


class RunPlanning:
    """`RnnCells`' planning of the runs (its base; bodies as they were in rnn_cells.py)."""

    def _rnn_name(self, call: cst.Call) -> str | None:
        name = self.qualified_name(call)
        if name is None:
            return None
        if name in RUNS or name in UNSUPPORTED_RUNS:
            return name
        if name.startswith(CELL_PREFIXES):
            short = name.rsplit(".", 1)[-1]
            if short in CELL_PARAMS or short in UNSUPPORTED_CELLS or short == "DropoutWrapper":
                return name
        return None

    def _spell(self) -> str:
        if not self.tf:
            self.tf = tensorflow_name(self.context, self.tree)
        return self.tf

    def _plan(self, call: cst.Call, name: str) -> str:
        mode, params = RUNS[name]
        bound = _bind(call, params)
        time_major = _literal(bound.get("time_major"))
        if time_major not in (None, False, True):
            raise Decline(call, "`time_major` is not a literal: Keras RNN layers are batch-major")
        if time_major is True and mode != "dynamic":
            raise Decline(call, "`time_major=True` in a bidirectional run: transpose the inputs and outputs by hand")
        dtype = bound.get("dtype")
        if dtype is not None and self.qualified_name(dtype) not in FLOAT32 and _literal(dtype) not in ("float32", "float"):
            raise Decline(call, "a `dtype` other than float32")
        tf = self._spell()
        inputs = bound.get("inputs")
        if inputs is None:
            raise Decline(call, "no inputs")
        parent = self.get_metadata(ParentNodeProvider, call)
        statement, target = self._target(call, parent)
        lengths = bound.get("sequence_length")
        block = self.get_metadata(ParentNodeProvider, statement, None) if statement is not None else None
        unwrapped = block is not None and self.get_metadata(ParentNodeProvider, block, None) in self.unwrapped
        suffix = "; the `except Exception:` retry of the same call (for TensorFlow versions that returned only the outputs) goes" if unwrapped else ""
        if mode in ("bidirectional", "static_bidirectional"):
            return self._plan_bidirectional(call, bound, statement, target, lengths, static=mode == "static_bidirectional") + suffix
        keep_in, keep_out, cell_node = None, None, bound["cell"]
        wrapped = self._dropout_wrapper(cell_node, call)
        if wrapped is not None:
            cell_node, keep_in, keep_out = wrapped
        cell = self._cell(cell_node, call)
        initial = bound.get("initial_state")
        call_kwargs: list[cst.Arg] = []
        notes = list(cell.notes)
        if wrapped is not None:
            notes.append("`DropoutWrapper`'s per-step dropout of the cell's inputs / outputs is `tf.nn.dropout` on the whole input / output sequence (a new mask for every step and unit, as TF1 drew)")
        if initial is not None:
            self._zero_state(initial, bound["cell"], call)
            notes.append("the `zero_state` initial state is Keras' own")
        layer_inputs = inputs if mode == "dynamic" else _parse(f"{tf}.stack(INPUTS, axis=1)", INPUTS=inputs)
        if time_major is True:
            layer_inputs = _parse(f"{tf}.transpose(INPUTS, [1, 0, 2])", INPUTS=inputs)
            notes.append("`time_major=True`: the inputs and outputs transposed around the batch-major Keras layer")
        if keep_in is not None:
            layer_inputs = _parse(f"{tf}.nn.dropout(INPUTS, rate=RATE)", INPUTS=layer_inputs, RATE=_rate(keep_in))
        options: list[tuple[str, cst.BaseExpression]] = [("return_sequences", cst.Name("True"))]
        if lengths is not None:
            if not isinstance(inputs, (cst.Name, cst.Attribute)):
                raise Decline(call, "`sequence_length` with inputs that are not a plain name (the mask needs their length)")
            maxlen = _parse(f"{tf}.shape(INPUTS)[{0 if time_major is True else 1}]", INPUTS=inputs) if mode == "dynamic" else _parse("len(INPUTS)", INPUTS=inputs)
            call_kwargs.append(_kw("mask", _parse(f"{tf}.sequence_mask(LENGTHS, maxlen=MAXLEN)", LENGTHS=lengths, MAXLEN=maxlen)))
            options.append(("zero_output_for_mask", cst.Name("True")))
            notes.append("`sequence_length` is a mask: zero outputs past each length, the state of the last valid step")
        state_targets = self._state_targets(call, target, cell.kind)
        if state_targets:
            options.append(("return_state", cst.Name("True")))
        layer = self._layer(cell, options)
        value: cst.BaseExpression = cst.Call(func=layer, args=with_commas([cst.Arg(layer_inputs), *call_kwargs]))
        steps: list[str] = []  # what becomes of Keras' output sequence: TF1's dropout, static_rnn's list
        if keep_out is not None:
            steps.append(f"{tf}.nn.dropout(OUTPUTS, rate=RATE)")
        if time_major is True:
            steps.append(f"{tf}.transpose(OUTPUTS, [1, 0, 2])")
        if mode == "static":
            steps.append(f"{tf}.unstack(OUTPUTS, axis=1)")
            notes.append("`static_rnn`'s list of steps stacked on axis 1 and unstacked again")
        rate = _rate(keep_out) if keep_out is not None else None

        def wrap(outputs: cst.BaseExpression) -> cst.BaseExpression:
            for step in steps:
                outputs = _parse(step, OUTPUTS=outputs, **({"RATE": rate} if rate is not None else {}))
            return outputs

        if not state_targets:
            value = wrap(value)
        self._write(statement, target, value, state_targets, parent, call, wrap=wrap if steps else None)
        kind = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}.get(cell.kind, "RNN")
        run_name = name.rsplit(".", 1)[-1]
        return f"`{run_name}` of a TF1 cell -> Keras `{kind}` layer (created once by TFM234)" + "".join(f"; {note}" for note in dict.fromkeys(notes)) + suffix

    def _plan_bidirectional(self, call: cst.Call, bound: dict[str, cst.BaseExpression], statement, target, lengths, static: bool = False) -> str:  # type: ignore[no-untyped-def]
        tf = self._spell()
        run = "static_bidirectional_rnn" if static else "bidirectional_dynamic_rnn"
        for key in ("initial_state_fw", "initial_state_bw"):
            if key in bound:
                self._zero_state(bound[key], bound["cell_fw" if key.endswith("fw") else "cell_bw"], call)
        inputs = bound["inputs"]
        layer_inputs = _parse(f"{tf}.stack(INPUTS, axis=1)", INPUTS=inputs) if static else inputs
        forward = self._cell(bound["cell_fw"], call)
        backward = self._cell(bound["cell_bw"], call)
        call_kwargs: list[cst.Arg] = []
        options: list[tuple[str, cst.BaseExpression]] = [("return_sequences", cst.Name("True"))]
        notes = list(dict.fromkeys(forward.notes + backward.notes))
        if lengths is not None:
            if not isinstance(inputs, (cst.Name, cst.Attribute)):
                raise Decline(call, "`sequence_length` with inputs that are not a plain name (the mask needs their length)")
            maxlen = _parse("len(INPUTS)", INPUTS=inputs) if static else _parse(f"{tf}.shape(INPUTS)[1]", INPUTS=inputs)
            call_kwargs.append(_kw("mask", _parse(f"{tf}.sequence_mask(LENGTHS, maxlen=MAXLEN)", LENGTHS=lengths, MAXLEN=maxlen)))
            options.append(("zero_output_for_mask", cst.Name("True")))
            notes.append("`sequence_length` is a mask (the backward pass starts at each sequence's last valid step, as in TF1)")
        if target is None or not isinstance(target, cst.Tuple) or len(target.elements) != (3 if static else 2):
            raise Decline(call, f"the result of `{run}` is not unpacked into `outputs, {'state_fw, state_bw' if static else 'states'}`")
        outputs_target = target.elements[0].value if target is not None else None
        if target is not None and not all(self._unused(element.value) for element in target.elements[1:]):
            raise Decline(call, f"the final states of `{run}` are read: not converted (only the outputs are)")
        forward_layer = self._layer(forward, options)
        backward_layer = self._layer(backward, [*options, ("go_backwards", cst.Name("True"))])
        forward_value = cst.Call(func=forward_layer, args=with_commas([cst.Arg(layer_inputs), *call_kwargs]))
        backward_value = cst.Call(func=backward_layer, args=with_commas([cst.Arg(layer_inputs), *call_kwargs]))
        backward_value = _parse(f"{tf}.reverse(BACKWARD, [1])", BACKWARD=backward_value)
        if static:
            value = _parse(f"{tf}.unstack({tf}.concat([FORWARD, BACKWARD], 2), axis=1)", FORWARD=forward_value, BACKWARD=backward_value)
            notes.append("the list of steps is the forward and backward outputs concatenated per step, as TF1 returned them")
            self._write(statement, target, value, [], None, call, outputs_target)
        elif isinstance(outputs_target, cst.Tuple) and len(outputs_target.elements) == 2 and statement is not None:
            # `(out_fw, out_bw) = ...` as two bindings (the Session rewrite follows single names)
            lines = [
                statement.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(element.value)], value=part)])
                for element, part in zip(outputs_target.elements, (forward_value, backward_value))
                if not self._unused(element.value)
            ]
            if not lines:
                raise Decline(call, "the outputs of `bidirectional_dynamic_rnn` are not read")
            self.statements[statement] = [lines[0], *(line.with_changes(leading_lines=[]) for line in lines[1:])]
        else:
            value = cst.Tuple([cst.Element(forward_value), cst.Element(backward_value)])
            self._write(statement, target, value, [], None, call, outputs_target)
        notes.append("the backward outputs reversed back to input order, as TF1 returned them")
        return f"`{run}` of TF1 cells -> a forward and a backward (`go_backwards=True`) Keras RNN layer (created once by TFM234)" + "".join(f"; {n}" for n in notes)

    # -- the call's result -------------------------------------------------------------------------
    def _target(self, call: cst.Call, parent: cst.CSTNode):  # type: ignore[no-untyped-def]
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            statement = self.get_metadata(ParentNodeProvider, parent)
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                return statement, parent.targets[0].target
        if isinstance(parent, cst.Subscript) and parent.value is call and len(parent.slice) == 1:
            index = parent.slice[0].slice
            if isinstance(index, cst.Index) and _literal(index.value) == 0:
                return None, None
        raise Decline(call, "the result is used in a way the rule does not follow (write `outputs, state = ...`)")

    def _state_targets(self, call: cst.Call, target: cst.BaseExpression | None, kind: str) -> list[cst.BaseExpression]:
        """The names Keras' returned states go to (none when the state is not read)."""
        if target is None:
            return []
        if not isinstance(target, cst.Tuple) or len(target.elements) != 2 or any(e.value.__class__ is cst.StarredElement for e in target.elements):
            raise Decline(call, "the result is not unpacked into `outputs, state`")
        state = target.elements[1].value
        if self._unused(state):
            return []
        if kind in ("gru", "rnn") and isinstance(state, cst.Name):
            return [state]
        if kind == "lstm" and isinstance(state, cst.Tuple) and len(state.elements) == 2:
            c, h = (element.value for element in state.elements)
            return [h, c]  # Keras returns [h, c]; TF1's LSTMStateTuple is (c, h)
        if kind == "lstm" and isinstance(state, cst.Name):
            parts = self._state_parts(state)
            if parts is not None:
                return parts
        raise Decline(call, "the final state is read whole (TF1's `LSTMStateTuple(c, h)` / `MultiRNNCell` tuple): unpack it, `outputs, (c, h) = ...`, or rewrite by hand")

    def _state_parts(self, state: cst.Name) -> list[cst.BaseExpression] | None:
        """An LSTM state read only as `state.c` / `state.h` / `state[0]` / `state[1]`: two names, `state_h` and `state_c`."""
        uses: list[tuple[cst.CSTNode, str]] = []
        for reference in self._references(state):
            parent = self.get_metadata(ParentNodeProvider, reference, None)
            if isinstance(parent, cst.Attribute) and parent.value is reference and parent.attr.value in ("c", "h"):
                uses.append((parent, parent.attr.value))
                continue
            if isinstance(parent, cst.Subscript) and parent.value is reference and len(parent.slice) == 1 and isinstance(parent.slice[0].slice, cst.Index):
                index = parent.slice[0].slice.value
                number = -int(index.expression.value) if isinstance(index, cst.UnaryOperation) and isinstance(index.operator, cst.Minus) and isinstance(index.expression, cst.Integer) else _literal(index)
                if number in (0, -2, 1, -1) and number is not True and number is not False:
                    uses.append((parent, "c" if number in (0, -2) else "h"))
                    continue
            return None
        names = {}
        for part in ("h", "c"):
            name = f"{state.value}_{part}"
            while name in self.taken:
                name += "_"
            self.taken.add(name)
            names[part] = name
        for node, part in uses:
            self.replacements[node] = cst.Name(names[part])
        return [cst.Name(names["h"]), cst.Name(names["c"])]  # Keras returns [h, c]

    def _unused(self, target: cst.BaseExpression) -> bool:
        if isinstance(target, cst.Tuple):
            return all(self._unused(element.value) for element in target.elements)
        if not isinstance(target, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None:
            return False
        return all(not assignment.references for assignment in scope.assignments[target.value])

    def _write(self, statement, target, value, state_targets, parent, call, outputs_target=None, wrap=None) -> None:  # type: ignore[no-untyped-def]
        if statement is None:  # `dynamic_rnn(...)[0]`
            self.replacements[parent] = value
            return
        if outputs_target is None:
            outputs_target = target.elements[0].value if isinstance(target, cst.Tuple) else target
        assign = statement.body[0]
        if not state_targets:
            self.replacements[assign] = assign.with_changes(targets=[cst.AssignTarget(target=outputs_target)], value=value)
            return
        # `outputs, state = layer(x)` as one name and subscripts: the Session rewrite follows single-name bindings
        outputs_read = not self._unused(outputs_target)
        base = outputs_target.value if isinstance(outputs_target, cst.Name) and outputs_read else "rnn"
        results = f"{base}_and_state"
        while results in self.taken:
            results += "_"
        self.taken.add(results)
        first = statement.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(results))], value=value)])
        lines = [first]
        for index, name in enumerate([outputs_target, *state_targets]):
            if index == 0 and not outputs_read:
                continue
            part = cst.parse_expression(f"{results}[{index}]")
            if index == 0 and wrap is not None:
                part = wrap(part)
            lines.append(cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(name)], value=part)]))
        self.statements[statement] = lines
