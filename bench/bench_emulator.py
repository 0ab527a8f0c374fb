"""Requests per second of the emulator for ``GET /v3/tasks/{task_id}`` with signature checking,
against a baseline measured in the same run: the same signed requests to the same server with its
verifier switched off. The client is httpx with the project's ``AkSkAuth`` (keep-alive connection,
each request signed). Prints figures; asserts nothing.

    .venv/bin/python bench/bench_emulator.py [--requests 2000] [--threads 1] [--tasks 500]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import threading
import time
from typing import Any

import httpx

from sms_pulumi.api.auth import AkSkAuth
from sms_pulumi.api.credentials import Credentials
from sms_pulumi.emulator.server import EmulatorServer, quiet_uvicorn


def _task_body(source: dict[str, Any], name: str) -> dict[str, Any]:
    disks = [
        {k: d[k] for k in ("name", "size", "used_size", "device_use")} | {"physical_volumes": []}
        for d in source["init_target_server"]["disks"]
    ]
    return {
        "name": name,
        "type": "MIGRATE_BLOCK",
        "os_type": source["os_type"],
        "source_server": {"id": source["id"]},
        "target_server": {"name": name + "-hw", "vm_id": "ecs-" + name, "disks": disks},
        "region_name": "cn-north-4",
        "region_id": "cn-north-4",
        "project_name": "cn-north-4",
        "project_id": "0" * 32,
    }


def _prepare(client: httpx.Client, tasks: int) -> list[str]:
    """Create ``tasks`` tasks (one per synthetic source) and return their IDs."""
    sources = []
    offset = 0
    while True:
        page = client.get("/v3/sources", params={"limit": 200, "offset": offset}).json()["source_servers"]
        sources += [s for s in page if s["state"] != "unavailable"]
        offset += 200
        if len(page) < 200:
            break
    ids = []
    for n, source in enumerate(sources[:tasks]):
        source = client.get(f"/v3/sources/{source['id']}").json()
        response = client.post("/v3/tasks", json=_task_body(source, f"bench-{n:04d}"))
        response.raise_for_status()
        ids.append(response.json()["id"])
    return ids


def _measure(client: httpx.Client, ids: list[str], requests: int, threads: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(count: int, offset: int) -> None:
        local = []
        for i in range(count):
            began = time.perf_counter()
            response = client.get(f"/v3/tasks/{ids[(offset + i) % len(ids)]}")
            local.append(time.perf_counter() - began)
            if response.status_code != 200:
                raise RuntimeError(f"unexpected {response.status_code}: {response.text[:200]}")
        with lock:
            latencies.extend(local)

    per_thread = requests // threads
    workers = [threading.Thread(target=worker, args=(per_thread, t * 7919)) for t in range(threads)]
    began = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - began
    return per_thread * threads / elapsed, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tasks", type=int, default=500, help="tasks in the database (one per source)")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    quiet_uvicorn()
    creds = Credentials(access_key="AK" + secrets.token_hex(8).upper(), secret_key=secrets.token_hex(20))
    rounds: dict[str, list[float]] = {"signed (AK/SK verified)": [], "baseline (auth off)": []}
    latencies: dict[str, list[float]] = {k: [] for k in rounds}
    server_ms: dict[str, list[float]] = {k: [] for k in rounds}
    server = EmulatorServer(
        credentials=[(creds.access_key, creds.secret_key)], seed=f"synthetic:{args.tasks}", clock_speed=60
    )
    with server, httpx.Client(base_url=server.url, auth=AkSkAuth(creds), timeout=30) as client:
        assert server.emulator is not None
        verifier = server.emulator.verifier
        ids = _prepare(client, args.tasks)
        _measure(client, ids, min(300, args.requests), 1)  # warm-up
        # Same process, same database, same signed requests: only the server-side check differs.
        # Rounds alternate so that drift (GC, CPU frequency) hits both sides alike.
        for _ in range(args.rounds):
            for label, enabled in (("signed (AK/SK verified)", True), ("baseline (auth off)", False)):
                verifier.enabled = enabled
                server.admin.clear_requests()
                rps, lat = _measure(client, ids, args.requests // args.rounds, args.threads)
                rounds[label].append(rps)
                latencies[label] += lat
                # Time spent inside the server (middleware included), from the request log.
                log = server.admin.requests(with_list=True)["requests"]
                server_ms[label] += [e["duration_ms"] for e in log if e["route"] == "/v3/tasks/{task_id}"]
        verifier.enabled = True
    print(
        f"GET /v3/tasks/{{task_id}}: {args.requests} requests per side in {args.rounds} alternating rounds, "
        f"{args.threads} client thread(s), {args.tasks} tasks in the database"
    )
    for label, values in rounds.items():
        ms = sorted(x * 1000 for x in latencies[label])
        print(
            f"  {label:26s} {statistics.median(values):8.1f} req/s (median of rounds)   "
            f"client p50 {statistics.median(ms):5.2f} ms p95 {ms[int(len(ms) * 0.95) - 1]:5.2f} ms   "
            f"server median {statistics.median(server_ms[label]):5.3f} ms"
        )
    signed_rps = statistics.median(rounds["signed (AK/SK verified)"])
    base_rps = statistics.median(rounds["baseline (auth off)"])
    signed_ms = statistics.median(server_ms["signed (AK/SK verified)"])
    base_ms = statistics.median(server_ms["baseline (auth off)"])
    print(
        f"  signed / baseline: {signed_rps / base_rps:.2f} (req/s), {signed_ms / base_ms:.2f} (server time)"
    )


if __name__ == "__main__":
    main()
