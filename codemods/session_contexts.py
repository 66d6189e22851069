"""Graph-building contexts and values of a TF1 Session program that the Session rewrite (codemods/sessions.py)
keeps as they were: `with tf.device("/cpu:0"):` blocks, and tensors read only by variables' initial values.

What it matches
    - `with tf.device("/cpu:0"):` (a literal device string, no `as`) around graph code of the program:

          with tf.device("/cpu:0"):
              embedding = tf.Variable(tf.random_uniform([V, E], -1.0, 1.0))
              embed = tf.nn.embedding_lookup(embedding, X)

    - a tensor built from constants and random ops only (no placeholder, variable or other graph name) that
      nothing but variables' initial values reads:

          W_init = tf.random_uniform([n_visible, n_hidden], minval=-m, maxval=m)
          W = tf.Variable(W_init, name="W")

What it writes
    Nothing itself. For sessions.py: the device block's body is graph code of the program's top level; the
    block stays (variables created in it are placed on that device, as in TF1) and each function computing a
    tensor built in it runs its ops in `with tf.device(...)`, where TF1 pinned them. The initial-value tensor
    stays a value computed once, eagerly, where it is defined.

Why
    TF1 evaluates an initial value once, when the initializer runs: all variables reading the tensor get one
    draw of it. Computed once eagerly before the variables are created, it is that same single draw. A tensor
    that other code also reads (a fetch, another tensor) would be drawn again at each run in TF1, so it is not
    taken.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate.traversal import find

from . import session_prints
from .builders import source_of


def device_block(codemod, item: cst.BaseExpression) -> bool:  # noqa: ANN001
    """`tf.device("/cpu:0")`: a device given as a literal string."""
    return (
        isinstance(item, cst.Call)
        and codemod.qualified_name(item) == "tf.device"
        and len(item.args) == 1
        and item.args[0].keyword is None
        and not item.args[0].star
        and isinstance(item.args[0].value, cst.SimpleString)
    )


def store_scope_block(codemod, statement: cst.CSTNode) -> bool:  # noqa: ANN001
    """`with variable_store.scope('layer1'):` (what tf1_variables wrote for `with tf.variable_scope('layer1'):`
    around top-level `tf.get_variable` calls; `as scope` allowed when `scope` is never read): the block is kept
    as it is, its body being the program's own top level. Its `variable_store.get(...)` calls run once, in the
    scope, as TF1 made the variables; the tensor functions defined in it create nothing and read the
    variables by name. Not taken when a summary op is in it (TF1 prefixed its tag with the scope's name)."""
    if not (isinstance(statement, cst.With) and len(statement.items) == 1 and isinstance(statement.body, cst.IndentedBlock)):
        return False
    item = statement.items[0]
    call = item.item
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and isinstance(call.func.value, cst.Name)
        and call.func.attr.value == "scope"
        and len(call.args) == 1
        and call.args[0].keyword is None
        and not call.args[0].star
        and isinstance(call.args[0].value, cst.SimpleString)
    ):
        return False
    if item.asname is not None and not _unread(codemod, item.asname.name):
        return False
    if not _is_store(codemod, call.func.value.value):
        return False
    return not any((codemod.qualified_name(c) or "").startswith("tf.summary.") for c in find(statement.body, cst.Call))


def _unread(codemod, target: cst.BaseExpression) -> bool:  # noqa: ANN001
    if not isinstance(target, cst.Name):
        return False
    scope = codemod.get_metadata(ScopeProvider, target, None)
    return scope is not None and all(not a.references for a in scope.assignments[target.value]) and not scope.accesses[target.value]


def _is_store(codemod, name: str) -> bool:  # noqa: ANN001
    """`name = VariableStore()` at the module's top level, `VariableStore` the store class tf1_variables
    writes into the file (a module-level class of that name with `scope` and `get` methods)."""
    classes = {
        statement.name.value: statement
        for statement in codemod.tree.body
        if isinstance(statement, cst.ClassDef) and statement.name.value.startswith("VariableStore")
    }
    bound = []
    for statement in codemod.tree.body:
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and m.matches(small.targets[0].target, m.Name(name)):
            bound.append(small.value)
    if len(bound) != 1 or not m.matches(bound[0], m.Call(func=m.Name(), args=[])):
        return False
    store_class = classes.get(bound[0].func.value)  # type: ignore[attr-defined]
    if store_class is None:
        return False
    methods = {f.name.value for f in find(store_class, cst.FunctionDef)}  # type: ignore[attr-defined]
    return {"scope", "get"} <= methods


def device_of(codemod, statement: cst.CSTNode, blocks: list[cst.With]) -> cst.BaseExpression | None:  # noqa: ANN001
    """The `tf.device(...)` call of the innermost device block of `blocks` around `statement`, or None."""
    ids = {id(block) for block in blocks}
    node = codemod.get_metadata(ParentNodeProvider, statement, None)
    while node is not None:
        if isinstance(node, cst.With) and id(node) in ids:
            return node.items[0].item
        node = codemod.get_metadata(ParentNodeProvider, node, None)
    return None


def wrap_in_device(function: cst.FunctionDef, device: cst.BaseExpression) -> cst.FunctionDef:
    """`def f(x): <body>` -> `def f(x): with tf.device("/cpu:0"): <body>`."""
    body = function.body
    assert isinstance(body, cst.IndentedBlock)
    call = cst.parse_expression(cst.Module(body=[]).code_for_node(device))
    block = cst.With(items=[cst.WithItem(item=call)], body=cst.IndentedBlock(body=list(body.body)))
    return function.with_changes(body=body.with_changes(body=[block]))


def initial_value_only(program, name: str, initial_reads: set[int]) -> str | None:  # noqa: ANN001
    """None when the tensor `name` may stay a value computed once for the variables' initial values that read it
    (`initial_reads`: ids of those Name nodes); otherwise why not."""
    tensor = program.tensors.get(name)
    if tensor is None:
        return f"a variable's initial value reads `{name}`"
    if tensor.chain:
        return f"a variable's initial value reads `{name}`, which is built by several statements"
    graph = program.graph_names()
    if any(dep in graph for dep in tensor.deps):
        return f"a variable's initial value reads `{name}`, which is built from other graph values ({', '.join(d for d in tensor.deps if d in graph)})"
    for assignment in program.scope.assignments[name]:
        for access in assignment.references:
            if id(access.node) not in initial_reads:
                return f"a variable's initial value reads `{name}`, which other code reads too (TF1 evaluated it again there)"
    return None


# TensorFlow calls whose gradient with respect to a variable is an `IndexedSlices` (rows looked up).
SPARSE_GRADIENT_CALLS = ("embedding_lookup", "gather", "nce_loss", "sampled_softmax_loss")


def sparse_gradients(codemod, program, loss_name: str) -> str | None:  # noqa: ANN001
    """The qualified name of a call (in the loss or a tensor it reads, through helpers of this file) whose
    gradient is sparse (`tf.nn.embedding_lookup`, `tf.gather`, `tf.nn.nce_loss`); None if there is none.

    TF1's optimizers summed the duplicate rows of such a gradient before updating; Keras 3's optimizers do
    not (a row looked up twice is updated as if once with each part): the train step makes it dense, which
    gives TF1's Adam, Adagrad and plain gradient descent updates. TF1's momentum touched only the rows looked
    up, which no dense update reproduces: that case is declined by sessions.py."""
    from .session_program_shapes import stateful_call

    seen: set[str] = set()
    pending = [loss_name]
    while pending:
        name = pending.pop()
        if name in seen or name not in program.tensors:
            continue
        seen.add(name)
        tensor = program.tensors[name]
        for value in tensor.values():
            found = stateful_call(codemod, value, SPARSE_GRADIENT_CALLS)
            if found is not None:
                return found
        pending.extend(tensor.deps)
    return None


def static_shape_use(codemod, program, name: str, node: cst.Name) -> bool:  # noqa: ANN001
    """`assert y_pred.shape.as_list() == Y.shape.as_list()` (a top-level `assert` of the program reading the
    static shape of a placeholder, a variable or a tensor the rewrite computes in a function): recorded for
    `plan_static_shapes`; False for any other use.

    TF1 checked the shapes its shape inference gave the graph's tensors. The same ops traced by
    `tf.function(...).get_concrete_function(<TensorSpec of each placeholder>)` get the same shapes from the
    same shape functions; a placeholder's static shape is the one it was declared with; a variable's is its
    own. Printing a graph tensor is not taken: TF1 printed the op's name in its graph, which eager code has
    no counterpart for."""
    parent = codemod.get_metadata(ParentNodeProvider, node, None)
    if not (isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in ("shape", "get_shape")):
        return False
    use: cst.CSTNode = parent
    if parent.attr.value == "get_shape":
        call = codemod.get_metadata(ParentNodeProvider, parent, None)
        if not (isinstance(call, cst.Call) and call.func is parent and not call.args):
            return False
        use = call
    statement: cst.CSTNode | None = use
    while statement is not None and not isinstance(statement, cst.SimpleStatementLine):
        statement = codemod.get_metadata(ParentNodeProvider, statement, None)
    if statement is None or not any(statement is s for s in program.top) or len(statement.body) != 1:
        return False
    if not isinstance(statement.body[0], cst.Assert) and not session_prints.shape_printed(codemod, statement, use):
        return False  # an `assert`, or `print(hypothesis.shape, Y.shape)` (session_prints, TFM278)
    if name in program.placeholders:
        if name in program.defaults:
            return False
    elif name in program.tensors:
        tensor = program.tensors[name]
        if not tensor.dynamic or any(p in program.defaults for p in tensor.params):
            return False
    elif name not in program.variables or name in program.containers:
        return False
    program.claimed.add(id(node))
    program.static_shapes.setdefault(id(statement), (statement, []))[1].append((name, use))
    return True


def plan_static_shapes(codemod, program, statements: dict, placeholder_call) -> None:  # noqa: ANN001
    """Each recorded `assert` with its static shapes computed as TF1's shape inference gave them."""
    tf = codemod.tf or "tf"
    for statement, uses in program.static_shapes.values():
        replacements: dict[int, cst.BaseExpression] = {}
        for name, use in uses:
            if name in program.variables:
                shape = f"{name}.shape"
            elif name in program.placeholders:
                shape = f"{tf}.TensorShape({source_of(placeholder_call(name, 1, 'shape')) if placeholder_call(name, 1, 'shape') is not None else 'None'})"
            else:
                tensor = program.tensors[name]
                specs = []
                for param in tensor.params:
                    declared = placeholder_call(param, 1, "shape")
                    specs.append(f"{tf}.TensorSpec({source_of(declared) if declared is not None else 'None'}, {source_of(program.placeholders[param])})")
                shape = f"{tf}.function({tensor.function}).get_concrete_function({', '.join(specs)}).structured_outputs.shape"
            replacements[id(use)] = cst.parse_expression(shape)
        statements[id(statement)] = [statement.visit(_Replace(replacements))]


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.BaseExpression]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return self.replacements.get(id(original_node), updated_node)


def listed_values(program, name: str, value: cst.BaseExpression) -> cst.BaseExpression | None:  # noqa: ANN001
    """`sess.run(update)` where `update = [tf.assign(W, ...), tf.assign(b, ...)]`: TF1 returned a list (a tuple
    for a tuple) of arrays, one per item; the eager function returns a list of tensors. None for other names."""
    tensor = program.tensors.get(name)
    if tensor is None or not tensor.dynamic or not isinstance(tensor.value, (cst.List, cst.Tuple)):
        return None
    if not all(isinstance(e, cst.Element) and not isinstance(e.value, (cst.List, cst.Tuple, cst.Dict, cst.Set)) for e in tensor.value.elements):
        return None
    listed = cst.parse_expression("[item.numpy() for item in _]")
    assert isinstance(listed, cst.ListComp)
    listed = listed.with_changes(for_in=listed.for_in.with_changes(iter=value))
    if isinstance(tensor.value, cst.Tuple):
        return cst.Call(func=cst.Name("tuple"), args=[cst.Arg(listed)])
    return listed


def printed(codemod, node: cst.Name) -> bool:  # noqa: ANN001
    """`print(dot_operation)` / `print("x:", X)`: a graph name given to `print` as it is.

    Not converted: TF1 printed the symbolic tensor (`Tensor("MatMul:0", shape=(1, 1), dtype=int32)`: the op's
    name in its graph, the static shape with `?`, the dtype), which has no eager counterpart that prints the
    same text; eager code would print the values instead."""
    argument = codemod.get_metadata(ParentNodeProvider, node, None)
    call = codemod.get_metadata(ParentNodeProvider, argument, None) if isinstance(argument, cst.Arg) else None
    return isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "print" and argument.value is node


def bound_before(codemod, program, statement: cst.CSTNode, assignments) -> bool:  # noqa: ANN001
    """Every binding of a Python name a tensor reads comes before the tensor's statement, in the program's own
    block (`predictions = np.zeros(...)`, `for ...: predictions += p`, then `tf.argmax(predictions, 1)`): TF1
    used the value the name had there, and nothing binds it again afterwards, so a function reading it on each
    call reads that same value."""
    start = codemod.position(statement)
    for assignment in assignments:
        node = getattr(assignment, "node", None)
        if not isinstance(node, cst.CSTNode) or getattr(assignment, "scope", None) is not program.scope:
            return False
        if codemod.position(node) >= start:
            return False
    return True
