"""Every benchmark in turn, each in its own process, then the summary tables in bench/README.md.

.venv/bin/python -m bench.run_all [--quick] [--only ingest latency ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from functools import partial
from typing import Any

from bench.common import timed, write_result
from bench.report import update_readme

# name → (full arguments, --quick arguments)
STEPS: dict[str, tuple[list[str], list[str]]] = {
    "ingest": ([], ["--repeat", "1", "--big", "none"]),
    "latency": ([], ["--passes", "1", "--cold-repeat", "1"]),
    "scale": ([], ["--sizes", "10000", "--queries", "100"]),
    "ask_scale": ([], ["--sizes", "10000", "--passes", "1"]),
    "quality": ([], []),
    "load_ui": ([], ["--requests", "10"]),
}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one round each, smaller sizes")
    parser.add_argument("--only", nargs="+", choices=sorted(STEPS), default=list(STEPS))
    args = parser.parse_args(argv)
    steps: dict[str, Any] = {}
    for name in args.only:
        full, quick = STEPS[name]
        command = [sys.executable, "-m", f"bench.{name}", *(quick if args.quick else full)]
        print(f"== {' '.join(command[1:])}", flush=True)
        took, done = timed(partial(subprocess.run, command))
        steps[name] = {"exit_code": done.returncode, "seconds": round(took, 1)}
    result = {"quick": args.quick, "steps": steps}
    write_result("run_all", result)
    print(f"updated {update_readme()}")
    return result


if __name__ == "__main__":
    main()
