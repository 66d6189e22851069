"""Why one call site is one layer: how many times a function builds its variables (tf1_variables, TFM230/TFM234).

What it matches
    The module-level function a TF1 layer call (or a Keras layer built in its call) sits in, and every call of
    it in the file, followed through the functions that call it (`_creating_calls`, `_times`): direct calls,
    `tf.app.run()` / `absl.app.run(main)` calling `main` once, calls in loops or classes. A call that passes
    `reuse=True` to a function whose layers all sit in `tf.variable_scope(<name>, reuse=<parameter>)`
    (`_reuse_parameter`, `_passes_reuse_true`), or an `AUTO_REUSE` scope, shares the variables of the first
    call; in an eager file (GradientTape, no Session or placeholder) the function is one model however often
    it is called.

Writes nothing: `_check_function_called_once` raises `Unsupported` with the reason (called twice, in a loop,
never, recursively, used other than by a direct call, ...), and the codemod reports it.

Why: in graph mode the function ran once per model; in eager TensorFlow 2 it runs on every step. One layer
object per call site is TF1's semantics only when exactly one call creates the variables. `CallCounts` is a
part of the `Tf1Variables` codemod: its methods run with `self` the codemod.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ScopeProvider
from libcst.metadata.scope_provider import GlobalScope

from tf2migrate.traversal import find

from .tf1_variables_model import _LOOPS, Unsupported, _collect


class CallCounts:
    """Counts the calls that build a function's variables (a part of `Tf1Variables`)."""

    # How many times a module-level function builds its variables: 1, or the reason it cannot be told.
    def _check_function_called_once(self, function: cst.FunctionDef, honour_reuse: bool = True) -> None:
        count = self._creating_calls(function, set(), honour_reuse)
        if count != 1:
            raise Unsupported(count if isinstance(count, str) else f"`{function.name.value}` builds its layers {count} times in this file")

    def _creating_calls(self, function: cst.FunctionDef, seen: set[cst.FunctionDef], honour_reuse: bool = True) -> int | str:
        """How many times `function` builds its variables. `honour_reuse`: TF1 variable-scope reuse shares
        them (true for `tf.layers`; Keras layers built in the call make new variables whatever the scope)."""
        if (function, honour_reuse) in self.call_counts:
            return self.call_counts[(function, honour_reuse)]
        if function in seen:
            return f"`{function.name.value}` is recursive"
        seen = seen | {function}
        name = function.name.value
        scope = self.get_metadata(ScopeProvider, function, None)
        if not isinstance(scope, GlobalScope):
            return f"`{name}` is not a module-level function"
        assignments = scope.assignments[name]
        if len(assignments) != 1:
            return f"`{name}` is bound more than once in the module"
        references = list(next(iter(assignments)).references)
        # `tf.app.run()` / `absl.app.run(main)` call the script's `main` once.
        implicit = [c for c in self.app_runs if name == "main" and not any(a.keyword is None or a.keyword.value == "main" for a in c.args)]
        if not references and not implicit:
            return f"`{name}` is not called in this file, so how many models it builds cannot be told: create its layers once where it is used"
        reuse = self._reuse_parameter(function) if honour_reuse else None
        total = 0
        for run_call in implicit:
            times = self._times(run_call, seen, honour_reuse)
            if isinstance(times, str):
                return times
            total += times
        for access in references:
            reference = access.node
            parent = self._parent(reference)
            if isinstance(parent, cst.Arg) and self._parent(parent) in self.app_runs and parent.value is reference:
                times = self._times(self._parent(parent), seen, honour_reuse)  # type: ignore[arg-type]
                if isinstance(times, str):
                    return times
                total += times
                continue
            if not (isinstance(parent, cst.Call) and parent.func is reference):
                return f"`{name}` is used other than by a direct call (line {self.position(reference)[0]}), so how many models it builds cannot be told"
            if reuse == "auto" or self.eager:
                continue
            if reuse is not None and self._passes_reuse_true(parent, function, reuse):
                continue
            times = self._times(parent, seen, honour_reuse)
            if isinstance(times, str):
                return times
            total += times
        if reuse == "auto" or self.eager:
            total = 1
        self.call_counts[(function, honour_reuse)] = total
        return total

    def _times(self, call: cst.Call, seen: set[cst.FunctionDef], honour_reuse: bool = True) -> int | str:
        """How many times a call site runs while the graph is built."""
        node: cst.CSTNode | None = call
        loop = False
        while True:
            parent = self._parent(node)  # type: ignore[arg-type]
            if parent is None or isinstance(parent, cst.Module):
                break
            if isinstance(parent, _LOOPS):
                loop = True
            if isinstance(parent, cst.ClassDef):
                return f"called from class `{parent.name.value}` (line {self.position(call)[0]}): create the layers once in its `__init__`"
            if isinstance(parent, cst.FunctionDef):
                if loop:
                    return f"called in a loop (line {self.run.linemap.to_original(self.position(call)[0])}), which builds new variables on each pass in TF1"
                if not isinstance(self._parent(parent), cst.Module):
                    return f"called from a nested function (line {self.position(call)[0]})"
                return self._creating_calls(parent, seen, honour_reuse)
            node = parent
        if loop:
            return f"called in a loop (line {self.run.linemap.to_original(self.position(call)[0])}), which builds new variables on each pass in TF1"
        return 1

    def _reuse_parameter(self, function: cst.FunctionDef) -> str | None:
        """'auto' when every layer of `function` sits in `tf.variable_scope(<str>, reuse=tf.AUTO_REUSE)`;
        the parameter name when they sit in `tf.variable_scope(<str>, reuse=<parameter>)`; else None."""
        scopes = [w for w in find(function, cst.With) if self._variable_scope(w) is not None]
        if len(scopes) != 1:
            return None
        scope_call = self._variable_scope(scopes[0])
        assert scope_call is not None
        reuse = next((a.value for a in scope_call.args if a.keyword is not None and a.keyword.value == "reuse"), None)
        if reuse is None:
            return None
        inside = set(find(scopes[0].body, cst.Call))
        in_function = set(_collect(function).calls)
        layers = [c for c in self.candidates if c in in_function and (self.resolved[c] or "").startswith("tf.layers.")]
        if any(c not in inside for c in layers):
            return None
        if self.qualified_name(reuse) == "tf.AUTO_REUSE":
            return "auto"
        params = [p.name.value for p in function.params.params]
        if isinstance(reuse, cst.Name) and reuse.value in params:
            return reuse.value
        return None

    def _passes_reuse_true(self, call: cst.Call, function: cst.FunctionDef, parameter: str) -> bool:
        params = [p.name.value for p in function.params.params]
        index = params.index(parameter)
        value = None
        for position, arg in enumerate(call.args):
            if arg.star:
                return False
            if arg.keyword is None and position == index:
                value = arg.value
            elif arg.keyword is not None and arg.keyword.value == parameter:
                value = arg.value
        return isinstance(value, cst.Name) and value.value == "True"

    def _variable_scope(self, node: cst.With) -> cst.Call | None:
        if len(node.items) != 1 or node.items[0].asname is not None:
            return None
        item = node.items[0].item
        if isinstance(item, cst.Call) and self.qualified_name(item) == "tf.variable_scope":
            return item
        return None
