"""A sampling profiler around the dynamic provider, for bench/bench_stack.py --profile-provider.

    python -u provider_profiler.py OUT.json [pulumi.dynamic arguments...]

The benchmark's PULUMI_PYTHON_CMD wrapper runs this instead of ``python -u -m pulumi.dynamic`` when
BENCH_PROFILE_DIR is set. A daemon thread samples every thread's stack every 5 ms and counts the stacks
(``module:function`` frames, leaf first), leaving out threads that are parked (waiting for work in
the gRPC pool, or the main thread asleep); it rewrites OUT.json every half second, because the engine
ends the provider with SIGKILL. bench_stack.py sorts the samples into categories. Then pulumi.dynamic runs as
usual (runpy, as ``-m`` would).
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import threading
import time
from collections import Counter
from types import FrameType

INTERVAL_S = 0.005
DEPTH = 48
#: A thread whose top frame is one of these is waiting for work, not working for a call.
PARKED = {("threading", "wait"), ("queue", "get"), ("thread", "_worker"), ("selectors", "select"),
          ("threading", "_wait_for_tstate_lock"), ("_channel", "_wait_once"), ("_server", "_serve"),
          ("_common", "wait"), ("_server", "_serve_one"),
          ("__main__", "main")}  # pulumi.dynamic's main thread, asleep once the server runs


def _key(frame: FrameType) -> tuple[str, str]:
    module = str(frame.f_globals.get("__name__", "?"))
    if module.startswith(("concurrent", "grpc")):
        module = module.rsplit(".", 1)[-1]
    return module, frame.f_code.co_name


def sampler(out: str) -> None:
    me = threading.get_ident()
    stacks: Counter[str] = Counter()
    busy = samples = 0
    last_write = time.monotonic()
    while True:
        time.sleep(INTERVAL_S)
        samples += 1
        for ident, frame in sys._current_frames().items():
            if ident == me or _key(frame) in PARKED:
                continue
            busy += 1
            names: list[str] = []
            f: FrameType | None = frame
            while f is not None and len(names) < DEPTH:
                names.append(":".join(_key(f)))
                f = f.f_back
            stacks[";".join(names)] += 1  # leaf first
        now = time.monotonic()
        if now - last_write > 0.5:
            last_write = now
            data = {"interval_s": INTERVAL_S, "samples": samples, "busy_thread_samples": busy,
                    "stacks": dict(stacks)}
            tmp = out + ".tmp"
            with open(tmp, "w") as fh:
                json.dump(data, fh)
            os.replace(tmp, out)


def main() -> None:
    out = sys.argv[1]
    threading.Thread(target=sampler, args=(out,), daemon=True, name="bench-profiler").start()
    sys.argv = ["pulumi.dynamic", *sys.argv[2:]]
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
