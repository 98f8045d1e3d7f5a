"""Start and stop a real Milvus standalone server on 127.0.0.1, for `make test-milvus-server` and
`bench.milvus`: the binary in the PyPI package `milvus` 2.3.5 (installed in its own venv by the
Makefile), which needs no Docker and no network.

    python -m bench.milvus_server start --python .venv-milvus-server/bin/python
    python -m bench.milvus_server stop

`start` runs the server in a process group of its own, waits until it answers, and writes the
group's PID to `<data>/server.pid`; `stop` ends that group (SIGTERM, then SIGKILL) by that PID.
Its data stay in `--data` (default .milvus-server/), which only this script writes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rag.index.folder import running

DATA = Path(".milvus-server")
PORT = 19530
# Run by the server venv's python: the package's own launcher, on our data folder and port.
_LAUNCH = (
    "import sys; from milvus import MilvusServer; s = MilvusServer(); "
    "s.set_base_dir(sys.argv[1]); s.listen_port = int(sys.argv[2]); s.start(); "
    "print('ready', flush=True); s.wait()"
)


def start(python: str, data: Path, port: int, timeout_s: float = 180.0) -> int:
    data = data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    pid_file = data / "server.pid"
    if pid_file.exists() and running(int(pid_file.read_text())):
        raise SystemExit(f"A Milvus server started here is running (PID {pid_file.read_text()}).")
    log = (data / "launcher.log").open("w")
    proc = subprocess.Popen(
        [python, "-c", _LAUNCH, str(data / "data"), str(port)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,  # its own process group: stop ends the binary too
    )
    pid_file.write_text(str(proc.pid))
    started = time.monotonic()
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until "ready", or "" when the launcher died
    if line.strip() != "ready":
        stop(data)
        raise SystemExit(f"The Milvus server did not start; see {data / 'launcher.log'}.")
    print(f"Milvus 2.3.5 on 127.0.0.1:{port}, PID {proc.pid}, {time.monotonic() - started:.1f}s")
    if time.monotonic() - started > timeout_s:
        print("(slower than expected)")
    return proc.pid


def stop(data: Path) -> None:
    pid_file = data.resolve() / "server.pid"
    if not pid_file.exists():
        print("No Milvus server was started here.")
        return
    pid = int(pid_file.read_text())
    for sig, wait_s in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and _group_alive(pid):
            time.sleep(0.2)
        if not _group_alive(pid):
            break
    pid_file.unlink()
    print(f"Stopped the Milvus server (PID {pid}).")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(ChildProcessError):  # reap our child: a zombie counts as alive
        os.waitpid(pgid, os.WNOHANG)
    return running(pgid) or _group_has_members(pgid)


def _group_has_members(pgid: int) -> bool:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--python", default=".venv-milvus-server/bin/python")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args(argv)
    if args.action == "start":
        start(args.python, args.data, args.port)
    else:
        stop(args.data)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
