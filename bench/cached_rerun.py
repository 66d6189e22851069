"""Time `tf2migrate check` on a folder without the results cache, then twice with a fresh one.

    python3 bench/cached_rerun.py FOLDER [--jobs N]
    python3 bench/cached_rerun.py --corpus 2000      # builds bench/make_corpus.py's corpus in a temporary folder

Three runs, each its own process, stdout and stderr discarded: `check --no-cache` (the baseline), then
`check --cache-dir TMP` twice: the first fills an empty cache (its cost over the baseline is writing the
entries), the second answers every file from it (reading and hashing each file, loading its entry). The
folder is not changed. Prints the wall times and the speed-up of the second cached run over the baseline.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, status


def measure(folder: str, jobs: int | None) -> dict[str, float]:
    base = [sys.executable, "-m", "tf2migrate", "check", *(["--jobs", str(jobs)] if jobs else [])]
    with tempfile.TemporaryDirectory(prefix="tf2migrate-cache-bench-") as cache:
        cold, status = timed([*base, "--no-cache", folder])
        if status not in (0, 1):
            raise SystemExit(f"tf2migrate exited with {status} (2: a usage error or a file that failed)")
        filling, _ = timed([*base, "--cache-dir", cache, folder])
        cached, _ = timed([*base, "--cache-dir", cache, folder])
    return {"no_cache": cold, "first_cached": filling, "second_cached": cached, "speedup": cold / cached}


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
        f"check --no-cache: {figures['no_cache']:.2f} s; first cached run (fills the cache): {figures['first_cached']:.2f} s; "
        f"second cached run: {figures['second_cached']:.2f} s; speed-up {figures['speedup']:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
