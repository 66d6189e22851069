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
from libcst.metadata import ParentNodeProvider


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
