"""The engine: one file in, migrated text and findings out.

    read bytes -> text prefilter -> decode -> parse once -> run the selected codemods in order
    -> verify the output parses -> (fix mode) write atomically

Metadata (positions, qualified names, scopes) is resolved once per tree and shared by every codemod
until one of them changes the tree. Nothing here raises for a bad file: every problem becomes a
`FileResult` with status `failed` and a reason, and the file is left as it was.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from functools import cache, partial

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper

from tf2migrate import deep, gc_policy, metadata
from tf2migrate.codemods import load_codemods, rules_by_code
from tf2migrate.codemods.base import FileRun, GraphMode, GraphModePassDue
from tf2migrate.codemods.imports import apply_import_edits
from tf2migrate.codemods.meta import UNUSED_SUPPRESSION
from tf2migrate.module_text import forget as forget_text
from tf2migrate.module_text import remember as remember_text
from tf2migrate.diffs import unified_diff
from tf2migrate.handoff import handed_on, rendered
from tf2migrate.findings import FileResult, FileStatus, Finding, FixState, traceback_text
from tf2migrate.linemap import LineMap
from tf2migrate.metadata import LazyMetadata
from tf2migrate.selection import Selection
from tf2migrate.sourcefile import SourceError, atomic_write, decode, read_bytes
from tf2migrate.suppression import SuppressionIndex
from tf2migrate.traversal import transform_module

PREFILTER = (b"tensorflow", b"keras")


class MigrationError(Exception):
    """The text cannot be migrated (it does not parse, or a rule produced broken output)."""


@dataclass
class Migration:
    original: str
    text: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass(frozen=True)
class Options:
    selection: Selection = Selection()
    write: bool = False  # rewrite files in place (fix without --dry-run)
    debug: bool = False  # internal errors carry their traceback (`--debug`)
    per_file: object | None = None  # config.PerFileSelections: configuration files' selection for each file

    def selection_for(self, path: str) -> Selection:
        return self.per_file.selection_for(path) if self.per_file is not None else self.selection  # type: ignore[attr-defined]


def _compiles(text: str) -> bool:
    """True when CPython compiles `text`: syntax *and* the symbol table (a `nonlocal` without a binding,
    a name both global and assigned before the declaration), which `ast.parse` alone does not check."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<tf2migrate>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _parse(text: str) -> cst.Module:
    python = _refuse_beyond_python(text)
    try:
        tree = cst.parse_module(text)
        remember_text(tree, text, python)  # rules reading the module's text, and positions, get it without a rendering
        return tree
    except cst.ParserSyntaxError as error:
        raise MigrationError(_syntax_error_reason(text, error)) from None
    except (RecursionError, MemoryError) as error:
        raise MigrationError(f"cannot parse: {type(error).__name__}") from None


def _refuse_beyond_python(text: str) -> ast.Module | None:
    """Code nested deeper than CPython's parser allows (about 3,000 levels) cannot run; LibCST's parser
    would crash the process on some of it (a stack overflow in native code), so it is not handed over."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (RecursionError, MemoryError):
        raise MigrationError(
            "syntax error: too deeply nested for Python's own parser (Python cannot run this file either); left untouched"
        ) from None
    except (SyntaxError, ValueError):
        return None  # reported by the parse that follows, in LibCST's or CPython's words


def _syntax_error_reason(text: str, error: cst.ParserSyntaxError) -> str:
    """CPython's own message where it has one (it names Python 2 constructs), else LibCST's."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError as python_error:
        return _cpython_reason(python_error)
    except (ValueError, RecursionError, MemoryError):
        pass
    detail = error.message.split(": expected one of")[0]
    return f"syntax error at line {error.editor_line}, column {error.editor_column}: {detail}"


def _cpython_reason(error: SyntaxError) -> str:
    py2 = " (Python 2 code? port it to Python 3 first)" if _looks_like_python2(error) else ""
    return f"syntax error at line {error.lineno}, column {error.offset}: {error.msg}{py2}"


def _looks_like_python2(error: SyntaxError) -> bool:
    line = (error.text or "").strip()
    return (
        "Missing parentheses" in error.msg
        or "leading zeros in decimal integer literals" in error.msg  # `0777`
        or line.startswith(("print ", "exec "))
        or ("except" in line and "," in line and " as " not in line)
        or "<>" in line
        or "`" in line
    )


def migrate_text(text: str, selection: Selection, filename: str = "<string>") -> Migration:
    """Run every selected codemod over `text`; raise MigrationError when it cannot be done safely.

    A file that stays in graph mode (the fallback, TFM260, found it drives a TF1 graph) after a rule applied a
    rewrite not proven to run in graph mode (`FileRun.graph_unproven`) is migrated again with `graph_mode` set,
    so that such rewrites are reported instead of applied: their output would crash (or compute something
    else) where the input ran. That pass resumes from the first pass's record (`_graph_mode_pass`).
    """
    if "\r" in text and "\n" not in text:
        # CR-only line endings: LibCST drops the last one. Python reads each `\r` as `\n` anyway.
        migration = migrate_text(text.replace("\r", "\n"), selection, filename)
        return Migration(original=text, text=migration.text.replace("\n", "\r"), findings=migration.findings)
    with gc_policy.collector_policy():
        return _migrate_both_passes(text, selection, filename)


def _migrate_both_passes(text: str, selection: Selection, filename: str) -> Migration:
    first = _Pass(text, selection, filename, graph_mode=False, record=True)
    migration = first.run(stop_when_graph_mode_pass_due=True)
    if first.graph_mode_pass_due:
        return _with_first_reasons(_graph_mode_pass(first), first.findings)
    assert migration is not None
    return migration


# What kept a Session program in graph mode (the Session rewrite's declines, TFM211-TFM229).
SESSION_DECLINES = frozenset(f"TFM2{n}" for n in range(11, 30))


def _is_session_decline(finding: Finding) -> bool:
    return finding.code in SESSION_DECLINES and finding.fix is FixState.MANUAL


# The graph-mode fallback's rule: the codemod owning it decides whether a file stays in graph mode.
FALLBACK = "TFM260"


@cache
def _declines_known() -> int:
    """How many codemods of the pipeline have run when the first pass's Session declines are all known: the
    Session rules run before the graph-mode fallback (it judges what they left), so a graph-mode pass can be
    due only once the fallback ran, and a first pass that knows it is due stops there. No codemod after the
    fallback reports a manual decline (MnistReader owns TFM215 but only applies it): one that does fails the
    file as an internal error (`_Pass._run_one`), so the golden fixtures would show it."""
    return 1 + next(i for i, codemod in enumerate(load_codemods()) if any(r.code == FALLBACK for r in codemod.RULES))


def _with_first_reasons(migration: Migration, first: list[Finding]) -> Migration:
    """The graph-mode pass's Session declines replaced by the first pass's (`first`: its findings): the first
    pass saw the rewrites the graph-mode pass leaves out (RNN cells as Keras layers, ...), so its reasons are
    the ones a person can act on (a declined Keras RNN layer is not what kept the program in graph mode)."""
    reasons = [f for f in sorted(first, key=lambda f: (f.line, f.column, f.code)) if _is_session_decline(f)]
    if not reasons:
        return migration
    kept = [f for f in migration.findings if not _is_session_decline(f)]
    findings = sorted([*kept, *reasons], key=lambda f: (f.line, f.column, f.code))
    return Migration(original=migration.original, text=migration.text, findings=findings)


def _migrate_once(text: str, selection: Selection, filename: str, graph_mode: bool) -> tuple[Migration, int, bool]:
    """One whole pass from the text as read (the graph-mode pass of `migrate_text` resumes instead)."""
    one = _Pass(text, selection, filename, graph_mode=graph_mode)
    return one.run(), one.graph_unproven, one.stays_in_graph_mode


@dataclass
class _Step:
    """One codemod of a recorded pass: what it was given (the text, how many findings came before it) and
    what it gave back. `graph_mode_read`: it read `FileRun.graph_mode` (or counted a graph-unproven rewrite),
    so with `graph_mode` set it may do something else; a codemod that did not read it did, on the same input,
    exactly what it would do in the graph-mode pass."""

    text: str
    findings_before: int
    wanted: bool
    graph_mode_read: bool = False
    findings: list[Finding] = field(default_factory=list)
    used_suppressions: set[tuple[int, str]] = field(default_factory=set)
    text_after: str = ""
    tree_after: cst.Module | None = None  # the tree handed on after it (None: the text did not change)


class _Pass:
    """The codemods of `load_codemods()` run in order over one text (one pass of `migrate_text`)."""

    def __init__(self, text: str, selection: Selection, filename: str, graph_mode: bool, record: bool = False) -> None:
        self.original = text
        self.selection = selection
        self.filename = filename
        self.graph_mode = graph_mode
        self.steps: list[_Step] | None = [] if record else None
        self.replayed: list[Finding] = []  # the findings of the pass being replayed (`run`'s `replay`)
        self.rules = rules_by_code()
        self.findings: list[Finding] = []
        self.used_suppressions: set[tuple[int, str]] = set()
        self.graph_unproven = 0
        self.stays_in_graph_mode = False
        self.ended_at_verdict = False  # `_run_one` ended this pass at the graph-mode fallback's verdict
        self.text = text  # the current text
        self.tree: cst.Module | None = None  # parsed from self.text (None: not parsed yet)
        self.parsed: cst.Module | None = None  # the tree of the text as read
        self.wrapper: MetadataWrapper | None = None
        self.linemap: LineMap | None = None  # of self.text (None: not made yet)
        self.suppressions: SuppressionIndex | None = None

    @property
    def graph_mode_pass_due(self) -> bool:
        """A rule applied a rewrite not proven to run in graph mode, and the file stays in graph mode."""
        return bool(self.graph_unproven) and self.stays_in_graph_mode

    def run(self, start: int = 0, replay: list[_Step] | None = None, stop_when_graph_mode_pass_due: bool = False) -> Migration | None:
        """Run the codemods from the `start`-th on; `replay`: a recorded pass whose steps are reused where
        this pass gives a codemod the same input and the codemod did not read `graph_mode`. With
        `stop_when_graph_mode_pass_due`, None once that pass is due and this one's Session declines are known:
        its result would be thrown away (`migrate_text` keeps only those declines)."""
        if start == 0:
            self.tree = self.parsed = _parse(self.text)
            gc_policy.tree_parsed()
        for index, codemod_class in enumerate(load_codemods()):
            if index < start:
                continue
            if stop_when_graph_mode_pass_due and index >= _declines_known() and self.graph_mode_pass_due:
                return None
            step = replay[index] if replay is not None and index < len(replay) else None
            if step is not None and not step.graph_mode_read and self._same_input(step):
                self._reuse(step)
                continue
            if not self._run_one(index, codemod_class, abandon_when_kept=stop_when_graph_mode_pass_due and self.graph_unproven > 0):
                return None
        return self._finish()

    def _same_input(self, step: _Step) -> bool:
        return (
            len(self.findings) == step.findings_before
            and self.text == step.text
            and self.findings == self.replayed[: step.findings_before]
        )

    def _reuse(self, step: _Step) -> None:
        self.findings.extend(step.findings)
        self.used_suppressions |= step.used_suppressions
        if step.wanted and step.text_after != self.text:
            self._new_text(step.text_after)
            if step.tree_after is not None:  # the very tree the recorded pass handed on (trees are immutable)
                self.tree = step.tree_after
                remember_text(self.tree, self.text)

    def _new_text(self, text: str) -> None:
        if self.tree is not None:
            forget_text(self.tree)
        self.tree = self.wrapper = self.linemap = self.suppressions = None
        self.text = text
        gc_policy.tree_released()

    def _run_one(self, index: int, codemod_class: type, abandon_when_kept: bool = False) -> bool:
        """Run one codemod; False when it ended this pass (`GraphModePassDue`: with `abandon_when_kept`, the
        graph-mode fallback kept the file in graph mode after a graph-unproven rewrite, so the graph-mode
        pass is due and `migrate_text` keeps nothing of this pass but its Session declines, all known by
        then, and the steps before this one)."""
        step = _Step(self.text, len(self.findings), codemod_class.wanted(self.text, self.selection))  # type: ignore[attr-defined]
        if self.steps is not None:
            self.steps.append(step)
        if not step.wanted:
            step.text_after = self.text
            return True
        if self.tree is None:
            self.tree = _parse_output(self.text, codemod_class)
            remember_text(self.tree, self.text)
        if self.wrapper is None:
            self.wrapper = MetadataWrapper(self.tree, unsafe_skip_copy=True)
        if self.linemap is None:
            self.linemap = LineMap(self.original, self.text)
            self.suppressions = SuppressionIndex.from_text(self.text)
        wrapper = self.wrapper
        context = CodemodContext(filename=self.filename, wrapper=wrapper)
        graph = GraphMode(self.graph_mode)
        run = FileRun(
            selection=self.selection, suppressions=self.suppressions, linemap=self.linemap,  # type: ignore[arg-type]
            rules=self.rules, earlier=tuple(self.findings), graph=graph, abandon_when_kept=abandon_when_kept,
        )
        parse = partial(_parse_output, codemod_class=codemod_class)
        try:
            codemod = codemod_class(context, run)
            codemod.metadata = LazyMetadata(wrapper, codemod.get_inherited_dependencies())
            try:
                new_tree = transform_module(wrapper.module, codemod)
            finally:
                codemod.metadata = {}
            if run.fixes_applied and _has_import_edits(context):
                # LibCST's import visitors resolve scopes of their own: they get a tree without shared nodes
                new_tree = apply_import_edits(
                    context, new_tree, lambda tree: handed_on(wrapper.module, tree, None, parse), lambda tree: rendered(wrapper.module, self.text, tree)
                )
        except GraphModePassDue:
            if index != _declines_known() - 1:  # only the fallback's verdict may end a pass: the declines are all known then
                raise MigrationError(f"internal error in {codemod_class.__name__}: ended a pass before the graph-mode fallback") from None
            self.stays_in_graph_mode = self.ended_at_verdict = True
            step.graph_mode_read = True  # never replayed: it did not finish
            return False
        except MigrationError:
            raise
        except Exception as error:  # a bug in a rule must not take the run (or the file) down
            raise MigrationError(f"internal error in {codemod_class.__name__}: {type(error).__name__}: {error}") from error
        if index >= _declines_known() and any(_is_session_decline(f) for f in run.findings):
            # what `migrate_text` relies on when it stops a first pass there (`_declines_known`)
            raise MigrationError(f"internal error in {codemod_class.__name__}: reported a Session decline after the graph-mode fallback")
        self.findings.extend(run.findings)
        self.used_suppressions |= run.used_suppressions
        self.graph_unproven += run.graph_unproven
        self.stays_in_graph_mode |= run.stays_in_graph_mode
        step.graph_mode_read = graph.read or bool(run.graph_unproven)
        step.findings, step.used_suppressions, step.text_after = run.findings, run.used_suppressions, self.text
        if run.fixes_applied:
            new_text = rendered(self.tree, self.text, new_tree)  # the changed top-level statements rendered
            if new_text != self.text:
                # The next rule gets the tree a parse of the output gives, every node once (metadata is keyed
                # by node), made by parsing the changed top-level statements only (`tf2migrate/handoff.py`).
                # The rule's metadata is let go first (a tree takes ~0.8 kB a node, ~25 kB a line of TF1 code).
                carried = metadata.take_over(wrapper)
                del codemod, context, wrapper
                tree = handed_on(self.tree, new_tree, new_text, parse)
                del new_tree
                self._new_text(new_text)
                self.tree = tree
                remember_text(self.tree, new_text)
                metadata.hand_on(carried, self.tree)  # its parents and contexts, walking only what changed
                step.text_after, step.tree_after = new_text, self.tree
        return True

    def _finish(self) -> Migration:
        findings = self.findings + _unused_suppressions(self.original, self.selection, self.used_suppressions, self.rules)
        if self.text != self.original and not _compiles(self.text) and _compiles(self.original):
            raise MigrationError("internal error: the migrated text does not compile; file left untouched")
        findings.sort(key=lambda f: (f.line, f.column, f.code))
        return Migration(original=self.original, text=self.text, findings=findings)


def _graph_mode_pass(first: _Pass) -> Migration:
    """The pass of `migrate_text` with `graph_mode` set, resumed from the first pass's record: every codemod
    before the first one that read `graph_mode` did the same thing in both passes, so the pass starts from
    the state before that one (its text, findings and used suppressions); after it, a codemod that did not
    read `graph_mode` and is given the same text and findings as in the first pass gives the same result."""
    steps = first.steps
    assert steps is not None
    start = next(index for index, step in enumerate(steps) if step.graph_mode_read)
    resumed = _Pass(first.original, first.selection, first.filename, graph_mode=True)
    resumed.replayed = first.findings
    before = steps[start]
    resumed.findings = first.findings[: before.findings_before]
    for step in steps[:start]:
        resumed.used_suppressions |= step.used_suppressions
    resumed.text = before.text
    if before.text is first.text:
        # No codemod changed the text from there on: the first pass's last tree (and its metadata) is that text's.
        resumed.tree, resumed.wrapper = first.tree, first.wrapper
    else:  # the tree the first pass had for that text (the last one handed on before it, or the first parse)
        resumed.tree = next((step.tree_after for step in reversed(steps[:start]) if step.tree_after is not None), first.parsed)
        if resumed.tree is not None:
            remember_text(resumed.tree, before.text)
    if first.ended_at_verdict and first.tree is not None and first.tree is not resumed.tree:
        forget_text(first.tree)  # its text, CPython ast and walk, kept for the last trees asked about
    first.tree = first.wrapper = None
    if first.ended_at_verdict:  # what the fallback's unfinished run and the first pass's last metadata left
        gc_policy.tree_released()
    return resumed.run(start, replay=steps)


def _unused_suppressions(text: str, selection: Selection, used: set[tuple[int, str]], rules: dict) -> list[Finding]:
    if not selection.enabled(UNUSED_SUPPRESSION.code):
        return []
    findings = []
    for suppression in SuppressionIndex.from_text(text).all():
        judged = [code for code in sorted(suppression.codes) if code == "*" or (code in rules and selection.enabled(code))]
        unknown = [code for code in sorted(suppression.codes) if code != "*" and code not in rules]
        used_here = {code for line, code in used if line == suppression.line}
        unused = [code for code in judged if code not in used_here and not (code == "*" and used_here)]
        if unknown:
            message = f"suppression names unknown rule code(s) {', '.join(unknown)}"
        elif unused:
            message = f"suppression of {', '.join('every rule' if c == '*' else c for c in unused)} silences nothing here; remove it"
        else:
            continue
        findings.append(
            Finding(UNUSED_SUPPRESSION.code, UNUSED_SUPPRESSION.name, suppression.line, 0, message, FixState.MANUAL)
        )
    return findings


def _parse_output(text: str, codemod_class: type) -> cst.Module:
    """Parse what a rule wrote; a rule that broke the file is an internal error (the file is left untouched).
    (Whole texts only where `handoff.handed_on` cannot parse just the changed statements; the text the last
    rule wrote is compiled in `_Pass._finish`, which also proves it parses.)"""
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise MigrationError(
            f"internal error in {codemod_class.__name__}: the migrated text does not parse ({error.message}); file left untouched"
        ) from None


def _has_import_edits(context: CodemodContext) -> bool:
    return bool(context.scratch.get(AddImportsVisitor.CONTEXT_KEY) or context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY))


def migrate_source(text: str, selection: Selection, filename: str) -> Migration:
    """`migrate_text`, with deeply nested code retried on a deeper stack (`tf2migrate/deep.py`): the entry
    point of files and notebooks alike."""
    try:
        return migrate_text(text, selection, filename=filename)
    except (MigrationError, RecursionError) as error:
        if not deep.is_recursion(error):
            raise
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, filename, "exec", dont_inherit=True)
    except SyntaxError as python_error:  # beyond CPython's own parser (e.g. 200+ nested parentheses)
        raise MigrationError(_cpython_reason(python_error)) from None
    except (ValueError, MemoryError, RecursionError):
        pass
    try:
        return deep.call_with_deep_stack(migrate_text, text, selection, filename)
    except (MigrationError, RecursionError) as error:
        if deep.is_recursion(error):
            raise MigrationError("too deeply nested for the parser and the rules (expressions nested thousands of levels); left untouched") from None
        raise


def process_file(path: str, options: Options, display_path: str | None = None) -> FileResult:
    """Migrate one file on disk; never raises for a problem with the file."""
    shown = display_path or path
    if path.endswith(".ipynb"):
        from tf2migrate.notebooks import process_notebook

        return process_notebook(path, options, shown)
    try:
        data = read_bytes(path)
    except SourceError as error:
        return FileResult(shown, FileStatus.FAILED, str(error))
    if not any(marker in data for marker in PREFILTER):
        return FileResult(shown, FileStatus.SKIPPED, "mentions neither tensorflow nor keras")
    try:
        source = decode(path, data)
        migration = migrate_source(source.text, options.selection_for(path), path)
    except (SourceError, MigrationError) as error:
        reason = str(error)
        if options.debug and error.__cause__ is not None:
            reason += "\n" + traceback_text(error.__cause__)
        return FileResult(shown, FileStatus.FAILED, reason)
    result = FileResult(shown, FileStatus.UNCHANGED, findings=migration.findings)
    if not migration.changed:
        return result
    result.status = FileStatus.CHANGED
    try:
        new_bytes = source.encode(migration.text)
        result.diff = unified_diff(shown, data, new_bytes)
        if options.write:
            atomic_write(path, new_bytes, expected=data)
    except SourceError as error:
        result.status = FileStatus.FAILED
        result.reason = str(error)
    return result
