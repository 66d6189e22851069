"""Time `tf2migrate check` on a folder without the results cache, then twice with a fresh one.

    python3 bench/cached_rerun.py FOLDER [--jobs N]
    python3 bench/cached_rerun.py --corpus 2000      # builds bench/make_corpus.py's corpus in a temporary folder

Three runs, each its own process, stdout and stderr discarded: `check --no-cache` (the baseline), then
`check --cache-dir TMP` twice: the first fills an empty cache (its cost over the baseline is writing the
entries), the second answers every file from it (reading and hashing each file, loading its entry). The
folder is not changed. Prints wall and CPU times (CPU: the command and the workers it waited for, from `os.wait4`, the figure
that a loaded machine disturbs least) and the speed-ups of the second cached run over the baseline.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(command: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the command and the workers it waited for, exit status)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def measure(folder: str, jobs: int | None) -> dict[str, float]:
    base = [sys.executable, "-m", "tf2migrate", "check", *(["--jobs", str(jobs)] if jobs else [])]
    with tempfile.TemporaryDirectory(prefix="tf2migrate-cache-bench-") as cache:
        cold = timed([*base, "--no-cache", folder])
        if cold[2] not in (0, 1):
            raise SystemExit(f"tf2migrate exited with {cold[2]} (2: a usage error or a file that failed)")
        filling = timed([*base, "--cache-dir", cache, folder])
        cached = timed([*base, "--cache-dir", cache, folder])
    return {
        "no_cache": cold[:2], "first_cached": filling[:2], "second_cached": cached[:2],
        "speedup_wall": cold[0] / cached[0], "speedup_cpu": cold[1] / cached[1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?")
    parser.add_argument("--corpus", type=int, metavar="FILES", help="time a generated corpus of this many files instead")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    if not args.folder and not args.corpus:
        parser.error("give a FOLDER or --corpus FILES")
    with tempfile.TemporaryDirectory(prefix="tf2migrate-corpus-") as work:
        folder = args.folder
        if args.corpus:
            folder = os.path.join(work, "corpus")
            make = [sys.executable, os.path.join(HERE, "make_corpus.py"), folder, "--files", str(args.corpus), "--seed", str(args.seed)]
            subprocess.run(make, check=True, stdout=subprocess.DEVNULL)
        figures = measure(folder, args.jobs)
    print(
        "check --no-cache: {0[0]:.2f} s wall, {0[1]:.2f} s CPU; first cached run (fills the cache): {1[0]:.2f} s wall, "
        "{1[1]:.2f} s CPU; second cached run: {2[0]:.2f} s wall, {2[1]:.2f} s CPU; speed-up {3:.1f}x wall, {4:.1f}x CPU".format(
            figures["no_cache"], figures["first_cached"], figures["second_cached"], figures["speedup_wall"], figures["speedup_cpu"]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
