"""TFM286-TFM287 contrib-sequence-loss: `tf.contrib.seq2seq.sequence_loss` becomes a function written into the file.

What it matches
    Calls of `tf.contrib.seq2seq.sequence_loss` (however `tf.contrib.seq2seq` is imported):

        sequence_loss = tf.contrib.seq2seq.sequence_loss(logits=outputs, targets=Y, weights=weights)

What it writes (TFM286)
    A module-level function `seq2seq_sequence_loss(logits, targets, weights, average_across_timesteps=True,
    average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False, softmax_loss_function=None,
    name=None)` written once, before the first statement that calls it, and the calls call it with the
    same arguments. Its body is what TF 1.15's `sequence_loss` computed, op for op: the logits flattened to
    `[batch * time, classes]`, `tf.nn.sparse_softmax_cross_entropy_with_logits` (or the
    `softmax_loss_function` given), times the flattened weights, then summed and divided
    (`tf.math.divide_no_nan`) by the weights' sum (averages) or by their number of non-zero entries
    (sums), over the axes TF1 chose, with TF1's `ValueError`s for wrong ranks and contradictory flags.
    The function uses only TensorFlow ops that exist in TF2 and in `tf.compat.v1`: it runs eagerly and
    in a graph-mode fallback alike, and it creates no variables (TF1's did not either). `name` named TF1's
    ops (a name scope): the function takes it and names nothing (eager ops have no names; the Session rewrite
    treats a name scope as graph building).

Why
    `tf.contrib` is gone in TF2, and the eager Session rewrite would otherwise take the call for one that
    creates variables and leave the whole program in graph mode.

When it declines (TFM287)
    More than five positional arguments (the sixth was `softmax_loss_function` before TF 1.13 and
    `sum_over_timesteps` after: which one the program meant is not known), or arguments passed with
    `*` / `**`: the call is left as it is (TFM310 reports the removed module).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from .base import Codemod, Rule
from .imports import module_alias, schedule_removal_of_imports_used_by, tensorflow_name

SEQUENCE_LOSS = "tf.contrib.seq2seq.sequence_loss"
MAX_POSITIONAL = 5  # logits, targets, weights, average_across_timesteps, average_across_batch: the same in every TF1

RULE = Rule(
    code="TFM286",
    name="contrib-sequence-loss",
    fix=FixKind.SAFE,
    summary="`tf.contrib.seq2seq.sequence_loss` (gone in TF2) becomes a function written into the file that computes what TF1's did.",
    explanation="""
        `tf.contrib.seq2seq.sequence_loss(logits, targets, weights)` is the weighted softmax cross-entropy of
        a `[batch, time, classes]` sequence of logits against `[batch, time]` integer targets: by default the
        weighted sum divided by the sum of the weights. `tf.contrib` is gone in TF2; the call now calls a
        function written once into the file with TF1's signature and TF 1.15's computation, op for op
        (`sparse_softmax_cross_entropy_with_logits` on the flattened logits, or the
        `softmax_loss_function` given; `average_across_timesteps` / `average_across_batch` divide by the
        weights' sum over the reduced axes, `sum_over_timesteps` / `sum_over_batch` by their number of
        non-zero entries, both with `tf.math.divide_no_nan`). It creates no variables, so the Session
        rewrite can convert the program, and it uses only ops TF2 and `tf.compat.v1` share, so it also runs
        in a graph-mode fallback. TF versions before 1.13 divided by the weights' sum plus 1e-12 instead of
        `divide_no_nan`: the same float32 result unless the weights sum to less than about 1e-5.
    """,
    before="""
        loss = tf.reduce_mean(tf.contrib.seq2seq.sequence_loss(logits=outputs, targets=Y, weights=weights))
    """,
    after="""
        def seq2seq_sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                                  sum_over_timesteps=False, sum_over_batch=False, softmax_loss_function=None, name=None):
            ...  # TF 1.15's computation, written in full


        loss = tf.reduce_mean(seq2seq_sequence_loss(logits=outputs, targets=Y, weights=weights))
    """,
)

MANUAL = Rule(
    code="TFM287",
    name="contrib-sequence-loss-not-converted",
    fix=FixKind.MANUAL,
    summary="A `tf.contrib.seq2seq.sequence_loss` call whose arguments cannot be read unambiguously is left as it is.",
    explanation="""
        TFM286 rewrites `tf.contrib.seq2seq.sequence_loss` calls into a function with TF1's signature. Its
        sixth positional parameter was `softmax_loss_function` before TF 1.13 and `sum_over_timesteps`
        after, so a call with more than five positional arguments is ambiguous; arguments passed with `*` /
        `**` cannot be checked either. Such calls are left as they are: pass the later arguments by
        keyword (`softmax_loss_function=...`) and run `fix` again.
    """,
    before="""
        loss = tf.contrib.seq2seq.sequence_loss(outputs, Y, weights, True, True, my_loss)
    """,
    after="""
        loss = tf.contrib.seq2seq.sequence_loss(outputs, Y, weights, True, True, my_loss)  # TFM287: name the sixth argument
    """,
)

HELPER = '''
def {name}(logits, targets, weights, average_across_timesteps=True, average_across_batch=True, sum_over_timesteps=False,
{indent}sum_over_batch=False, softmax_loss_function=None, name=None):
    """TF1's `tf.contrib.seq2seq.sequence_loss` (gone in TF2), computed as TF 1.15 did: the weighted softmax
    cross-entropy of [batch, time, classes] logits against [batch, time] targets, averaged or summed. `name` named
    TF1's ops (eager ops have no names)."""
    if len(logits.shape) != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if len(targets.shape) != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if len(weights.shape) != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at same time.")
    num_classes = {tf}.shape(logits)[2]
    logits_flat = {tf}.reshape(logits, [-1, num_classes])
    targets = {tf}.reshape(targets, [-1])
    if softmax_loss_function is None:
        crossent = {tf}.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits_flat)
    else:
        crossent = softmax_loss_function(labels=targets, logits=logits_flat)
    crossent *= {tf}.reshape(weights, [-1])
    if average_across_timesteps and average_across_batch:
        crossent = {tf}.reduce_sum(crossent)
        total_size = {tf}.reduce_sum(weights)
        crossent = {tf}.math.divide_no_nan(crossent, total_size)
    elif sum_over_timesteps and sum_over_batch:
        crossent = {tf}.reduce_sum(crossent)
        total_count = {tf}.cast({tf}.math.count_nonzero(weights), crossent.dtype)
        crossent = {tf}.math.divide_no_nan(crossent, total_count)
    else:
        crossent = {tf}.reshape(crossent, {tf}.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            reduce_axis = [0] if average_across_batch else [1]
            crossent = {tf}.reduce_sum(crossent, axis=reduce_axis)
            total_size = {tf}.reduce_sum(weights, axis=reduce_axis)
            crossent = {tf}.math.divide_no_nan(crossent, total_size)
        elif sum_over_timesteps or sum_over_batch:
            reduce_axis = [0] if sum_over_batch else [1]
            crossent = {tf}.reduce_sum(crossent, axis=reduce_axis)
            total_count = {tf}.cast({tf}.math.count_nonzero(weights, axis=reduce_axis), crossent.dtype)
            crossent = {tf}.math.divide_no_nan(crossent, total_count)
    return crossent
'''


class Seq2seqLoss(Codemod):
    RULES = (RULE, MANUAL)
    TRIGGERS = ("sequence_loss",)

    def visit_Module(self, node: cst.Module) -> bool:
        self.calls: set[cst.Call] = set()
        self.before: cst.CSTNode | None = None
        candidates = [call for call in find(node, cst.Call) if self.qualified_name(call) == SEQUENCE_LOSS]  # type: ignore[attr-defined]
        if not candidates:
            return False
        taken = {name.value for name in find(node, cst.Name)}  # type: ignore[attr-defined]
        self.name = next(n for n in ("seq2seq_sequence_loss", *(f"seq2seq_sequence_loss_{i}" for i in range(1, 100))) if n not in taken)
        for call in candidates:
            problem = _problem(call)
            if problem is not None:
                self.flag(call, MANUAL.code, f"`tf.contrib.seq2seq.sequence_loss` left as it is: {problem}")
                continue
            message = (f"`tf.contrib.seq2seq.sequence_loss` (gone in TF2) -> `{self.name}`, written into this file: TF 1.15's weighted softmax"
                       " cross-entropy of the sequence, op for op (it creates no variables)")  # fmt: skip
            if self.offer_fix(call, RULE.code, message):
                self.calls.add(call)
                schedule_removal_of_imports_used_by(self.context, call.func)
        if not self.calls:
            return False
        first = min(self.calls, key=self.position)
        self.before = self._top_level(node, first)
        # (every op the function uses is also in `tf.compat.v1`: a file that imports only that keeps its alias)
        self.tf = module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1") or tensorflow_name(self.context, node)
        return True

    def _top_level(self, module: cst.Module, node: cst.CSTNode) -> cst.CSTNode:
        """The module-level statement that holds `node`."""
        while True:
            parent = self.get_metadata(ParentNodeProvider, node)
            if parent is module:
                return node
            node = parent

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in self.calls:
            return updated_node.with_changes(func=cst.Name(self.name))
        return updated_node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self.before is None:
            return updated_node
        index = next(i for i, statement in enumerate(original_node.body) if statement is self.before)
        text = HELPER.format(name=self.name, tf=self.tf, indent=" " * (len(self.name) + 5))
        helper = cst.parse_module(text, config=original_node.config_for_parsing).body
        body = list(updated_node.body)
        blank = cst.EmptyLine()
        helper = [helper[0].with_changes(leading_lines=(blank,) * (2 if index else 0)), *helper[1:]]
        body[index] = body[index].with_changes(leading_lines=(blank, blank, *_without_leading_blanks(body[index].leading_lines)))
        return updated_node.with_changes(body=(*body[:index], *helper, *body[index:]))


def _problem(call: cst.Call) -> str | None:
    if any(arg.star for arg in call.args):
        return "arguments passed with `*` / `**` cannot be checked"
    positional = [arg for arg in call.args if arg.keyword is None]
    if len(positional) > MAX_POSITIONAL:
        return ("its sixth positional argument was `softmax_loss_function` before TF 1.13 and `sum_over_timesteps` after:"
                " pass the arguments after `average_across_batch` by keyword")  # fmt: skip
    return None


def _without_leading_blanks(lines: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    lines = list(lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return lines


CODEMOD = Seq2seqLoss
