"""Why a graph name bound more than once stops the Session rewrite: the words its TFM214 finding adds.

What it matches
    A name the Session rewrite (codemods/sessions.py) declines because it is bound more than once.

What it writes
    Nothing: it returns the end of that finding's message. When TFM275 (codemods/session_rebinding.py)
    found that one name per value would not be enough, its note already names what else keeps the
    program in graph mode: the finding repeats it. When the name is bound or grown (`append`) in a
    loop that builds graph ops, the finding says that first (a graph built once per tower or step).

Why
    "bound more than once" alone sends the user to the wrong fix when renaming would not help.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.findings import FixState
from tf2migrate.traversal import find

from .base import Codemod


def rebound_reason(codemod: Codemod, name: str, assignments: list) -> str:  # type: ignore[type-arg]
    """What the Session rewrite's "`name` is bound more than once" finding adds to say what really stops
    it: the loop that builds graph ops around it, or TFM275's note when one name per value would not be enough."""
    nodes: list[cst.CSTNode] = []
    for assignment in assignments:
        nodes.append(assignment.node)
        nodes.extend(access.node for access in assignment.references)
    loops = []
    for node in nodes:
        current = codemod.get_metadata(ParentNodeProvider, node, None)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)):
            if isinstance(current, (cst.For, cst.While)):
                loops.append(current)
            current = codemod.get_metadata(ParentNodeProvider, current, None)
    builds = [loop for loop in loops if any((codemod.qualified_name(call) or "").startswith("tf.") for call in find(loop.body, cst.Call))]
    if builds:
        line = min(codemod.position(loop)[0] for loop in builds)
        return f" and grown in the loop at line {line}, which builds graph ops on each pass (one set per tower or step): the eager rewrite follows only graph building that runs once"
    prefix = f"`{name}` is bound several times while the graph is built"
    for finding in (*codemod.run.earlier, *codemod.run.findings):
        if finding.code == "TFM275" and finding.fix is FixState.MANUAL and finding.message.startswith(prefix) and "(TFM" in finding.message:
            blocker = finding.message[finding.message.index("(TFM") :]
            return f": one name per value (TFM275) would not be enough, the program would still stay in graph mode {blocker}"
    return ""
