"""Issue #7, reliability 4 and 7: a wave under injected faults, then no secret anywhere in plaintext.

The soak (once per module, `soak` fixture): an emulator of its own, with *temporary* credentials (AK/SK
plus a security token, so that `X-Security-Token` is on every request) and an IAM token also present
in the provider's environment; SMS_SOAK_TASKS (default 30) synthetic sources; one `pulumi up` of a wave
(a migration project, two templates with a secret target password, one running task per source with
bandwidth windows) while every SMS route fails at random:

* rule A: 5% HTTP 429 with `Retry-After: 1`, 5% HTTP 503, 1% connections dropped before the request
  is processed;
* rule B: 5% HTTP 500 and 1% connections dropped *after* the request was processed (the response is
  lost: a create or a start happened and the client does not know);
* together about 10% 5xx, 5% 429 and 2% dropped connections on every SMS route;
* plus one of each kind on chosen routes whatever the draws (GUARANTEED_FAULTS): a lost task-create
  answer, a lost start answer, ...

It must converge with at most one extra `up`; afterwards the emulator holds exactly the objects the
state knows (no duplicates, no orphans), `refresh` under the same faults succeeds and the preview is
clean. The same run then feeds the secrets check: exported state, every file of the file backend and
of PULUMI_HOME, stdout+stderr of every command, a verbose-logged preview, and the emulator's request
log hold none of the secret key, security token, IAM token, stack passphrase or template password.
Finally the wave is destroyed under the same faults.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.auth import AccessKey
from sms_pulumi.emulator.server import EmulatorServer, quiet_uvicorn
from tests.conftest import EmulatorCredentials
from tests.reliability.conftest import (
    WAVE_PROGRAM,
    Inventory,
    baseline_ids,
    env_int,
    provider_env,
    wave_sources,
)
from tests.workspaces import CommandRecord, RecordingWorkspace, make_workspace

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SOAK_TASKS = env_int("SMS_SOAK_TASKS", 30)
ACTION_ROUTE = "/v3/tasks/{task_id}/action"


#: One of each, whatever the random draws: the soak always includes a lost create answer, a lost start
#: answer, a request dropped unprocessed, a 429, a 500 and a 503 (small SMS_SOAK_TASKS included).
GUARANTEED_FAULTS: list[tuple[str, dict[str, Any]]] = [
    ("POST /v3/tasks", {"drop_rate": 1.0, "drop_mode": "after"}),
    (f"POST {ACTION_ROUTE}", {"drop_rate": 1.0, "drop_mode": "after"}),
    ("GET /v3/tasks/*", {"drop_rate": 1.0, "drop_mode": "before"}),
    ("GET /v3/sources/*", {"throttle_429_rate": 1.0, "retry_after": 1}),
    ("POST /v3/tasks/*/speed-limit", {"error_5xx_rate": 1.0, "error_status": 500}),
    ("GET /v3/vm/templates/*", {"error_5xx_rate": 1.0, "error_status": 503}),
]


def add_soak_faults(server: EmulatorServer) -> None:
    admin = server.admin
    for route, spec in GUARANTEED_FAULTS:
        admin.add_fault(route, count=1, **spec)
    admin.add_fault("/v3/*", throttle_429_rate=0.05, retry_after=1, error_5xx_rate=0.05, error_status=503,
                    drop_rate=0.01, drop_mode="before")
    admin.add_fault("/v3/*", error_5xx_rate=0.05, error_status=500, drop_rate=0.01, drop_mode="after")


def converge(ws: RecordingWorkspace, *args: str, tries: int = 2) -> list[CommandRecord]:
    """Run a command until it succeeds, at most `tries` times; the records of every attempt."""
    attempts = []
    for _ in range(tries):
        ws.run(*args, check=False)
        attempts.append(ws.transcript[-1])
        if attempts[-1].returncode == 0:
            break
    return attempts


def diagnostics(record: CommandRecord, server: EmulatorServer | None = None) -> str:
    """The error lines of a failed command (not the progress lines) and, with the emulator, what it
    logged for the calls those errors name (status and injected fault of every attempt)."""
    lines = [ln for ln in record.output.splitlines() if "error" in ln.lower() and "retrying" not in ln]
    text = "\n".join(lines[-30:])
    if server is not None:
        calls = set(re.findall(r"\[(GET|PUT|POST|DELETE) (/v\d/[^\]\s]+)\]", text))
        log = server.admin.requests(with_list=True)["requests"]
        for method, path in sorted(calls):
            seen = [(e["seq"], e["status"], e["fault"]) for e in log
                    if e["method"] == method and e["path"] == path]
            text += f"\nemulator log of {method} {path} (seq, status, fault): {seen}"
    return text


@dataclass
class Soak:
    server: EmulatorServer
    ws: RecordingWorkspace
    secrets: dict[str, str]
    baseline: dict[str, set[str]]
    source_ids: list[str]
    ups: list[CommandRecord] = field(default_factory=list)
    refresh: list[CommandRecord] = field(default_factory=list)
    preview_summary: dict[str, int] = field(default_factory=dict)
    fault_log: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def inventory(self) -> Inventory:
        return Inventory.take(self.ws.resources(), self.server.admin.objects(), self.baseline)


@pytest.fixture(scope="module")
def soak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Soak]:
    quiet_uvicorn()
    values = {
        "secret key": secrets.token_hex(20),
        "security token": "ST" + secrets.token_urlsafe(48),
        "IAM token": "MII" + secrets.token_hex(40),
        "template password": "Tp-" + secrets.token_urlsafe(18),
    }
    access_key = "AK" + secrets.token_hex(9).upper()
    project_id = secrets.token_hex(16)
    key = AccessKey(access_key, values["secret key"], values["security token"])
    server = EmulatorServer(credentials=[key], tokens=[values["IAM token"]], clock_speed=200.0)
    root = tmp_path_factory.mktemp("soak")
    with server:
        source_ids = server.admin.add_sources(count=SOAK_TASKS)
        objects = server.admin.objects()
        env = provider_env(server.url, access_key, values["secret key"], project_id, values["security token"])
        env["HW_AUTH_TOKEN"] = values["IAM token"]  # present, unused (AK/SK wins): must not leak either
        sources = json.dumps(wave_sources(objects, source_ids))
        ws = make_workspace(root, WAVE_PROGRAM, "soak", env, config={"prefix": "soak", "sources": sources},
                            secrets={"targetPassword": values["template password"]})
        values["stack passphrase"] = ws.passphrase_file.read_text()
        run = Soak(server, ws, values, baseline_ids(objects), source_ids)
        server.admin.clear_requests()
        add_soak_faults(server)
        started = time.monotonic()
        run.ups = converge(ws, *ws.up_args())
        run.timings["up"] = time.monotonic() - started
        started = time.monotonic()
        run.refresh = converge(ws, "refresh", "--yes", "--non-interactive",
                               *ws.stack_args)
        run.timings["refresh"] = time.monotonic() - started
        run.preview_summary = ws.preview_json()["changeSummary"]
        run.fault_log = server.admin.requests(with_list=True)["requests"]
        server.admin.clear_faults()
        yield run


def fault_tally(entries: list[dict[str, Any]]) -> Counter[str]:
    tally: Counter[str] = Counter()
    for e in entries:
        if e["path"].startswith("/_emulator"):
            continue
        tally["requests"] += 1
        if e["fault"] == "drop":
            tally["dropped (response lost)" if e["status"] else "dropped (not processed)"] += 1
        elif e["fault"]:
            tally[f"{e['fault']} ({e['status']})"] += 1
    return tally


def test_soak_up_converges_without_duplicates_or_orphans(soak: Soak) -> None:
    tally = fault_tally(soak.fault_log)
    ups = [r.returncode for r in soak.ups]
    print(f"\nsoak: {SOAK_TASKS} tasks; ups: {ups} in {soak.timings['up']:.1f}s; "
          f"refresh: {[r.returncode for r in soak.refresh]} in {soak.timings['refresh']:.1f}s; "
          f"faults: {dict(tally)}")
    for record in soak.ups[:-1]:
        print(f"first up failed (allowed once):\n{diagnostics(record, soak.server)}")
    if len(soak.ups) > 1:
        faulted_posts = [(e["method"], e["path"], e["status"], e["fault"]) for e in soak.fault_log
                         if e["method"] == "POST" and (e["fault"] or e["status"] >= 400)]
        print("faulted or refused POSTs:\n" + "\n".join(map(str, faulted_posts)))
    assert soak.ups[-1].returncode == 0, f"`up` did not converge in 2 runs:\n{diagnostics(soak.ups[-1])}"
    # The soak really soaked: every kind of fault happened, creates' answers included.
    for kind in ("429 (429)", "5xx (503)", "5xx (500)", "dropped (not processed)", "dropped (response lost)"):
        assert tally[kind] >= 1, tally

    inventory = soak.inventory()
    inventory.assert_consistent("after the soak")
    assert len(inventory.state_ids["tasks"]) == SOAK_TASKS
    assert len(inventory.state_ids["templates"]) == 2
    assert len(inventory.state_ids["migprojects"]) == 1
    live_tasks = {t["id"]: t for t in inventory.live["tasks"]}
    assert {t["source_server"]["id"] for t in live_tasks.values()} == set(soak.source_ids)
    assert {t["state"] for t in live_tasks.values()} <= {"RUNNING", "SYNCING", "MIGRATE_SUCCESS"}

    # Every task got its bandwidth windows, exactly once.
    client = SmsClient(ProviderSettings.load(env=soak.ws.extra_env))
    speed_limits = [r for r in soak.ws.resources() if r["type"].endswith("sms:SpeedLimit")]
    assert {r["id"] for r in speed_limits} == set(live_tasks)
    for task_id in live_tasks:
        rules = client.show_speed_limits(task_id).speed_limit or []
        assert [(r.start, r.end, r.speed) for r in rules] == [("08:00", "18:00", 50), ("18:00", "23:59", 400)]

    for record in soak.refresh[:-1]:
        print(f"first refresh failed (allowed once):\n{diagnostics(record)}")
    assert soak.refresh[-1].returncode == 0, diagnostics(soak.refresh[-1])
    assert set(soak.preview_summary) == {"same"}, soak.preview_summary


def secret_forms(value: str) -> set[str]:
    """The value and the encodings it could hide in (JSON escapes, base64)."""
    return {value, json.dumps(value)[1:-1], base64.b64encode(value.encode()).decode()}


def test_soak_leaks_no_secret(soak: Soak) -> None:
    ws = soak.ws
    # One more command with the engine's and the plugins' verbose logs (what a user who debugs sends to
    # support): they are part of "the pulumi logs" (captured from stderr in the transcript).
    ws.run("preview", "--non-interactive", *ws.stack_args, "--diff",
           "-v=9", "--logflow", "--logtostderr")
    assert len(ws.transcript[-1].stderr) > 10_000  # the verbose log really is there
    haystacks: dict[str, str] = {
        "pulumi stack export": json.dumps(ws.export_state()),
        "emulator request log": json.dumps(soak.server.admin.requests(with_list=True)),
        "emulator objects (admin view)": json.dumps(soak.server.admin.objects()),
    }
    for n, record in enumerate(ws.transcript):
        haystacks[f"command {n}: pulumi {' '.join(record.argv)}"] = record.stdout + record.stderr
    files = ws.checkpoint_files()
    assert any(p.match("*/.pulumi/stacks/*/*.json") for p in files), files
    for path in files:
        haystacks[str(path)] = path.read_text(errors="replace")

    leaks = [f"{what} in {where}" for what, value in soak.secrets.items() for where, text in haystacks.items()
             if any(form in text for form in secret_forms(value))]
    print(f"\nsearched {len(haystacks)} outputs/files ({sum(map(len, haystacks.values()))} characters) "
          f"for {len(soak.secrets)} secrets")
    assert not leaks, "secrets in plaintext:\n" + "\n".join(leaks)
    # The password is a secret in the state: ciphertext, not merely absent ...
    templates = [r for r in ws.resources() if r["type"].endswith("sms:Template")]
    assert templates and all("ciphertext" in json.dumps(r["outputs"]["target_password"]) for r in templates)
    # ... and it did travel through the provider to the API (so its absence above means something).
    client = SmsClient(ProviderSettings.load(env=ws.extra_env))
    assert {client.show_target_password(r["id"]).target_password for r in templates} == {
        soak.secrets["template password"]}


def test_soak_destroy_under_faults(soak: Soak) -> None:
    add_soak_faults(soak.server)
    try:
        attempts = converge(soak.ws, "destroy", "--yes", "--non-interactive",
                            *soak.ws.stack_args)
    finally:
        soak.server.admin.clear_faults()
    for record in attempts[:-1]:
        print(f"first destroy failed (allowed once):\n{diagnostics(record, soak.server)}")
    assert attempts[-1].returncode == 0, diagnostics(attempts[-1], soak.server)
    inventory = soak.inventory()
    assert inventory.state_ids == {k: set() for k in inventory.state_ids}
    assert {k: v for k, v in inventory.live.items() if v} == {}


# -- lost responses, one at a time (the soak hits them only by chance) ------------------------


@pytest.fixture
def single_wave(tmp_path: Path, emulator: EmulatorServer,
                emulator_credentials: EmulatorCredentials) -> tuple[RecordingWorkspace, dict[str, set[str]]]:
    source_ids = emulator.admin.add_sources(count=1)
    objects = emulator.admin.objects()
    env = provider_env(emulator.url, emulator_credentials.access_key, emulator_credentials.secret_key,
                       emulator_credentials.project_id)
    ws = make_workspace(tmp_path, WAVE_PROGRAM, "lost", env,
                        config={"prefix": "lost", "sources": json.dumps(wave_sources(objects, source_ids))},
                        secrets={"targetPassword": "Tp-" + secrets.token_urlsafe(12)})
    return ws, baseline_ids(objects)


def test_lost_create_responses_are_found_again(single_wave: tuple[RecordingWorkspace, dict[str, set[str]]],
                                               emulator: EmulatorServer) -> None:
    """Each create's answer is lost once (the object was made): one `up` still makes each exactly once."""
    ws, baseline = single_wave
    for route in ("POST /v3/migprojects", "POST /v3/vm/templates", "POST /v3/tasks"):
        emulator.admin.add_fault(route, drop_rate=1.0, drop_mode="after", count=1)
    ws.run(*ws.up_args(), check=False)
    assert ws.transcript[-1].returncode == 0, diagnostics(ws.transcript[-1])
    assert emulator.admin.faults() == []  # every rule fired
    inventory = Inventory.take(ws.resources(), emulator.admin.objects(), baseline)
    inventory.assert_consistent("lost create answers")


def test_lost_start_response_is_reconciled(single_wave: tuple[RecordingWorkspace, dict[str, set[str]]],
                                           emulator: EmulatorServer) -> None:
    """The start's answer is lost after SMS started the task; the retry is refused (SMS.7713: the task
    is running already): the provider reads the task instead of failing with an orphan."""
    ws, baseline = single_wave
    emulator.admin.add_fault(f"POST {ACTION_ROUTE}", drop_rate=1.0, drop_mode="after", count=1)
    attempts = converge(ws, *ws.up_args())
    assert attempts[-1].returncode == 0, diagnostics(attempts[-1])
    Inventory.take(ws.resources(), emulator.admin.objects(), baseline).assert_consistent("lost start answer")
