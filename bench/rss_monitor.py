"""Peak RSS and CPU time of one Python process of the pulumi run, for bench/bench_stack.py.

    rss_monitor.py PID LOG ARGV...

bench_stack.py sets PULUMI_PYTHON_CMD to a small shell wrapper; the language host (program) and the
dynamic-provider script (``python -u -m pulumi.dynamic``) both start Python through it. The wrapper
starts this monitor in its own session (``setsid``) and then ``exec``s the real interpreter, so PID
is the Python process itself, unchanged in every other respect.

Why not wait4() in the wrapper: pulumi v3.79 starts each plugin in its own process group and ends it
with SIGKILL to the whole group (``cmdutil.KillChildren``: ``kill(-pid, SIGKILL)``), so a wrapper that
is the interpreter's parent dies with it and never reports. The monitor, outside that group, samples
the kernel's high-water mark ``VmHWM`` (peak resident set, monotonic) and ``utime+stime`` from
/proc every 20 ms until the process is gone, then appends one JSON line to LOG. What it can miss is
growth during the last sample interval, when the provider is idle and about to be killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time

INTERVAL_S = 0.02


def role_of(argv: list[str]) -> str:
    if "pulumi.dynamic" in argv:
        return "provider"
    if any(a.endswith("pulumi-language-python-exec") for a in argv):
        return "program"
    return "other"


def sample(pid: int, tick: int) -> tuple[int, float] | None:
    """(VmHWM in KiB, CPU seconds) of a live process; None when it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            status = fh.read()
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except OSError:
        return None
    hwm = None
    for line in status.splitlines():
        if line.startswith("State:") and "Z" in line.split()[1]:
            return None
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    if hwm is None:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # fields from the 3rd (state) on
    return hwm, (int(fields[11]) + int(fields[12])) / tick


def main() -> None:
    pid, log, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    with contextlib.suppress(OSError):
        os.setsid()  # already done by setsid(1); otherwise leave the plugin's process group here
    tick = os.sysconf("SC_CLK_TCK")
    began = time.time()
    peak_kb, cpu_s, samples = 0, 0.0, 0
    while True:
        got = sample(pid, tick)
        if got is None:
            break
        peak_kb, cpu_s = max(peak_kb, got[0]), got[1]
        samples += 1
        time.sleep(INTERVAL_S)
    record = {"pid": pid, "role": role_of(argv), "argv": argv[:4], "peak_rss_kb": peak_kb,
              "cpu_s": round(cpu_s, 3), "samples": samples, "lifetime_s": round(time.time() - began, 3)}
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(record) + "\n").encode())
    finally:
        os.close(fd)


if __name__ == "__main__":
    main()
