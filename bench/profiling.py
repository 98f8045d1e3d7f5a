"""Where a benchmark spends its time: one call under pyinstrument, summed per function.

Does NOT time or write results itself; callers put the summary in their result JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.common import ROOT


def profile_call(action: Callable[[], object], top: int) -> dict[str, Any]:
    """Run `action` under pyinstrument: the top rag/ functions by time with callees
    (comprehensions left out: they are inside their function) and the top of any code by own
    time, each as a share of the run."""
    from pyinstrument import Profiler

    with Profiler(interval=0.001) as profiler:
        action()
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is None:
        return {}
    cumulative, own = _totals(root)
    in_rag = {f: s for f, s in cumulative.items() if "(rag/" in f and not f.startswith("<")}

    def ranked(times: dict[str, float]) -> list[dict[str, Any]]:
        best = sorted(times.items(), key=lambda kv: -kv[1])[:top]
        return [
            {"function": f, "s": round(s, 3), "share": round(s / root.time, 3)} for f, s in best
        ]

    return {
        "profiled_s": round(root.time, 2),
        "rag_cumulative": ranked(in_rag),
        "self_time": ranked(own),
    }


def _totals(root: Any) -> tuple[dict[str, float], dict[str, float]]:
    """Per function: time with callees (once per stack, so recursion is not doubled), own time."""
    cumulative: dict[str, float] = {}
    own: dict[str, float] = {}
    stack: list[tuple[Any, frozenset[str]]] = [(root, frozenset())]
    while stack:
        frame, above = stack.pop()
        if frame.is_synthetic:
            continue
        path = (frame.file_path or "").split(f"{ROOT}/", 1)[-1].split("site-packages/", 1)[-1]
        key = f"{frame.function[:60]} ({path}:{frame.line_no or 0})"
        if key not in above:
            cumulative[key] = cumulative.get(key, 0.0) + frame.time
        own[key] = own.get(key, 0.0) + frame.total_self_time
        stack += [(child, above | {key}) for child in frame.children]
    return cumulative, own
