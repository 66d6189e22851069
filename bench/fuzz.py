"""Fuzz tf2migrate with mutants of Python files and count every broken promise (`bench/mutants.py`).

    python3 bench/fuzz.py --mutants 2000 --seed 1                 # golden fixtures + generated TF1 programs
    python3 bench/fuzz.py /path/to/real/repo --mutants 2000       # plus every .py file under the folders given

Each mutant gets 0-3 mutations (line deleted, duplicated, swapped, text truncated, TF1 call injected) and
a line ending and encoding; it is migrated with `fix --dry-run` and `fix` (in this process, as a worker
does), its dry-run patch applied with `git apply`, and fixed a second time. Prints the figures and
every failing mutant (saved under `--keep` when given). Exit status 1 when any property broke.
Fetches nothing; reads only the folders given and the repository's own fixtures.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent

import mutants  # noqa: E402


def sources(folders: list[str]) -> list[str]:
    texts = []
    for source in sorted((ROOT / "fixtures").rglob("*.py")):
        if "exec" not in source.parts and not source.name.endswith((".expected.py", ".target.py", ".fallback.py")):
            texts.append(source.read_text(encoding="utf-8"))
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "tensorflow" in text or "keras" in text:
                texts.append(text)
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", help="extra folders of Python files to mutate")
    parser.add_argument("--mutants", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="folder where failing mutants are saved")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    texts = sources(args.folders)
    statuses: Counter[str] = Counter()
    compiled = 0
    failures: list[tuple[int, list[str]]] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tf2migrate-fuzz-") as scratch:
        for index in range(args.mutants):
            text = rng.choice(texts) if rng.random() < 0.7 else mutants.generated_tf1(rng.randrange(10**6))
            for _ in range(rng.randint(0, 3)):
                text = mutants.mutate(text, rng.choice(mutants.OPERATIONS), rng.randrange(10**6), rng.randrange(10**6))
            data = mutants.encode(text, rng.choice(mutants.NEWLINES), rng.choice(mutants.ENCODINGS))
            compiled += mutants.compiles(data)
            folder = Path(scratch) / f"{index:06d}"
            status, problems = mutants.check_with_status(data, folder)
            statuses[status] += 1
            if problems:
                failures.append((index, problems))
                if args.keep:
                    Path(args.keep).mkdir(parents=True, exist_ok=True)
                    (Path(args.keep) / f"mutant_{index:06d}.py").write_bytes(data)
    elapsed = time.perf_counter() - start
    print(f"sources: {len(texts)} files (+ generated TF1 programs); mutants: {args.mutants} (seed {args.seed}); {elapsed:.0f} s")
    print(f"inputs that compile: {compiled}; tool status of the mutants: {dict(sorted(statuses.items()))}")
    print(f"mutants breaking a property: {len(failures)}")
    for index, problems in failures[:50]:
        print(f"  mutant {index}: " + "; ".join(problems))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
