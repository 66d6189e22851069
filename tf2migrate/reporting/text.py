"""`--format text`: diffs on stdout (a valid patch when piped), findings and a summary for people.

In `fix`, stdout carries only the diffs, so `tf2migrate fix --dry-run . > migration.patch` gives a
patch `git apply` accepts; findings, failures and the summary go to stderr. In `check`, findings
are the output and go to stdout; the summary goes to stderr.
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tf2migrate.diffs import diff_bytes
from tf2migrate.findings import FileResult, FileStatus, Finding, FixState
from tf2migrate.reporting import Summary

_FIX_STYLE = {FixState.APPLIED: "green", FixState.UNSAFE: "yellow", FixState.MANUAL: "bold red"}


def console_for(stream: TextIO) -> Console:
    return Console(file=stream, highlight=False, soft_wrap=True)


def write_diff(diff: str, out: Console) -> None:
    if not diff:
        return
    if not out.is_terminal:
        buffer = getattr(out.file, "buffer", None)
        if buffer is None:  # a text-only stream: the closest text
            out.file.write(diff_bytes(diff).decode("utf-8", "replace"))
        else:  # the exact bytes (a latin-1 file's diff is latin-1): the patch applies
            out.file.flush()
            buffer.write(diff_bytes(diff))
            buffer.flush()
        return
    for line in diff_bytes(diff).decode("utf-8", "replace").split("\n")[:-1]:
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        out.print(Text(line, style=style))


def finding_line(path: str, finding: Finding) -> Text:
    text = Text()
    text.append(f"{path}:{finding.location}: ", style="bold")
    text.append(finding.code, style="bold magenta")
    text.append(f" {finding.message} ")
    text.append(f"[{finding.fix.value}]", style=_FIX_STYLE[finding.fix])
    return text


def write_findings(results: list[FileResult], out: Console, only_needing_person: bool) -> None:
    for result in results:
        if result.status is FileStatus.FAILED:
            out.print(Text.assemble((f"{result.path}: ", "bold"), ("failed: ", "bold red"), result.reason))
        for finding in result.findings:
            if only_needing_person and not finding.needs_person:
                continue
            out.print(finding_line(result.path, finding))


def write_summary(results: list[FileResult], out: Console, *, mode: str) -> None:
    """`mode` is 'fix', 'dry-run' or 'check'."""
    summary = Summary.of(results)
    if summary.findings:
        from tf2migrate.codemods import rules_by_code

        rules = rules_by_code()
        table = Table(title="Findings", title_justify="left", show_edge=False)
        table.add_column("code", style="magenta")
        table.add_column("rule")
        table.add_column("applied" if mode == "fix" else "fixable", justify="right", style="green")
        table.add_column("unsafe", justify="right", style="yellow")
        table.add_column("manual", justify="right", style="red")
        for code in summary.findings:
            states = [f.fix for r in results for f in r.findings if f.code == code]
            table.add_row(
                code,
                rules[code].name if code in rules else "",
                str(states.count(FixState.APPLIED) or ""),
                str(states.count(FixState.UNSAFE) or ""),
                str(states.count(FixState.MANUAL) or ""),
            )
        out.print(table)
    verb = {"fix": "changed", "dry-run": "would change", "check": "would change"}[mode]
    parts = [f"{summary.files} file{'s' if summary.files != 1 else ''} processed", f"{summary.changed} {verb}"]
    if summary.skipped:
        parts.append(f"{summary.skipped} skipped")
    if summary.failed:
        parts.append(f"[bold red]{summary.failed} failed[/]")
    out.print(", ".join(parts) + ".")
    if summary.needs_person:
        unsafe = sum(1 for r in results for f in r.findings if f.fix is FixState.UNSAFE)
        kinds = ", ".join(p for p in (f"{summary.needs_person - unsafe} manual" if summary.needs_person - unsafe else "", f"{unsafe} unsafe" if unsafe else "") if p)
        out.print(
            f"[bold]{summary.needs_person} left for you[/] ({kinds}; unsafe: rerun with --unsafe-fixes;"
            " manual: see `tf2migrate explain CODE`; `tf2migrate check` lists them)."
        )
    elif summary.fixable and mode != "fix":
        out.print(f"{summary.fixable} fixable finding{'s' if summary.fixable != 1 else ''}: run `tf2migrate fix` to apply.")


def stdout_console() -> Console:
    return console_for(sys.stdout)


def stderr_console() -> Console:
    return console_for(sys.stderr)
