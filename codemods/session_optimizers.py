"""TF1 optimizers whose update rule no Keras optimizer configuration reproduces, for the Session rewrite.

What it matches
    `tf.train.RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
    centered=False, name=...)` in a Session program that codemods/sessions.py converts (TFM201).

What it writes
    A class written into the file before the first statement that builds such an optimizer, and the
    optimizer built from it with TF1's arguments mapped to Keras' (`decay` -> `rho`, TF1's epsilon
    1e-10 passed explicitly):

        class RMSPropV1(tf.keras.optimizers.RMSprop):
            def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
                if name == "velocity":
                    initializer = "ones"
                return super().add_optimizer_variables(trainable_variables, name, initializer)

        optimizer = RMSPropV1(learning_rate=0.001, rho=0.9, epsilon=1e-10)

Why
    Keras 3's `RMSprop.update_step` (keras/src/optimizers/rmsprop.py, Keras 3.15) is TF1's
    `ApplyRMSProp` / `ApplyCenteredRMSProp`: `ms = rho*ms + (1-rho)*g^2`, (centered:
    `mg = rho*mg + (1-rho)*g`, `ms - mg^2`), epsilon under the square root, `mom = momentum*mom +
    lr*g/sqrt(...)`, `var -= mom` (without momentum `var -= lr*g/sqrt(...)`, the same value). What
    differs is the start: TF1 creates the mean square ("rms" slot) with ones, Keras its "velocity"
    variables with zeros, which changes every step's update (the first step of TF1 moves each weight
    by about `lr*g`, Keras' by about `lr*g/sqrt(0.1*g^2)`). The class changes only that initializer, so
    trajectories match TF1 (tests/test_equivalence.py runs both).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.traversal import find

from . import session_summaries
from .builders import source_of
from .session_program_shapes import stateful_call

HELPER_BASE = "RMSPropV1"

RMSPROP_V1 = '''
class {name}({tf}.keras.optimizers.RMSprop):
    """TF1's `tf.train.RMSPropOptimizer`: Keras' RMSprop, its mean square starting at 1 instead of 0."""

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        if name == "velocity":
            initializer = "ones"
        return super().add_optimizer_variables(trainable_variables, name, initializer)
'''

# TF1 optimizer -> (Keras class its helper extends, template of the helper written into the file)
HELPERS: dict[str, str] = {"tf.train.RMSPropOptimizer": RMSPROP_V1}


def helper_source(qualified: str, name: str, tf: str) -> str:
    """The class to write into the file for the TF1 optimizer `qualified`, named `name`."""
    return HELPERS[qualified].format(name=name, tf=tf).lstrip("\n")


# -- several train ops in one run ------------------------------------------------------------------
#
# `sess.run([train_gen, train_disc, gen_loss, disc_loss], feed)` (a GAN's two updates in one run) becomes
# one train step: each train op's loss under a tape of its own and its gradients, the other values fetched,
# all from the variables as they were before the run; then the updates, in the fetch order; then the values:
#
#     @tf.function
#     def train_step(gen_input, disc_input):
#         with tf.GradientTape() as tape:
#             gen_loss = compute_gen_loss(gen_input)
#         with tf.GradientTape() as tape_2:
#             disc_loss = compute_disc_loss(disc_input, gen_input)
#         variables = gen_vars
#         gradients = tape.gradient(gen_loss, variables)
#         variables_2 = disc_vars
#         gradients_2 = tape_2.gradient(disc_loss, variables_2)
#         optimizer_gen.apply_gradients(zip(gradients, variables))
#         optimizer_disc.apply_gradients(zip(gradients_2, variables_2))
#         return gen_loss, disc_loss
#
# TF1 computes every fetched value and gradient of one run from the same variable values (its
# `apply_*` ops wait for their gradients, and the forward pass that all gradients start from runs
# first); the eager step does the same explicitly. Each loss is computed once per run, as in TF1, so
# a value shared by two losses is declined when it draws random numbers (computing it once per loss would
# draw twice).


def several_train_ops_concern(codemod, program, call, fetches, trains, markers: tuple[str, ...]) -> str | None:  # noqa: ANN001
    """Why `sess.run([t1, t2, ...values])` cannot become one train step (None: it can); `markers`: what
    marks a call drawing random numbers."""
    names = [t.value for t in trains]
    if len(set(names)) != len(names):
        return "the same train op fetched twice in one run"
    positions = [i for i, item in enumerate(fetches) if any(item is t for t in trains)]
    if positions != list(range(len(trains))) and positions != list(range(len(fetches) - len(trains), len(fetches))):
        return "several train ops in one run, with other values fetched between them"
    ops = [program.train_ops[name] for name in names]
    if any(op.global_step is not None for op in ops):
        return "several train ops in one run, one with `global_step`"
    optimizers = [op.optimizer for op in ops if op.inline_optimizer is None]
    if len(set(optimizers)) != len(optimizers):
        return "one optimizer in several train ops of one run"
    values = [item.value for item in fetches if not any(item is t for t in trains)]
    for name in values:
        if session_summaries.is_summary(program, name):
            return f"the summary `{name}` fetched with several train ops"
        if not (name in program.tensors and program.tensors[name].dynamic or name in program.variables and name not in program.containers):
            return f"`{name}` fetched with several train ops"
        assigned = assigns_variables(codemod, program, name)
        if assigned is not None:
            return f"`{name}` assigns variables (`{assigned}`) and is fetched together with train ops: TF1 does not order the assignment and the updates (measured, bench/tf1_fetch_order.py: the clip ran before the updates, after them, or overwrote them, changing from run to run): fetch it in a run of its own, after the train ops' run if the updates are meant to come first (WGAN's clipping)"
    if not values and not isinstance(codemod.get_metadata(ParentNodeProvider, call), cst.Expr):
        return "the value of a run of several train ops (a list of None) is used"
    # a tensor that draws random numbers, read by two of the values computed in the step: TF1 drew once
    seen: dict[str, str] = {}
    for root in [op.loss for op in ops] + [v for v in values if v in program.tensors]:
        for name in _tensors_read(program, root):
            first = seen.setdefault(name, root)
            if first != root and any(stateful_call(codemod, value, markers) for value in program.tensors[name].values()):
                return f"`{first}` and `{root}` both read `{name}`, which draws random numbers (TF1 drew them once per run)"
    return None


def _tensors_read(program, root: str) -> set[str]:  # noqa: ANN001
    """`root` and the graph tensors it is computed from."""
    found: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in found or name not in program.tensors:
            continue
        found.add(name)
        todo.extend(program.tensors[name].deps)
    return found


def other_train_op_lines(tf: str, program, others, optimizer_name) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """For the train ops run together with a step's own: (their tapes and gradients, their updates)."""
    gradients: list[str] = []
    updates: list[str] = []
    for index, other in enumerate(others, start=2):
        loss = program.tensors[other.loss]
        variables = source_of(other.var_list) if other.var_list is not None else f"tape_{index}.watched_variables()"
        if other.var_list is not None and not isinstance(other.var_list, (cst.Name, cst.List, cst.Tuple)):
            variables = f"list({variables})"
        optimizer = other.optimizer if other.inline_optimizer is None else optimizer_name(program, other)
        gradients += [
            f"with {tf}.GradientTape() as tape_{index}:",
            f"    {other.loss} = {loss.function}({', '.join(loss.params)})",
            f"variables_{index} = {variables}",
            f"gradients_{index} = tape_{index}.gradient({other.loss}, variables_{index})",
        ]
        updates.append(f"{optimizer}.apply_gradients(zip(gradients_{index}, variables_{index}))")
    return gradients, updates


def several_train_ops_value(fetch, names: list[str], trains: list[str], step: cst.BaseExpression) -> cst.BaseExpression:  # noqa: ANN001
    """The value of `sess.run([t1, t2, a, b])`: None per train op, the step's values (`.numpy()`) in order."""
    values = [name for name in names if name not in trains]
    elements: list[cst.BaseElement] = []
    if len(values) == 1:
        value = cst.Call(func=cst.Attribute(value=step, attr=cst.Name("numpy")))
        elements = [cst.Element(cst.Name("None")) if name in trains else cst.Element(value) for name in names]
    else:
        generator = cst.parse_expression("(value.numpy() for value in _)")
        assert isinstance(generator, cst.GeneratorExp)
        starred = cst.StarredElement(generator.with_changes(for_in=generator.for_in.with_changes(iter=step)))
        nones = [cst.Element(cst.Name("None")) for _ in trains]
        elements = [*nones, starred] if names[0] in trains else [starred, *nones]
    elements = [e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in elements[:-1]] + elements[-1:]
    if isinstance(fetch, cst.Tuple):
        return cst.Tuple(elements=elements)
    return cst.List(elements=elements)


def joined_variable_lists(value: cst.BaseExpression, containers: set[str], is_container) -> bool:  # noqa: ANN001
    """`theta_G = theta_G1 + theta_G2` (a `var_list` made of two): lists of variables joined with `+`, each a
    name bound to a container of variables or a list literal of variables (`is_container`)."""
    if not (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add)):
        return False

    def part(side: cst.BaseExpression) -> bool:
        if isinstance(side, cst.Name):
            return side.value in containers  # (what `+` does to them, it did in TF1's graph building too)
        if isinstance(side, cst.List):
            return is_container(side)
        return joined_variable_lists(side, containers, is_container)

    return part(value.left) and part(value.right)


ASSIGNMENTS = frozenset({"assign", "assign_add", "assign_sub", "scatter_update", "scatter_add", "scatter_sub"})


def assigns_variables(codemod, program, name: str) -> str | None:  # noqa: ANN001
    """The assignment (`p.assign(...)`, `tf.assign(...)`) that computing the tensor `name` performs, if any:
    fetched in the run of a train op, TF1 leaves the order of that write and the update open."""
    for tensor in _tensors_read(program, name):
        for value in program.tensors[tensor].values():
            for call in _calls(value):
                qualified = codemod.qualified_name(call) or ""
                if qualified.rsplit(".", 1)[-1] in ASSIGNMENTS and qualified.startswith("tf."):
                    return qualified
                if isinstance(call.func, cst.Attribute) and call.func.attr.value in ASSIGNMENTS:
                    return source_of(call.func)
    return None


def _calls(node: cst.CSTNode) -> list[cst.Call]:
    return find(node, cst.Call)  # type: ignore[return-value]


# -- one optimizer minimizing several losses -------------------------------------------------------
#
# `solver = tf.train.AdamOptimizer(lr); D_solver = solver.minimize(D_loss, var_list=theta_D);
# G_solver = solver.minimize(G_loss, var_list=theta_G)`: TF1 keeps one slot set per variable and, for
# Adam, one `beta1_power`/`beta2_power` pair per optimizer, advanced by every `apply_gradients` of either
# train op. One Keras optimizer built once for all the variables does the same: slots per variable, one
# `iterations` counter advanced by every `apply_gradients` (Keras' Adam takes its bias correction from it).
# Keras builds an optimizer for the variables of its first update only, so it is built explicitly after
# the last `minimize`:
#
#     solver.build([*theta_D, *theta_G])


def shared_optimizer_concern(optimizer: str, trains) -> str | None:  # noqa: ANN001
    """Why the train ops of one optimizer cannot share one Keras optimizer (None: they can)."""
    if any(train.var_list is None for train in trains):
        return f"`{optimizer}` minimizes several losses, one without `var_list` (the Keras optimizer must be built for all their variables at once)"
    if any(train.global_step is not None for train in trains):
        return f"`{optimizer}` minimizes several losses, one with `global_step`"
    if any(a.attr.value == "trainable_variables" for train in trains for a in find(train.var_list, cst.Attribute)):
        # (TFM271) the Keras layers make their variables on their first call, after the optimizer is built here
        return f"`{optimizer}` minimizes several losses, one over Keras layers' `trainable_variables` (empty until the layers are first called)"
    return None


def build_statement(optimizer: str, trains, config) -> cst.SimpleStatementLine:  # noqa: ANN001
    """`solver.build([*theta_D, *theta_G])`: the Keras optimizer made for every variable its train ops update
    (a variable in two lists shares its slots, as in TF1)."""
    parts = ", ".join(f"*{source_of(train.var_list)}" for train in trains)
    statement = cst.parse_statement(f"{optimizer}.build([{parts}])\n", config=config)
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement


# -- tf.gradients in the graph -----------------------------------------------------------------------
#
# `grad = tf.gradients(D(X_inter), [X_inter])[0]` (a gradient penalty) becomes the tensor's function with
# a tape of its own: the tensors differentiated against are computed first and watched, then `ys` under
# the tape, then `tape.gradient` (which, like `tf.gradients`, sums over `ys` and gives None for a tensor
# `ys` does not reach):
#
#     def compute_grad(X, z):
#         X_inter = compute_X_inter(X, z)
#         with tf.GradientTape() as tape:
#             tape.watch([X_inter])
#             target = D(X_inter)
#         return tape.gradient(target, [X_inter])[0]
#
# Used in a loss, the train step's tape records this inner tape's computation (second-order gradients, as
# `tf.gradients` inside a TF1 loss gave). Declined when another tensor read by `ys` is computed from one of
# the `xs` tensors: its function would compute that tensor again, unwatched.


def gradients_call(codemod, tensor) -> cst.Call | None:  # noqa: ANN001
    """The `tf.gradients(ys, xs)` call of `name = tf.gradients(ys, xs)[i]` with `xs` a name or a list of
    names; None for any other shape."""
    if tensor.chain:
        return None
    value = tensor.value
    if not isinstance(value, cst.Subscript):
        return None  # the list itself: a fetched list of tensors has no `.numpy()`
    if len(value.slice) != 1 or not isinstance(value.slice[0].slice, cst.Index) or not isinstance(value.slice[0].slice.value, cst.Integer):
        return None
    value = value.value
    if not isinstance(value, cst.Call) or codemod.qualified_name(value) != "tf.gradients":
        return None
    arguments = _gradients_arguments(value)
    if arguments is None:
        return None
    return value


def _gradients_arguments(call: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression, list[str]] | None:
    """(ys, xs, the names in xs) of `tf.gradients(ys, xs)`; None when other arguments are given."""
    given: dict[str, cst.BaseExpression] = {}
    for index, argument in enumerate(call.args):
        if argument.star:
            return None
        keyword = argument.keyword.value if argument.keyword is not None else ("ys", "xs", "")[min(index, 2)]
        if keyword not in ("ys", "xs"):
            return None
        given[keyword] = argument.value
    if set(given) != {"ys", "xs"}:
        return None
    xs = given["xs"]
    if isinstance(xs, cst.Name):
        names = [xs.value]
    elif isinstance(xs, cst.List) and xs.elements and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in xs.elements):
        names = [e.value.value for e in xs.elements]  # type: ignore[attr-defined]
    else:
        return None
    return given["ys"], xs, names


def gradients_concern(program, tensor, call: cst.Call) -> str | None:  # noqa: ANN001
    """Why the tensor's `tf.gradients` cannot be a tape in its function (None: it can)."""
    arguments = _gradients_arguments(call)
    assert arguments is not None
    _, _, names = arguments
    for name in names:
        if not (name in program.placeholders or name in program.tensors and program.tensors[name].dynamic or name in program.variables and name not in program.containers):
            return f"`tf.gradients` with respect to `{name}`, which is not a placeholder, tensor or variable of this program"
    watched = [name for name in names if name in program.tensors]
    for dep in tensor.deps:
        if dep in names or dep not in program.tensors:
            continue
        reached = _tensors_read(program, dep) & set(watched)
        if reached:
            return f"`tf.gradients`: `{dep}` is computed from `{sorted(reached)[0]}`, which its eager function would compute again, unwatched"
    return None


def reaches_gradients(program, roots) -> bool:  # noqa: ANN001
    """Whether a tensor made by `tf.gradients` (a tape of its own) is computed for one of `roots`. Such a train
    step is left eager, without `tf.function`: traced, its second-order graph printed other numbers in 1 to 3 of
    10 runs (an op-scheduling race of the runtime: gone with one inter- and one intra-op thread, not with
    `enable_op_determinism` or oneDNN off); run eagerly, one op after the other, it gave TF1's numbers every time."""
    return any(_tensors_read(program, root) & set(program.gradients) for root in roots)


def gradients_body(tf: str, program, tensor, call: cst.Call, lines: list[str]) -> list[str]:  # noqa: ANN001
    """The body of the function of a tensor made by `tf.gradients` (`lines`: its dependencies, computed)."""
    arguments = _gradients_arguments(call)
    assert arguments is not None
    ys, xs, names = arguments
    sources = source_of(xs) if isinstance(xs, cst.List) else f"[{source_of(xs)}]"
    before = [line for line in lines if line.split(" = ", 1)[0] in names]
    inside = [line for line in lines if line.split(" = ", 1)[0] not in names]
    target = "target" if "target" not in program.taken else program.fresh("target")
    index = f"[{source_of(tensor.value.slice[0].slice.value)}]"  # type: ignore[attr-defined]  # (`tf.gradients(y, x)` is a list, as is `tape.gradient(y, [x])`)
    return [
        *before,
        f"with {tf}.GradientTape() as tape:",
        f"    tape.watch({sources})",
        *(f"    {line}" for line in inside),
        f"    {target} = {source_of(ys)}",
        f"return tape.gradient({target}, {sources}){index}",
    ]


def built_from_optimizer(value: cst.BaseExpression, name: str) -> str:
    """Why a tensor built from the optimizer `name` is declined: `name.compute_gradients(...)` /
    `name.apply_gradients(...)` named as such (gradient/variable pairs are not converted), else the general reason."""
    methods = sorted({c.func.attr.value for c in _calls(value) if isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) and c.func.value.value == name and c.func.attr.value in ("compute_gradients", "apply_gradients")})
    if methods:
        called = " / ".join(f"`{name}.{method}(...)`" for method in methods)
        return f"{called}: gradient/variable pairs are not converted (write the step with `tf.GradientTape` and `apply_gradients` by hand; a pair's variable fetched in the run that applies the gradients was read unordered with the update in TF1)"
    return f"a tensor built from `{name}`"
