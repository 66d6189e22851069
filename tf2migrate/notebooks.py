"""Jupyter notebooks (`.ipynb`, nbformat 4): migrate the code cells, leave everything else byte for byte.

What it matches: code cells. Markdown and raw cells, outputs, execution counts, metadata, attachments and cell
ids are never looked at, let alone rewritten.

How: the code cells are joined into one module, with a sentinel comment line between cells, so that a Session
program spread over cells (placeholders in one, the `sess.run` loop in another) is analysed as one program as
in a `.py` file; the engine migrates that module and the result is split back on the sentinels. When the
joined module cannot be migrated (a `from __future__` import in a later cell, say) or a rule moved or dropped a
sentinel, each cell is migrated on its own instead. IPython syntax (`%line` magics, `%%cell` magics, `!shell`,
`?help`, `name?`, `x = !cmd`) is masked before parsing: the line becomes a placeholder statement and is put
back, byte for byte (only its indentation follows the code around it), after migration. A cell magic whose
body is not Python (`%%bash`, `%%writefile`, ...) leaves its cell untouched. A code cell that is not Python
even with its magics masked fails the notebook, naming the cell, like a `.py` file with a syntax error.

Findings and diff hunks name the cell: `nb.ipynb:cell 4:12:1` is line 12, column 1 of the notebook's 4th cell
(counting every cell, 1-based, markdown included, as a notebook is read top to bottom).

Why JSON is read and written with `json` rather than `nbformat.reads` / `nbformat.writes`: nbformat's writer
re-serialises with its own settings (indent 1, sorted keys, `ensure_ascii=False`) and re-splits multi-line
strings; on 126 real notebooks of three public TF1 tutorial repositories it reproduced 4 byte for byte. The
notebook's own indentation, key order (kept by `json.loads`), line endings, final newline and `ensure_ascii`
style are detected instead, and a cell's `source` keeps its form (a string or a list of lines); on the same
126 notebooks, that reproduces every file byte for byte. nbformat is still used, when installed, to validate:
the notebook as written must validate if it did as read.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import warnings
from dataclasses import dataclass, field

from tf2migrate.findings import FileResult, FileStatus, Finding
from tf2migrate.engine import _compiles  # the engine's own check: syntax and symbol table
from tf2migrate.sourcefile import SourceError, atomic_write, read_bytes

SENTINEL = "# ---- tf2migrate notebook cell boundary {} ----"
_SENTINEL_RE = re.compile(r"^# ---- tf2migrate notebook cell boundary (\d+) ----\r?\n?$")
PLACEHOLDER = "__tf2migrate_ipython_{}__"
_PLACEHOLDER_RE = re.compile(r"^([ \t]*)__tf2migrate_ipython_(\d+)__([ \t]*\r?\n?)$")

# Cell magics whose body is Python: only the `%%` line is masked. Any other cell magic leaves the cell alone.
PYTHON_BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}
_HELP_RE = re.compile(r"^[ \t]*(\?{1,2}[\w.]*|[\w.]+(\(\))?\?{1,2})[ \t]*$")
_ASSIGNED_MAGIC_RE = re.compile(r"^[ \t]*[A-Za-z_][\w.]*([ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[%!]")


class NotebookError(Exception):
    """The notebook cannot be migrated; the message says why (and which cell)."""


# ---------------------------------------------------------------------------------------------- JSON style


@dataclass(frozen=True)
class JsonStyle:
    indent: str | None
    ensure_ascii: bool
    newline: str  # "\n" or "\r\n" between JSON lines
    final_newline: bool

    @classmethod
    def of(cls, raw: str) -> "JsonStyle":
        match = re.search(r"\n([ \t]+)[\"\]}]", raw)
        indent = match.group(1) if match else (None if "\n" not in raw.strip() else "")
        ensure_ascii = not any(ord(c) > 127 for c in raw)
        newline = "\r\n" if "\r\n" in raw else "\n"
        return cls(indent, ensure_ascii, newline, raw.endswith("\n"))

    def dump(self, data: object) -> str:
        text = json.dumps(data, indent=self.indent, ensure_ascii=self.ensure_ascii)
        if self.newline != "\n":
            text = text.replace("\n", self.newline)  # JSON strings never hold a raw newline
        return text + (self.newline if self.final_newline else "")


# ---------------------------------------------------------------------------------------------- magics


@dataclass
class MaskedCell:
    position: int  # 0-based index among all cells of the notebook
    original: str  # the cell's source as one string
    masked: str  # the source with IPython lines replaced by placeholders
    magics: dict[int, str] = field(default_factory=dict)  # placeholder number -> original line (without newline)
    cell_magic: bool = False  # the first line is a `%%time`-like magic over a Python body

    @property
    def number(self) -> int:
        return self.position + 1


def _is_ipython_line(line: str) -> bool:
    stripped = line.lstrip(" \t")
    return stripped.startswith(("%", "!")) or bool(_HELP_RE.match(line)) or bool(_ASSIGNED_MAGIC_RE.match(line))


def mask_cell(position: int, source: str, counter: list[int]) -> MaskedCell | None:
    """The cell ready for the parser, or None when it is not Python (a `%%bash` cell...): left as it is.

    A cell that compiles as it is gets no masking at all (a `% b` continuation line is Python). Raises
    NotebookError when the cell is not Python even with its IPython lines masked."""
    first = source.lstrip().split("\n", 1)[0]
    if first.startswith("%%"):
        name = first[2:].split(None, 1)[0] if first[2:].strip() else ""
        if name not in PYTHON_BODY_CELL_MAGICS:
            return None
    elif _compiles(source):
        return MaskedCell(position, source, source)
    lines = source.split("\n")
    magic_line = next((i for i, line in enumerate(lines) if line.strip()), 0) if first.startswith("%%") else -1
    magics: dict[int, str] = {}
    for i, line in enumerate(lines):
        body = line[:-1] if line.endswith("\r") else line
        if i == magic_line or _is_ipython_line(body):
            number = counter[0]
            counter[0] += 1
            indent = body[: len(body) - len(body.lstrip(" \t"))]
            magics[number] = body[len(indent) :]
            lines[i] = indent + PLACEHOLDER.format(number) + ("\r" if line.endswith("\r") else "")
    masked = "\n".join(lines)
    if not _compiles(masked):
        raise NotebookError(f"cell {position + 1}: {_syntax_error(masked)}")
    return MaskedCell(position, source, masked, magics, cell_magic=first.startswith("%%"))


def _syntax_error(text: str) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<cell>", "exec", dont_inherit=True)
    except SyntaxError as error:
        from tf2migrate.engine import _looks_like_python2

        py2 = "; Python 2 code? port it to Python 3 first" if _looks_like_python2(error) else ""
        return f"not Python (syntax error at line {error.lineno}, column {error.offset}: {error.msg}{py2})"
    except (ValueError, MemoryError, RecursionError) as error:
        return f"not Python ({type(error).__name__})"
    return "not Python"


def unmask(text: str, magics: dict[int, str], seen: set[int] | None = None) -> str | None:
    """Put the IPython lines back; None when a placeholder is doubled or foreign (or, without a shared
    `seen` set, missing)."""
    check_all = seen is None
    seen = set() if seen is None else seen
    out = []
    for line in text.splitlines(keepends=True):
        match = _PLACEHOLDER_RE.match(line)
        if match:
            number = int(match.group(2))
            if number not in magics or number in seen:
                return None
            seen.add(number)
            ending = "\r\n" if line.endswith("\r\n") else ("\n" if line.endswith("\n") else "")
            line = match.group(1) + magics[number] + ending
        out.append(line)
    return "".join(out) if not check_all or seen == set(magics) else None


# ---------------------------------------------------------------------------------------------- migration


@dataclass
class CellChange:
    cell: MaskedCell
    text: str  # the new source (IPython lines restored)


def _source_text(source: object) -> str:
    if isinstance(source, str):
        return source
    return "".join(source)  # type: ignore[arg-type]


def _source_like(original: object, text: str) -> object:
    if isinstance(original, str):
        return text
    return [line for line in re.split(r"(?<=\n)", text) if line]


def _migrate_joined(cells: list[MaskedCell], selection, filename: str):
    """Migrate the cells as one module: (changes, findings) or None when the cells must go one by one."""
    from tf2migrate.engine import MigrationError, migrate_source

    pieces: list[str] = []
    owners: list[tuple[int, int]] = []  # joined line i+1 -> (index in `cells`, line in cell); a sentinel: (next cell, 0)
    for k, cell in enumerate(cells):
        if k:
            pieces.append(SENTINEL.format(k) + "\n")
            owners.append((k, 0))
        body = cell.masked if cell.masked.endswith("\n") or not cell.masked else cell.masked + "\n"
        pieces.append(body)
        owners.extend((k, n + 1) for n in range(len(body.splitlines())))
    joined = "".join(pieces)
    try:
        migration = migrate_source(joined, selection, filename)
    except MigrationError:
        return None
    texts = _split_back(cells, joined.splitlines(keepends=True), owners, migration.text)
    if texts is None:
        return None
    magics = {number: line for cell in cells for number, line in cell.magics.items()}
    seen: set[int] = set()
    changes = []
    for cell, text in zip(cells, texts):
        if text == cell.masked or (cell.cell_magic and not text):
            seen |= set(cell.magics)
            if text != cell.masked:
                changes.append(CellChange(cell, text))
            continue
        restored = unmask(text, magics, seen)
        if restored is None:
            return None
        changes.append(CellChange(cell, restored))
    if seen != set(magics):
        return None
    findings = []
    for finding in migration.findings:
        index, in_cell = owners[min(max(finding.line, 1), len(owners)) - 1]
        if in_cell == 0:  # on a sentinel line: the last line of the cell above
            index, in_cell = index - 1, max(1, len(cells[index - 1].masked.splitlines()))
        findings.append(dataclasses.replace(finding, line=in_cell, cell=cells[index].number))
    return changes, findings


def _split_back(cells: list[MaskedCell], original: list[str], owners: list[tuple[int, int]], text: str) -> list[str] | None:
    """The migrated module cut back into cells (masked text), or None when the sentinels are out of order.

    Text between two sentinels that survived belongs to the cells between them. When rules dropped a sentinel
    (a Session rule removes the placeholders of one cell and turns the computation of the next into a function),
    the lines of that stretch are given to cells by a line diff against the original stretch, then whole
    top-level statements are kept in the cell of their first line: every cell still compiles, and the cells read
    top to bottom are exactly the migrated program."""
    stretches: list[tuple[int, int, list[str]]] = []
    first, current = 0, []
    for line in text.splitlines(keepends=True):
        match = _SENTINEL_RE.match(line)
        if match:
            k = int(match.group(1))
            if not first < k < len(cells):
                return None
            stretches.append((first, k - 1, current))
            first, current = k, []
        else:
            current.append(line)
    stretches.append((first, len(cells) - 1, current))
    texts = [""] * len(cells)
    for first, last, lines in stretches:
        if first == last:
            texts[first] = _cell_text(cells[first], lines)
            continue
        span = [i for i, (k, _) in enumerate(owners) if first <= k <= last and not (k == first and owners[i][1] == 0)]
        assigned = _assign(lines, [original[i] for i in span], [owners[i][0] for i in span], first)
        if assigned is None:
            return None
        for k in range(first, last + 1):
            texts[k] = _cell_text(cells[k], [line for line, owner in zip(lines, assigned) if owner == k])
    return texts


def _assign(lines: list[str], original: list[str], original_owner: list[int], first: int) -> list[int] | None:
    import ast

    owner = []
    matcher = difflib.SequenceMatcher(None, original, lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            if tag == "equal":
                owner.append(original_owner[i1 + j - j1])
            elif tag == "replace" or (i1 < len(original) and i1 == 0):
                owner.append(original_owner[min(i1, len(original) - 1)] if original else first)
            else:  # an insertion goes with the line above it
                owner.append(original_owner[i1 - 1] if i1 > 0 else first)
    running = first
    for j, k in enumerate(owner):
        running = owner[j] = max(running, k)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in tree.body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        end = (node.end_lineno or node.lineno) - 1
        for j in range(start + 1, min(end + 1, len(owner))):
            owner[j] = owner[start]
    return owner


def _leading_blank(lines: list[str]):
    for line in lines:
        if line.strip():
            return
        yield line


def _cell_text(cell: MaskedCell, lines: list[str]) -> str:
    """A cell's share of the migrated lines, without blank lines at either end that the cell did not have
    (rules add them around the functions they write)."""
    had = cell.masked.splitlines(keepends=True)
    lead = next((i for i, line in enumerate(had) if line.strip()), len(had))
    trail = next((i for i, line in enumerate(reversed(had)) if line.strip()), len(had))
    while lines and not lines[0].strip() and sum(1 for _ in _leading_blank(lines)) > lead:
        lines = lines[1:]
    while lines and not lines[-1].strip() and sum(1 for _ in _leading_blank(lines[::-1])) > trail:
        lines = lines[:-1]
    if cell.cell_magic and len(lines) == 1 and len(had) > 1:
        lines = []  # the rules took the whole body of a `%%time` cell: IPython refuses a cell magic without one
    text = "".join(lines)
    if cell.masked and not cell.masked.endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    return text


def _migrate_each(cells: list[MaskedCell], selection, filename: str):
    from tf2migrate.engine import MigrationError, migrate_source

    changes, findings = [], []
    for cell in cells:
        try:
            migration = migrate_source(cell.masked, selection, f"{filename}:cell {cell.number}")
        except MigrationError as error:
            raise NotebookError(f"cell {cell.number}: {error}") from None
        findings.extend(dataclasses.replace(f, cell=cell.number) for f in migration.findings)
        if migration.changed:
            restored = unmask(migration.text, cell.magics)
            if restored is None:
                raise NotebookError(f"cell {cell.number}: a rule moved an IPython magic line; notebook left untouched")
            changes.append(CellChange(cell, restored))
    return changes, findings


def load(raw_bytes: bytes) -> tuple[str, dict]:
    """The notebook's text and JSON document; NotebookError when it is not nbformat 4 JSON."""
    try:
        raw = raw_bytes.decode("utf-8-sig" if raw_bytes.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(f"not a notebook: not UTF-8 ({error.reason})") from None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as error:
        raise NotebookError(f"not a notebook: invalid JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a notebook: no list of cells")
    if data.get("nbformat") != 4:
        raise NotebookError(f"nbformat {data.get('nbformat')!r} notebook: only nbformat 4 is migrated (convert it with `jupyter nbconvert --to notebook`)")
    for position, cell in enumerate(data["cells"]):
        source = cell.get("source") if isinstance(cell, dict) else None
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
            raise NotebookError(f"not a notebook: cell {position + 1} has no text source")
    return raw, data


def _validation_error(data: dict) -> str | None:
    """nbformat's verdict on the document, or None when valid (or when nbformat is not installed)."""
    try:
        import nbformat
        from nbformat import ValidationError
    except ImportError:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(data, version=4)
    except ValidationError as error:
        return str(error).splitlines()[0]
    return None


def migrate_notebook(raw: str, data: dict, selection, filename: str):
    """(new text or None when unchanged, findings, diff) for a loaded notebook."""
    counter = [0]
    cells: list[MaskedCell] = []
    for position, cell in enumerate(data["cells"]):
        if cell.get("cell_type") != "code":
            continue
        masked = mask_cell(position, _source_text(cell["source"]), counter)
        if masked is not None:
            cells.append(masked)
    if not cells:
        return None, [], ""
    outcome = _migrate_joined(cells, selection, filename)
    if outcome is None:
        outcome = _migrate_each(cells, selection, filename)
    changes, findings = outcome
    findings.sort(key=lambda f: (f.cell or 0, f.line, f.column, f.code))
    if not changes:
        return None, findings, ""
    for change in changes:
        cell = data["cells"][change.cell.position]
        cell["source"] = _source_like(cell["source"], change.text)
    new = JsonStyle.of(raw).dump(data)
    diff = "".join(cell_diff(filename, change.cell.number, change.cell.original, change.text) for change in changes)
    return new, findings, diff


def cell_diff(path: str, number: int, before: str, after: str) -> str:
    """A unified diff of one cell's source, headed `a/nb.ipynb:cell 4` (for reading; not a patch of the JSON)."""
    name = path.replace("\\", "/").lstrip("/")
    lines = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}:cell {number}",
        tofile=f"b/{name}:cell {number}",
    ):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def process_notebook(path: str, options, shown: str) -> FileResult:
    """The engine's `process_file` for a notebook: never raises for a problem with the file."""
    try:
        raw_bytes = read_bytes(path)
    except SourceError as error:
        return FileResult(shown, FileStatus.FAILED, str(error))
    if b"tensorflow" not in raw_bytes and b"keras" not in raw_bytes:
        return FileResult(shown, FileStatus.SKIPPED, "mentions neither tensorflow nor keras")
    selection = options.selection_for(path)
    try:
        raw, data = load(raw_bytes)
        valid_before = _validation_error(data) is None
        new, findings, diff = migrate_notebook(raw, data, selection, shown)
    except NotebookError as error:
        return FileResult(shown, FileStatus.FAILED, f"{error}; notebook left untouched")
    result = FileResult(shown, FileStatus.UNCHANGED, findings=findings)
    if new is None:
        return result
    if valid_before and (problem := _validation_error(json.loads(new))) is not None:
        return FileResult(shown, FileStatus.FAILED, f"internal error: the migrated notebook does not validate ({problem}); left untouched")
    result.status, result.diff = FileStatus.CHANGED, diff
    if options.write:
        bom = b"\xef\xbb\xbf" if raw_bytes.startswith(b"\xef\xbb\xbf") else b""
        try:
            atomic_write(path, bom + new.encode("utf-8"), expected=raw_bytes)
        except SourceError as error:
            result.status, result.reason = FileStatus.FAILED, str(error)
    return result
