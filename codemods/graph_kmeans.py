"""TFM283-TFM284 graph-kmeans: TF1's `tf.contrib.factorization.KMeans` in a file left in graph mode becomes a class
written into the file.

What it matches
    In a file that stays in graph mode (TFM260, the engine's graph-mode pass), every use of
    `tf.contrib.factorization.KMeans` in the spellings the imports allow (`from tensorflow.contrib.factorization
    import KMeans`, `tf.contrib.factorization.KMeans`, the `...python.ops.clustering_ops` module path), and of the
    module's constants (`RANDOM_INIT`, `KMEANS_PLUS_PLUS_INIT`, `KMC2_INIT`, `SQUARED_EUCLIDEAN_DISTANCE`,
    `COSINE_DISTANCE`):

        kmeans = KMeans(inputs=X, num_clusters=k, distance_metric='cosine', use_mini_batch=True)
        (all_scores, cluster_idx, scores, cluster_centers_initialized, init_op, train_op) = kmeans.training_graph()

What it writes (TFM283)
    The calls become calls of a `KMeans` class written into the file once (before the first module-level
    statement that uses it; `GraphKMeans` when the file binds `KMeans` otherwise), the constants their string
    values, and the contrib imports go. The class is TF 1.15's `KMeans` and `_InitializeClustersOpFactory`
    (contrib/factorization/python/ops/clustering_ops.py) on `tf.compat.v1` and the clustering kernels TF 2.21 still
    has, `tf.raw_ops.NearestNeighbors`, `KmeansPlusPlusInitialization`, `KMC2ChainInitialization`: the same
    constructor (inputs, num_clusters, initial_clusters "random" / "kmeans_plus_plus" / "kmc2" / a tensor or array /
    a function, distance_metric "squared_euclidean" / "cosine", use_mini_batch, mini_batch_steps_per_iteration,
    random_seed, kmeans_plus_plus_num_retries, kmc2_chain_length), the same variables (`clusters`, `initialized`,
    `clusters_updated`, `update_in_steps`, the counts), the same init op, mini-batch and full-batch training ops
    and seeds, so the same data gives the same centers and assignments. `training_graph()` returns TF 1.15's
    6-tuple (all_scores, cluster_idx, scores, cluster_centers_initialized, init_op, training_op); when the file
    unpacks it into 7 names, the 7-tuple TF 1.4's contrib returned, with `cluster_centers_var` (the variable
    holding the centers) fifth. Only `tf.colocate_with` blocks are left out (device placement, no effect on values).

When it declines (TFM284, manual)
    A use other than a call (the class subclassed or passed around), a file that unpacks `training_graph()` into
    another number of names (TF 1.3's 4-tuple), a file importing TF2's `tensorflow` beside `tensorflow.compat.v1`:
    every use is left as it is and reported; TFM310 still says the module is gone.

Why
    `tf.contrib` is gone from TensorFlow 2, and TF2 has no k-means class (the estimator went in TF 2.16). The
    kernels are still there, and TF1's class was Python over them: written out, a graph-mode program runs as it did.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from .base import Codemod, Rule
from .builders import docstring_has
from .imports import module_alias, schedule_removal_of_imports_used_by

MARK = "(written by tf2migrate, TFM283)"
MODULES = ("tf.contrib.factorization", "tf.contrib.factorization.python.ops.clustering_ops")
CONSTANTS = {
    "RANDOM_INIT": '"random"',
    "KMEANS_PLUS_PLUS_INIT": '"kmeans_plus_plus"',
    "KMC2_INIT": '"kmc2"',
    "SQUARED_EUCLIDEAN_DISTANCE": '"squared_euclidean"',
    "COSINE_DISTANCE": '"cosine"',
}
CLASS_NAMES = frozenset(f"{module}.KMeans" for module in MODULES)
CONSTANT_NAMES = {f"{module}.{name}": value for module in MODULES for name, value in CONSTANTS.items()}
RETURNS = {
    6: "(all_scores, cluster_idx, scores, cluster_centers_initialized, init_op, training_op)",
    7: "(all_scores, cluster_idx, scores, cluster_centers_initialized, cluster_centers_var, init_op, training_op)",
}

RULE = Rule(
    code="TFM283",
    name="graph-kmeans",
    fix=FixKind.SAFE,
    summary="`tf.contrib.factorization.KMeans` in a graph-mode file becomes TF 1.15's class written into the file, on `tf.compat.v1` and `tf.raw_ops`' clustering kernels.",
    explanation="""
        `tf.contrib.factorization` is gone from TensorFlow 2, but the kernels TF1's `KMeans` ran are still
        there (`tf.raw_ops.NearestNeighbors`, `KmeansPlusPlusInitialization`, `KMC2ChainInitialization`), and
        the class was Python over them. In a Session program left in graph mode (TFM260), the rewrite writes
        TF 1.15's `KMeans` into the file on `tf.compat.v1` (a class `KMeans`, or `GraphKMeans` when the name is
        taken): the same constructor (initial clusters "random", "kmeans_plus_plus", "kmc2", a tensor or a
        function; "squared_euclidean" or "cosine" distance; full-batch or mini-batch with
        `mini_batch_steps_per_iteration`; `random_seed`, `kmeans_plus_plus_num_retries`, `kmc2_chain_length`),
        the same variables, init op, training ops and seeds, so the same data gives the same centers and
        assignments. `training_graph()` returns TF 1.15's 6-tuple, or TF 1.4's 7-tuple (with
        `cluster_centers_var` fifth) in a file that unpacks 7 names. The module's constants become their
        strings and the contrib import goes. Other uses of the class (subclassed, passed around) and other
        unpackings of `training_graph()` are reported (TFM284).
    """,
    before="""
        from tensorflow.contrib.factorization import KMeans
        kmeans = KMeans(inputs=X, num_clusters=25, distance_metric='cosine', use_mini_batch=True)
        (all_scores, cluster_idx, scores, initialized, init_op, train_op) = kmeans.training_graph()
    """,
    after="""
        class KMeans:
            \"\"\"TF1's `tf.contrib.factorization.KMeans` (gone in TF 2) ... (written by tf2migrate, TFM283)\"\"\"
            ...  # TF 1.15's constructor, init op and training ops, written in full

        kmeans = KMeans(inputs=X, num_clusters=25, distance_metric='cosine', use_mini_batch=True)
        (all_scores, cluster_idx, scores, initialized, init_op, train_op) = kmeans.training_graph()
    """,
)

REPORT_RULE = Rule(
    code="TFM284",
    name="graph-kmeans-unsupported",
    fix=FixKind.MANUAL,
    summary="A use of `tf.contrib.factorization.KMeans` the written class cannot take (subclassed, passed around, `training_graph()` unpacked into another number of names): reported.",
    explanation="""
        TFM283 writes TF1's `KMeans` into a graph-mode file only when every use of the class is a call, and
        `training_graph()` is unpacked (if at all) into TF 1.15's 6 names or TF 1.4's 7. A subclass (which would
        reach TF1's private methods), the class passed as a value, TF 1.3's 4-tuple, or a file importing TF2's
        `tensorflow` beside `tensorflow.compat.v1` leaves every use as it is and reports it. What to do: run
        `tf2migrate fix` on a copy that uses the plain form and adapt the class it writes, or move to
        scikit-learn's `sklearn.cluster.KMeans` (its own initialisation: other centers).
    """,
    before="""
        class MyKMeans(tf.contrib.factorization.KMeans):
            ...
    """,
    after="""
        class MyKMeans(tf.contrib.factorization.KMeans):  # reported
            ...
    """,
)

HELPER = '''
class __NAME__:
    """TF1's `tf.contrib.factorization.KMeans` (gone in TF 2), TF 1.15's graph code on the clustering kernels TF 2
    still has (`raw_ops.NearestNeighbors`, `KmeansPlusPlusInitialization`, `KMC2ChainInitialization`): the same
    variables, init op, training ops and seeds; runs in graph mode, as TF1's did (written by tf2migrate, TFM283)."""

    def __init__(self, inputs, num_clusters, initial_clusters="random", distance_metric="squared_euclidean", use_mini_batch=False,
                 mini_batch_steps_per_iteration=1, random_seed=0, kmeans_plus_plus_num_retries=2, kmc2_chain_length=200):
        if isinstance(initial_clusters, str) and initial_clusters not in ("random", "kmeans_plus_plus", "kmc2"):
            raise ValueError("Unsupported initialization algorithm '%s'" % initial_clusters)
        if distance_metric not in ("squared_euclidean", "cosine"):
            raise ValueError("Unsupported distance metric '%s'" % distance_metric)
        self._inputs = inputs if isinstance(inputs, list) else [inputs]
        self._num_clusters = num_clusters
        self._initial_clusters = initial_clusters
        self._distance_metric = distance_metric
        self._use_mini_batch = use_mini_batch
        self._mini_batch_steps_per_iteration = int(mini_batch_steps_per_iteration)
        self._random_seed = random_seed
        self._kmeans_plus_plus_num_retries = kmeans_plus_plus_num_retries
        self._kmc2_chain_length = kmc2_chain_length

    def _clusters_l2_normalized(self):
        return self._distance_metric == "cosine" and (not self._use_mini_batch or self._mini_batch_steps_per_iteration > 1)

    def training_graph(self):
        """TF1's __RETURN__."""
        if isinstance(self._initial_clusters, str) or callable(self._initial_clusters):
            initial_clusters = self._initial_clusters
            num_clusters = __TF__.convert_to_tensor(self._num_clusters)
        else:
            initial_clusters = __TF__.convert_to_tensor(self._initial_clusters)
            num_clusters = __TF__.shape(initial_clusters)[0]
        cosine = self._distance_metric == "cosine"
        # the variables
        empty = __TF__.constant([], dtype=__TF__.float32)
        cluster_centers_var = __TF__.Variable(empty, name="clusters", validate_shape=False)
        cluster_centers_initialized = __TF__.Variable(False, dtype=__TF__.bool, name="initialized")
        if self._use_mini_batch and self._mini_batch_steps_per_iteration > 1:
            cluster_centers_updated = __TF__.Variable(empty, name="clusters_updated", validate_shape=False)
            update_in_steps = __TF__.Variable(self._mini_batch_steps_per_iteration, dtype=__TF__.int64, name="update_in_steps")
            total_counts = __TF__.Variable(__TF__.zeros([num_clusters], dtype=__TF__.int64))
        else:
            cluster_centers_updated = cluster_centers_var
            update_in_steps = None
            total_counts = __TF__.Variable(__TF__.ones([num_clusters], dtype=__TF__.int64)) if self._use_mini_batch else None
        init_op = self._init_op(num_clusters, initial_clusters, cluster_centers_var, cluster_centers_updated, cluster_centers_initialized)
        # the assignment of each input row to its nearest center
        inputs = self._inputs
        cluster_centers = cluster_centers_var
        if cosine:
            inputs = [__TF__.nn.l2_normalize(inp, axis=1) for inp in inputs]
            if not self._clusters_l2_normalized():
                cluster_centers = __TF__.nn.l2_normalize(cluster_centers, axis=1)
        all_scores, scores, cluster_idx = [], [], []
        nearest_centers = cluster_centers
        if cosine and not self._clusters_l2_normalized():
            nearest_centers = __TF__.nn.l2_normalize(cluster_centers, axis=1)
        for inp in inputs:
            if cosine:
                all_scores.append(1 - __TF__.matmul(inp, cluster_centers, transpose_b=True))
            else:
                all_scores.append(__TF__.reduce_sum(__TF__.square(inp), 1, keepdims=True) - 2 * __TF__.matmul(inp, cluster_centers, transpose_b=True)
                                  + __TF__.transpose(__TF__.reduce_sum(__TF__.square(cluster_centers), 1, keepdims=True)))
            indices, distances = __TF__.raw_ops.NearestNeighbors(points=inp, centers=nearest_centers, k=1)
            if cosine:
                distances *= 0.5
            scores.append(__TF__.squeeze(distances, [-1]))
            cluster_idx.append(__TF__.squeeze(indices, [-1]))
        all_scores, scores, cluster_idx = tuple(all_scores), tuple(scores), tuple(cluster_idx)
        # the training op
        if self._use_mini_batch:
            sync_updates_op = self._mini_batch_sync_updates_op(update_in_steps, cluster_centers_var, cluster_centers_updated, total_counts)
            with __TF__.control_dependencies([sync_updates_op]):
                training_op = self._mini_batch_training_op(inputs, cluster_idx, cluster_centers_updated, total_counts)
        else:
            training_op = self._full_batch_training_op(inputs, num_clusters, cluster_idx, cluster_centers_var)
        return __RETURN__

    def _mini_batch_sync_updates_op(self, update_in_steps, cluster_centers_var, cluster_centers_updated, total_counts):
        """Every `mini_batch_steps_per_iteration` steps, the centers updated each step are copied to the ones used to assign rows."""
        if not (self._use_mini_batch and self._mini_batch_steps_per_iteration > 1):
            return __TF__.no_op()

        def sync():
            with __TF__.control_dependencies([__TF__.assign(update_in_steps, self._mini_batch_steps_per_iteration - 1)]):
                if self._distance_metric == "cosine":
                    cluster_centers = __TF__.nn.l2_normalize(cluster_centers_updated, axis=1)
                else:
                    cluster_centers = cluster_centers_updated
                with __TF__.control_dependencies([__TF__.assign(cluster_centers_var, cluster_centers)]):
                    with __TF__.control_dependencies([__TF__.assign(total_counts, __TF__.zeros_like(total_counts))]):
                        return __TF__.identity(update_in_steps)

        return __TF__.cond(update_in_steps <= 0, sync, lambda: __TF__.assign_sub(update_in_steps, 1))

    def _mini_batch_training_op(self, inputs, cluster_idx_list, cluster_centers, total_counts):
        """A center with count n and k new rows d_i moves by (sum_i d_i - k * center) / (n + k)."""
        update_ops = []
        for inp, cluster_idx in zip(inputs, cluster_idx_list):
            cluster_idx = __TF__.reshape(cluster_idx, [-1])
            unique_ids, unique_idx = __TF__.unique(cluster_idx)
            num_unique_cluster_idx = __TF__.size(unique_ids)
            old_counts = __TF__.gather(total_counts, unique_ids)
            old_cluster_centers = __TF__.gather(cluster_centers, unique_ids)
            count_updates = __TF__.math.unsorted_segment_sum(__TF__.ones_like(unique_idx, dtype=total_counts.dtype), unique_idx, num_unique_cluster_idx)
            cluster_center_updates = __TF__.math.unsorted_segment_sum(inp, unique_idx, num_unique_cluster_idx)
            broadcast_shape = __TF__.concat([__TF__.reshape(num_unique_cluster_idx, [1]), __TF__.ones(__TF__.reshape(__TF__.rank(inp) - 1, [1]), dtype=__TF__.int32)], 0)
            cluster_center_updates -= __TF__.cast(__TF__.reshape(count_updates, broadcast_shape), inp.dtype) * old_cluster_centers
            learning_rate = __TF__.math.reciprocal(__TF__.cast(old_counts + count_updates, inp.dtype))
            learning_rate = __TF__.reshape(learning_rate, broadcast_shape)
            cluster_center_updates *= learning_rate
            update_counts = __TF__.scatter_add(total_counts, unique_ids, count_updates)
            update_cluster_centers = __TF__.scatter_add(cluster_centers, unique_ids, cluster_center_updates)
            update_ops.extend([update_counts, update_cluster_centers])
        return __TF__.group(*update_ops)

    def _full_batch_training_op(self, inputs, num_clusters, cluster_idx_list, cluster_centers):
        """Each center becomes the mean of its rows (sum / (count + 1e-6))."""
        cluster_sums = []
        cluster_counts = []
        epsilon = __TF__.constant(1e-6, dtype=inputs[0].dtype)
        for inp, cluster_idx in zip(inputs, cluster_idx_list):
            cluster_sums.append(__TF__.math.unsorted_segment_sum(inp, cluster_idx, num_clusters))
            ones = __TF__.reshape(__TF__.ones(__TF__.reshape(__TF__.shape(inp)[0], [-1])), [-1, 1])
            cluster_counts.append(__TF__.math.unsorted_segment_sum(ones, cluster_idx, num_clusters))
        new_clusters_centers = __TF__.add_n(cluster_sums) / (__TF__.cast(__TF__.add_n(cluster_counts), cluster_sums[0].dtype) + epsilon)
        if self._clusters_l2_normalized():
            new_clusters_centers = __TF__.nn.l2_normalize(new_clusters_centers, axis=1)
        return __TF__.assign(cluster_centers, new_clusters_centers)

    def _init_op(self, num_clusters, initial_clusters, cluster_centers, cluster_centers_updated, cluster_centers_initialized):
        """TF1's init op: adds up to the centers still missing, from the batch it is run on, until there are `num_clusters`."""
        inputs = self._inputs
        cosine = self._distance_metric == "cosine"
        seed = self._random_seed
        num_selected = __TF__.shape(cluster_centers)[0]
        num_remaining = num_clusters - num_selected
        num_data = __TF__.add_n([__TF__.shape(i)[0] for i in inputs])

        def random():
            indices = __TF__.random.uniform(__TF__.reshape(num_remaining, [-1]), minval=0, maxval=__TF__.cast(num_data, __TF__.int64), seed=seed, dtype=__TF__.int64)
            return __TF__.nn.embedding_lookup(inputs, indices, partition_strategy="div")

        def kmeans_plus_plus():
            inp = inputs[0]
            if cosine:
                inp = __TF__.nn.l2_normalize(inp, axis=1)
            return __TF__.raw_ops.KmeansPlusPlusInitialization(points=inp, num_to_sample=__TF__.cast(num_remaining, __TF__.int64), seed=seed,
                                                              num_retries_per_sample=self._kmeans_plus_plus_num_retries)

        def choose_initial_centers():
            if isinstance(initial_clusters, str):
                if initial_clusters == "random":
                    return __TF__.cond(num_data <= num_remaining, lambda: __TF__.concat(inputs, 0), random)
                with __TF__.control_dependencies([__TF__.assert_greater_equal(num_data, num_remaining)]):
                    return kmeans_plus_plus()
            if callable(initial_clusters):
                return initial_clusters(inputs, num_remaining)
            with __TF__.control_dependencies([__TF__.assert_equal(num_remaining, __TF__.shape(initial_clusters)[0])]):
                return initial_clusters

        def add_new_centers():
            new_centers = choose_initial_centers()
            if cosine:
                new_centers = __TF__.nn.l2_normalize(new_centers, axis=1)
            all_centers = __TF__.cond(__TF__.equal(num_selected, 0), lambda: new_centers, lambda: __TF__.concat([cluster_centers, new_centers], 0))
            a = __TF__.assign(cluster_centers, all_centers, validate_shape=False)
            if cluster_centers_updated is not cluster_centers:
                a = __TF__.assign(cluster_centers_updated, a, validate_shape=False)
            return num_clusters - __TF__.shape(a)[0]

        def kmc2_multiple_centers():
            first_shard = inputs[0]
            batch_size = __TF__.shape(first_shard)[0]
            max_to_sample = __TF__.cast(batch_size / self._kmc2_chain_length, dtype=__TF__.int32)
            num_to_sample = __TF__.maximum(__TF__.minimum(num_remaining, max_to_sample), 1)

            def body(i, _):
                def sample_random():
                    new_center = __TF__.reshape(first_shard[0], [1, -1])
                    if cosine:
                        new_center = __TF__.nn.l2_normalize(new_center, axis=1)
                    return new_center

                def sample_kmc2_chain():
                    start = i * self._kmc2_chain_length
                    subset = first_shard[start:start + self._kmc2_chain_length]
                    _, distances = __TF__.raw_ops.NearestNeighbors(points=subset, centers=cluster_centers, k=1)
                    new_center_index = __TF__.raw_ops.KMC2ChainInitialization(distances=__TF__.squeeze(distances), seed=seed)
                    newly_sampled_center = __TF__.reshape(subset[new_center_index], [1, -1])
                    if cosine:
                        newly_sampled_center = __TF__.nn.l2_normalize(newly_sampled_center, axis=1)
                    return __TF__.concat([cluster_centers, newly_sampled_center], 0)

                new_centers = __TF__.cond(__TF__.equal(num_selected, 0), sample_random, sample_kmc2_chain)
                assigned_centers = __TF__.assign(cluster_centers, new_centers, validate_shape=False)
                if cluster_centers_updated is not cluster_centers:
                    assigned_centers = __TF__.assign(cluster_centers_updated, assigned_centers, validate_shape=False)
                return i + 1, num_clusters - __TF__.shape(assigned_centers)[0]

            _, now_remaining = __TF__.while_loop(lambda i, _: __TF__.less(i, num_to_sample), body, [0, 0])
            return now_remaining

        def initialize():
            with __TF__.control_dependencies([__TF__.assert_positive(num_remaining)]):
                num_now_remaining = kmc2_multiple_centers() if initial_clusters == "kmc2" else add_new_centers()
                return __TF__.cond(__TF__.equal(num_now_remaining, 0), lambda: __TF__.assign(cluster_centers_initialized, True), __TF__.no_op)

        return __TF__.cond(__TF__.equal(num_remaining, 0), lambda: __TF__.assert_equal(cluster_centers_initialized, True), initialize)
'''


def written(node: cst.CSTNode) -> bool:
    """True for the class this rule wrote (its docstring says so)."""
    return isinstance(node, cst.ClassDef) and docstring_has(node, MARK)


class GraphKMeans(Codemod):
    RULES = (RULE, REPORT_RULE)
    TRIGGERS = ("factorization",)

    def visit_Module(self, node: cst.Module) -> bool:
        self.replaced: dict[int, cst.BaseExpression] = {}
        self.anchor: cst.CSTNode | None = None
        self.anchor_updated: object = None
        self.block = ""
        self.imported: set[int] = set()
        classes, constants = self._uses(node)
        if not classes and not constants:
            return False
        if not self.run.graph_mode:
            self.run.graph_unproven += 1  # runs only where the file stays in graph mode: ask for that pass
            return False
        why = self._declined(node, classes)
        if why is not None:
            for use, reason in why:
                self.flag(use, REPORT_RULE.code, f"TF1's `tf.contrib.factorization.KMeans` (gone in TF2) is left as it is: {reason}")
            return False
        tf2_alias, v1_alias = module_alias(node, "tensorflow"), module_alias(node, "tensorflow.compat.v1")
        tf = tf2_alias or v1_alias
        uses = sorted([*classes, *constants], key=self.position)
        count = f" ({len(classes)} uses)" if len(classes) > 1 else ""
        if not self.offer_fix(uses[0], RULE.code, f"TF1's `tf.contrib.factorization.KMeans` (gone in TF2) in a file that stays in graph mode (TFM260): now TF 1.15's class written into this file, on `{tf}` and `{tf}.raw_ops`' clustering kernels{count}"):
            return False
        name = self._class_name(node)
        for use in classes:
            self.replaced[id(use)] = cst.Name(name)
            schedule_removal_of_imports_used_by(self.context, use)
        for use in constants:
            self.replaced[id(use)] = cst.SimpleString(CONSTANT_NAMES[self.qualified_name(use) or ""])
            schedule_removal_of_imports_used_by(self.context, use)
        if classes:
            size = 7 if 7 in self._unpacked(node) else 6
            self.block = HELPER.replace("__NAME__", name).replace("__TF__", tf or "tf").replace("__RETURN__", RETURNS[size])
            order = {id(statement): index for index, statement in enumerate(node.body)}
            self.anchor = min((self._module_statement(use) for use in classes), key=lambda statement: order[id(statement)])
        return True

    def _uses(self, module: cst.Module) -> tuple[list[cst.BaseExpression], list[cst.BaseExpression]]:
        """The expressions naming TF1's class and the module's constants, outside import statements and outside a
        class this rule wrote."""
        classes: list[cst.BaseExpression] = []
        constants: list[cst.BaseExpression] = []
        qualified_name = self.qualified_name

        class Finder(cst.CSTVisitor):
            def visit_Import(self, node: cst.Import) -> bool:
                return False

            def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
                return False

            def visit_ClassDef(self, node: cst.ClassDef) -> bool:
                return not written(node)

            def _found(self, node: cst.BaseExpression) -> bool:
                name = qualified_name(node)
                if name in CLASS_NAMES:
                    classes.append(node)
                    return True
                if name in CONSTANT_NAMES:
                    constants.append(node)
                    return True
                return False

            def visit_Attribute(self, node: cst.Attribute) -> bool:
                if node.attr.value == "KMeans" or node.attr.value in CONSTANTS:
                    return not self._found(node)
                return True

            def visit_Name(self, node: cst.Name) -> bool:
                if node.value == "KMeans" or node.value in CONSTANTS:
                    self._found(node)
                return False

        module.visit(Finder())
        return classes, constants

    def _declined(self, module: cst.Module, classes: list[cst.BaseExpression]) -> list[tuple[cst.CSTNode, str]] | None:
        tf2_alias, v1_alias = module_alias(module, "tensorflow"), module_alias(module, "tensorflow.compat.v1")
        if tf2_alias is not None and v1_alias is not None and tf2_alias != v1_alias:
            return [(classes[0] if classes else module, "the file imports TF2's `tensorflow` beside `tensorflow.compat.v1`; the class is written on one TensorFlow alias")]
        if tf2_alias is None and v1_alias is None:
            return [(classes[0] if classes else module, "the file has no module-level `import tensorflow` to write the class on")]
        reasons: list[tuple[cst.CSTNode, str]] = []
        for use in classes:
            parent = self.get_metadata(ParentNodeProvider, use, None)
            if not (isinstance(parent, cst.Call) and parent.func is use):
                reasons.append((use, "a use other than a call (a subclass or the class passed around) would reach TF1's private methods: adapt the class by hand"))
        sizes = self._unpacked(module) - {6, 7}
        if classes and sizes:
            reasons.append((classes[0], f"`training_graph()` is unpacked into {min(sizes)} names (TF 1.3's tuple), which TF 1.15's class does not return"))
        return reasons or None

    def _unpacked(self, module: cst.Module) -> set[int]:
        """The numbers of names `x.training_graph()` (or a name bound to it) is unpacked into."""
        results: set[str] = set()
        assigns = list(find(module, cst.Assign))  # type: ignore[attr-defined]

        def is_graph_call(value: cst.BaseExpression) -> bool:
            return isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "training_graph"

        for assign in assigns:
            if is_graph_call(assign.value):
                for target in assign.targets:
                    if isinstance(target.target, cst.Name):
                        results.add(target.target.value)
        sizes: set[int] = set()
        for assign in assigns:
            value = assign.value
            if is_graph_call(value) or (isinstance(value, cst.Name) and value.value in results):
                for target in assign.targets:
                    if isinstance(target.target, (cst.Tuple, cst.List)):
                        sizes.add(len(target.target.elements))
        return sizes

    def _class_name(self, module: cst.Module) -> str:
        """`KMeans`, or `GraphKMeans` (with `_` added while taken) when the file binds `KMeans` to something else
        than TF1's class (scikit-learn's, say)."""
        imported = {alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else alias.name.value
                    for statement in find(module, cst.ImportFrom) if not isinstance(statement.names, cst.ImportStar)  # type: ignore[attr-defined]
                    for alias in statement.names if isinstance(alias.name, cst.Name)
                    and not (statement.module is not None and "factorization" in cst.Module(body=[]).code_for_node(statement.module))}  # fmt: skip
        bound = {n.value for n in find(module, cst.Name)} - {"KMeans"}  # type: ignore[attr-defined]
        bound |= imported
        bound |= {d.name.value for d in find(module, (cst.ClassDef, cst.FunctionDef))}  # type: ignore[attr-defined]
        name = "KMeans" if "KMeans" not in bound else "GraphKMeans"
        while name in bound:
            name += "_"
        return name

    def _module_statement(self, node: cst.CSTNode) -> cst.CSTNode:
        current = node
        while True:
            parent = self.get_metadata(ParentNodeProvider, current)
            if isinstance(parent, cst.Module):
                return current
            current = parent

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        replacement = self.replaced.get(id(original_node))
        if replacement is not None:
            return replacement
        result = super().on_leave(original_node, updated_node)
        if original_node is self.anchor:
            self.anchor_updated = result
        return result

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom | cst.RemovalSentinel:
        """`from tensorflow.contrib.factorization import KMeans, COSINE_DISTANCE` goes (what it imported is written)."""
        if not self.replaced or isinstance(original_node.names, cst.ImportStar) or original_node.module is None or original_node.relative:
            return updated_node
        module = cst.Module(body=[]).code_for_node(original_node.module)
        if "contrib.factorization" not in module:
            return updated_node
        kept = [alias for alias in updated_node.names if isinstance(alias.name, cst.Name) and alias.name.value not in {"KMeans", *CONSTANTS}]
        if len(kept) == len(updated_node.names):
            return updated_node
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.block:
            return updated_node
        body: list[cst.BaseStatement] = []
        for new in updated_node.body:
            if new is self.anchor_updated:
                statement = cst.parse_module(self.block.lstrip("\n"), config=original_node.config_for_parsing).body[0]
                body.append(statement.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]))
                blank = next((i for i, line in enumerate(new.leading_lines) if line.comment is not None), len(new.leading_lines))
                new = new.with_changes(leading_lines=[*[cst.EmptyLine()] * max(0, 2 - blank), *new.leading_lines])
            body.append(new)
        return updated_node.with_changes(body=body)


CODEMOD = GraphKMeans
