"""A long-lived process that has imported TensorFlow once and forks a fresh child per program to run.

    python tests/zygote.py KIND        (started by `tests/zygote_client.py`, never by hand)

Importing TensorFlow costs 3-5 s of CPU; the execution tests run ~150 programs. The zygote pays the import
once per pytest worker and kind, then serves requests on its stdin/stdout (one JSON line in; `pid N`,
then `exit CODE` out). Each request forks a child that becomes `python SCRIPT ARGS...` as the client
asked (`python -m MODULE ARGS...` too): stdin /dev/null, stdout/stderr into the client's files, its cwd, its environment, `sys.argv`,
`sys.path[0]` = the script's folder, the script run as `__main__` by `runpy`; the child then ends the way
any interpreter does (normal finalization, traceback and exit code 1 for an uncaught exception,
`SystemExit` codes, killed by a signal = a negative code).

KIND says what is imported before forking, nothing else (the runners themselves still run in the child):
    tf2     `import tensorflow` (which imports Keras 3), for `run_python`
    tf1     `import tensorflow.compat.v1`, the first thing `tests/tf1_runner.py` does
    keras2  `import tensorflow` with TF_USE_LEGACY_KERAS=1 in the environment (tf_keras); the standalone
            `keras` package must not be imported yet, `tests/keras2_runner.py` serves it from tf_keras
    cli     the libraries of `python -m tf2migrate` and the tool's own modules, its codemods loaded
            (`MODULE:FUNCTION` entries call FUNCTION after the import); never TensorFlow or Keras
The environment is fixed when the zygote starts (TensorFlow and the hash seed read it at start-up); the client
keeps one zygote per kind and environment. Forking is safe here: after these imports the only other threads
are OpenBLAS's idle pools (numpy's and scipy's), which OpenBLAS shuts down around `fork` itself.
What differs from a fresh interpreter: the preloaded modules are already in `sys.modules` (their import-time
output went to /dev/null), and a traceback starts with this file's and `runpy`'s frames.
"""

from __future__ import annotations

import json
import os
import sys

PRELOAD = {
    "tf2": ("tensorflow",),
    "tf1": ("tensorflow.compat.v1",),
    "keras2": ("tensorflow",),
    # The command line's libraries (LibCST's matchers and codemod classes alone cost ~1 s) and the tool itself:
    # compiling and importing its ~70 modules cost each `python -m tf2migrate` ~0.35 s of CPU (no bytecode cache
    # under PYTHONDONTWRITEBYTECODE). The zygote lives one pytest worker long, so every run still uses the code
    # under test of this session; what the tool reads from the environment it reads when it runs.
    "cli": (
        "libcst", "libcst.matchers", "libcst.metadata", "libcst.codemod", "libcst.helpers", "click", "rich.console",
        "rich.table", "rich.text", "pathspec", "concurrent.futures", "multiprocessing",
        "tf2migrate.cli", "tf2migrate.runner", "tf2migrate.engine", "tf2migrate.reporting.text", "tf2migrate.codemods:load_codemods",
    ),
}
# Modules that must not be loaded by the preloading (a program would get them instead of the runner's).
FORBIDDEN = {"keras2": ("keras",), "cli": ("tensorflow", "keras")}


def _write(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())


def serve(kind: str) -> dict:
    """Preload, then serve requests; returns only in a forked child, with the request it must run."""
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(null, fd)  # what the imports print must not reach the protocol pipe
    os.close(null)
    for name in PRELOAD[kind]:
        module, _, function = name.partition(":")
        __import__(module)
        if function:
            getattr(sys.modules[module], function)()
    forbidden = FORBIDDEN.get(kind, ())
    loaded = sorted({name for name in forbidden for m in sys.modules if m == name or m.startswith(name + ".")})
    if loaded:
        _write(replies, f"unfit {' '.join(loaded)} imported by the preloading")
        raise SystemExit(3)
    _write(replies, "ready")
    while True:
        line = requests.readline()
        if not line:
            raise SystemExit(0)  # the client is gone
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            requests.close()
            os.close(replies)
            return request
        _write(replies, f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        _write(replies, f"exit {os.waitstatus_to_exitcode(status)}")


def become(request: dict) -> None:
    """In the child: the process state `python SCRIPT ARGS...` would have, then run SCRIPT as `__main__`."""
    import runpy

    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for target, path in ((1, request["stdout"]), (2, request["stderr"])):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    argv = request["argv"]
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # numpy seeded its global state at import: give each child its own, as a fresh process has
    if argv[0] == "-m":  # python -m MODULE ARGS...: sys.path[0] is the working folder, argv[0] the module's file
        sys.argv = ["-m", *argv[2:]]
        sys.path[0] = os.getcwd()
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(argv)
        sys.path[0] = os.path.dirname(os.path.realpath(argv[0]))
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    become(serve(sys.argv[1]))
