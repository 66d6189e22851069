"""The `tf2migrate` command line: fix, check, rules, explain.

Exit status: 0 nothing left to do; 1 findings need a person (or, for `check` and `fix --dry-run`,
changes are pending); 2 usage error, or a file that could not be read, parsed or written.
Heavy modules (LibCST, rich, the rules) are imported inside the commands, so `--help` is instant.
"""

from __future__ import annotations

import sys

import click

from tf2migrate import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")
PROGRESS_MIN_FILES = 20


def _common_options(command):
    options = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True, file_okay=True)),
        click.option("--select", metavar="CODES", help="Only these rules: code prefixes, comma separated (TFM1,TFM201)."),
        click.option("--ignore", metavar="CODES", help="All selected rules but these (code prefixes)."),
        click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply fixes marked unsafe."),
        click.option("--legacy-keras-fallback", is_flag=True, help="Graph-mode fallback files keep tf.layers / tf.nn.rnn_cell, run on tf_keras (TF_USE_LEGACY_KERAS=1)."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count)."),
        click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching paths, on top of .gitignore (repeatable)."),
        click.option("--quiet", "-q", is_flag=True, help="No summary (text format)."),
        click.option("--debug", is_flag=True, help="Show the traceback of internal errors."),
        # tf2migrate/config.py: [tool.tf2migrate] / tf2migrate.toml; tf2migrate/cache.py: the results cache
        click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), help="Use this configuration file."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache."),
        click.option("--cache-dir", type=click.Path(file_okay=False), help="Results cache folder (default: .tf2migrate_cache in the project root)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tf2migrate")
def main() -> None:
    """Migrate TensorFlow 1.x and Keras 2 code to TensorFlow 2 (Keras 3)."""


@main.command()
@_common_options
@click.option("--dry-run", "--diff", "dry_run", is_flag=True, help="Print the diffs, write nothing.")
def fix(dry_run: bool, **kwargs) -> None:
    """Rewrite files in place; print a unified diff of each change and a summary."""
    sys.exit(_guarded(_run, mode="dry-run" if dry_run else "fix", **kwargs))


@main.command()
@_common_options
def check(**kwargs) -> None:
    """Report findings only: no diffs, no writes."""
    sys.exit(_guarded(_run, mode="check", **kwargs))


def _guarded(run, **kwargs) -> int:
    """Run a command; a signal ends it with 130 / 143 and one line on stderr, an internal error with 2 and
    one line (the traceback only with --debug)."""
    from tf2migrate import interrupts

    try:
        with interrupts.handled():
            return run(**kwargs)
    except interrupts.Interrupted as stop:
        sys.stdout.flush()
        sys.stderr.write(stop.summary() + "\n")
        return stop.exit_code
    except (click.exceptions.Exit, click.ClickException):
        raise
    except Exception as error:  # noqa: BLE001 - never a bare traceback for the user
        from tf2migrate.findings import internal_error

        sys.stderr.write(f"tf2migrate: {internal_error(error, kwargs.get('debug', False))}\n")
        return EXIT_ERROR


def _selection(select: str | None, ignore: str | None, unsafe_fixes: bool, legacy_keras_fallback: bool = False):
    from tf2migrate.codemods import all_rules
    from tf2migrate.selection import Selection, parse_codes

    codes = [rule.code for rule in all_rules()]
    selected, ignored = parse_codes(select), parse_codes(ignore)
    for option, prefixes in (("--select", selected), ("--ignore", ignored)):
        unknown = [p for p in prefixes if not any(code.startswith(p) for code in codes)]
        if unknown:
            raise click.UsageError(f"{option}: no rule code starts with {', '.join(unknown)} (see `tf2migrate rules`)")
    return Selection(select=selected, ignore=ignored, unsafe_fixes=unsafe_fixes, legacy_keras_fallback=legacy_keras_fallback)


def _run(*, mode: str, paths, select, ignore, unsafe_fixes, jobs, output_format, exclude, quiet, config_file, no_cache, cache_dir, debug=False, legacy_keras_fallback=False) -> int:
    from tf2migrate import project, runner
    from tf2migrate.discovery import discover
    from tf2migrate.engine import Options
    from tf2migrate.findings import FileStatus
    from tf2migrate.reporting import Summary
    from tf2migrate.reporting import text as text_report

    selection = _selection(select, ignore, bool(unsafe_fixes), legacy_keras_fallback)
    candidates = discover(list(paths), tuple(exclude))
    try:
        settings = project.settings(list(paths), candidates, config_file, select, ignore, unsafe_fixes, exclude, jobs, legacy_keras_fallback)
    except project.ConfigError as error:
        raise click.UsageError(str(error)) from None
    candidates = settings.keep(candidates, list(paths))
    options = Options(selection=selection, write=(mode == "fix"), debug=debug, per_file=settings.per_file)
    jobs = settings.jobs
    runner_run = project.cached_runner(list(paths), settings, no_cache, cache_dir, runner.run)
    err = text_report.stderr_console()
    out = text_report.stdout_console()

    show_diffs = output_format == "text" and mode != "check"
    on_result = (lambda r: text_report.write_diff(r.diff, out)) if show_diffs else None
    if err.is_terminal and len(candidates) >= PROGRESS_MIN_FILES:
        results = _run_with_progress(candidates, options, jobs, err, on_result, runner_run)
    else:
        results = runner_run(candidates, options, jobs, on_result)

    if output_format == "json":
        from tf2migrate.reporting import json_report

        sys.stdout.write(json_report.render(results))
    elif output_format == "github":
        from tf2migrate.reporting import github

        sys.stdout.write(github.render(results))
    elif output_format == "sarif":
        from tf2migrate.reporting import sarif

        sys.stdout.write(sarif.render(results))
    else:
        if mode == "check":
            text_report.write_findings(results, out, only_needing_person=False)
        else:
            text_report.write_findings(results, err, only_needing_person=mode == "fix")
        if not quiet:
            text_report.write_summary(results, err, mode=mode)
    sys.stdout.flush()

    summary = Summary.of(results)
    if summary.failed:
        return EXIT_ERROR
    if mode == "fix":
        return EXIT_FINDINGS if summary.needs_person else EXIT_CLEAN
    pending = summary.findings or any(r.status is FileStatus.CHANGED for r in results)
    return EXIT_FINDINGS if pending else EXIT_CLEAN


def _run_with_progress(candidates, options, jobs, err, on_result, run):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("migrating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("files", total=len(candidates))

        def advance(result):
            if on_result:
                on_result(result)
            progress.advance(task)

        return run(candidates, options, jobs, advance)


@main.command()
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
def rules(output_format: str) -> None:
    """The table of rules: code, name, fix kind, one-line summary."""
    from tf2migrate.codemods import all_rules

    if output_format == "json":
        import json

        click.echo(
            json.dumps(
                [{"code": r.code, "name": r.name, "fix": r.fix.value, "summary": r.summary} for r in all_rules()], indent=2
            )
        )
        return
    from rich.table import Table

    from tf2migrate.reporting.text import stdout_console

    table = Table(show_edge=False)
    for column in ("code", "name", "fix", "summary"):
        table.add_column(column)
    for rule in all_rules():
        table.add_row(rule.code, rule.name, rule.fix.value, rule.summary)
    stdout_console().print(table)


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """A rule's documentation, with a before/after example (CODE or rule name)."""
    from rich.markdown import Markdown
    from rich.syntax import Syntax

    from tf2migrate.codemods import all_rules
    from tf2migrate.reporting.text import stdout_console

    wanted = code.strip()
    matches = [r for r in all_rules() if r.code == wanted.upper() or r.name == wanted.lower()]
    if not matches:
        close = [r.code for r in all_rules() if r.code.startswith(wanted.upper()[:4])]
        hint = f"; codes starting like it: {', '.join(close)}" if close and wanted.upper()[:4] != "TFM" else ""
        raise click.UsageError(f"no rule {wanted!r}{hint} (see `tf2migrate rules`)")
    rule = matches[0]
    out = stdout_console()
    out.print(f"[bold]{rule.code}[/] [magenta]{rule.name}[/]  (fix: {rule.fix.value})")
    out.print(rule.summary)
    out.print()
    out.print(Markdown(rule.explanation))
    out.print()
    out.print("[bold]Before[/]")
    out.print(Syntax(rule.before, "python", theme="ansi_dark", background_color="default"))
    out.print("[bold]After[/]")
    out.print(Syntax(rule.after, "python", theme="ansi_dark", background_color="default"))


if __name__ == "__main__":
    main()
