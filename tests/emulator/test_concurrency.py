"""Concurrent requests are serialised per transaction: nothing is lost, duplicates are refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from sms_pulumi.emulator.server import EmulatorServer


def _template(name: str) -> dict[str, Any]:
    return {"template": {"name": name, "is_template": True, "region": "cn-north-4", "projectid": "p"}}


def test_parallel_creates(emulator: EmulatorServer, emulator_credentials: Any) -> None:
    headers = {"X-Auth-Token": emulator_credentials.token}

    def create(n: int) -> int:
        with httpx.Client(base_url=emulator.url, headers=headers) as client:
            # 40 distinct names, each sent twice: exactly one of each pair may win.
            return client.post("/v3/vm/templates", json=_template(f"par-{n % 20}")).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(create, range(40)))
    assert statuses.count(200) == 20 and statuses.count(400) == 20
    listed = httpx.get(emulator.url + "/v3/vm/templates", headers=headers).json()
    assert listed["count"] == 20
    assert len({t["name"] for t in listed["templates"]}) == 20
