"""Initial states and names for `codemods/rnn_cells.py` (`RnnCells`' base `StatesAndNames`): a `zero_state`
initial state (dropped: Keras starts from zeros), and the one assignment / the references of a name."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from .rnn_cells_model import Decline


class StatesAndNames:
    """`RnnCells`' initial states and name lookups (its base; bodies as they were in rnn_cells.py)."""

    def _zero_state(self, initial: cst.BaseExpression, cell: cst.BaseExpression, run: cst.Call) -> None:
        if isinstance(initial, cst.Name) and initial.value == "None":
            return
        if self._is_zero_state_call(initial, cell):
            return
        if isinstance(initial, cst.Name):
            binding = self._only_assignment(initial)
            if binding is not None and self._is_zero_state_call(binding[2], cell):
                if all(reference is initial for reference in self._references(binding[0])):
                    self.removed.add(binding[1])
                    return
        raise Decline(run, "an initial state other than `cell.zero_state(...)`: pass it to the Keras layer as `initial_state=[h, c]` by hand")

    def _is_zero_state_call(self, node: cst.BaseExpression, cell: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "zero_state"
            and isinstance(cell, cst.Name)
            and isinstance(node.func.value, cst.Name)
            and node.func.value.value == cell.value
        )

    def _is_zero_state_of(self, reference: cst.CSTNode, run: cst.Call) -> bool:
        """`cell.zero_state(...)` whose value is this run's initial state (directly or through a name used only there)."""
        attribute = self.get_metadata(ParentNodeProvider, reference, None)
        if not isinstance(attribute, cst.Attribute) or attribute.attr.value != "zero_state":
            return False
        zero_call = self.get_metadata(ParentNodeProvider, attribute, None)
        if not isinstance(zero_call, cst.Call):
            return False
        holder = self.get_metadata(ParentNodeProvider, zero_call, None)
        if isinstance(holder, cst.Arg) and self.get_metadata(ParentNodeProvider, holder, None) is run:
            return True
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0].target, cst.Name):
            references = self._references(holder.targets[0].target)
            return bool(references) and all(
                isinstance(arg := self.get_metadata(ParentNodeProvider, r, None), cst.Arg) and self.get_metadata(ParentNodeProvider, arg, None) is run
                for r in references
            )
        return False

    def _only_assignment(self, name: cst.Name) -> tuple[cst.Name, cst.SimpleStatementLine, cst.BaseExpression] | None:
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        assignments = [a for a in scope.assignments[name.value]]
        if len(assignments) != 1:
            return None
        target = assignments[0].node
        if not isinstance(target, cst.Name):
            return None
        assign = self.get_metadata(ParentNodeProvider, self.get_metadata(ParentNodeProvider, target, None), None)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or assign.targets[0].target is not target:
            return None
        statement = self.get_metadata(ParentNodeProvider, assign, None)
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        return target, statement, assign.value

    def _references(self, target: cst.Name) -> list[cst.CSTNode]:
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None:
            return []
        return [reference.node for assignment in scope.assignments[target.value] for reference in assignment.references if id(reference.node) not in self.dropped]
