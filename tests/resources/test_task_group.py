"""TaskGroup provider against the emulator: check, diff, create, read, update, delete.

The provider runs in this process as the dynamic-provider host would run it: credentials and the
emulator's endpoint come from HW_* environment variables, and the cached settings / clients of
`sms_pulumi.resources._provider` are reset around every test. Props are passed as the engine hands
them over (whole numbers as floats where it matters).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.errors import NotFoundError
from sms_pulumi.api.models.oms import (
    CreateTaskGroupRequest,
    StartTaskGroupRequest,
    TaskGroupStatus,
    UpdateBandwidthPolicyRequest,
)
from sms_pulumi.api.oms import OmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources.errors import ProviderError
from sms_pulumi.resources.inputs import plain
from sms_pulumi.resources.task_group import (
    SECRET_FIELDS,
    TaskGroupProvider,
    _secret_keys,
    effective_run_state,
)
from tests.polling import wait_for
from tests.resources.helpers import COMPUTED

S = TaskGroupStatus
MiB = 1024 * 1024

# Keys of the buckets (not the emulator's credentials): per run, never printed.
SRC_AK = "SRCAK" + secrets.token_hex(8).upper()
SRC_SK = "srcsk" + secrets.token_hex(16)
DST_AK = "DSTAK" + secrets.token_hex(8).upper()
DST_SK = "dstsk" + secrets.token_hex(16)
KEYS = (SRC_AK, SRC_SK, DST_AK, DST_SK)


@pytest.fixture
def oms(provider_env: EmulatorServer) -> OmsClient:
    """A client of our own, acting "outside Pulumi" (the console)."""
    return OmsClient(ProviderSettings.load())


@dataclass
class Result:
    id: str | None
    outs: dict[str, Any]


@dataclass
class Created:
    id: str
    outs: dict[str, Any]


class Provider(TaskGroupProvider):
    """The provider, with results typed for the tests (the engine's view: an id and a dict)."""

    def create(self, props: dict[str, Any]) -> Created:  # type: ignore[override]
        result = super().create(props)
        assert result.id and result.outs is not None
        return Created(str(result.id), dict(result.outs))

    def read(self, id_: str, props: dict[str, Any]) -> Result:  # type: ignore[override]
        result = super().read(id_, props)
        return Result(result.id, dict(result.outs or {}))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Created:  # type: ignore[override]
        result = super().update(id_, olds, news)
        assert result.outs is not None
        return Created(id_, dict(result.outs))


def props(**changes: Any) -> dict[str, Any]:
    """Inputs of a group; the 1 MiB/s window keeps it copying for minutes of emulator time."""
    base: dict[str, Any] = {
        "src_node": {"cloud_type": "Aliyun", "region": "cn-hangzhou", "bucket": "dc-east-static",
                     "object_key": ["assets/"], "ak": SRC_AK, "sk": SRC_SK},
        "dst_node": {"region": "cn-north-4", "bucket": "static-assets-cn4", "save_prefix": "migrated/",
                     "ak": DST_AK, "sk": DST_SK},
        "description": "static-assets",
        "bandwidth_policy": [{"start": "00:00", "end": "23:59", "max_bandwidth": float(MiB)}],
        "enable_metadata_migration": True,
        "consistency_check": "crc64",
        "run_state": "running",
        "wait_timeout": 60.0,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def with_node(p: dict[str, Any], node: str, **fields: Any) -> dict[str, Any]:
    return {**p, node: {**p[node], **fields}}


def requests(emulator: EmulatorServer) -> dict[str, int]:
    counts: dict[str, int] = emulator.admin.requests()["counts"]
    return {k: v for k, v in counts.items() if "taskgroups" in k}


def live_groups(emulator: EmulatorServer) -> list[dict[str, Any]]:
    return list(emulator.admin.objects()["taskgroups"])


def wait_status(oms: OmsClient, group_id: str, wanted: set[S], timeout: float = 30) -> S:
    status = wait_for(lambda: oms.show_task_group(group_id).status_enum, lambda s: s in wanted, timeout,
                      interval=0.05)
    assert status is not None
    return status


def assert_no_diff(provider: TaskGroupProvider, group_id: str | None, outs: dict[str, Any],
                   inputs: dict[str, Any]) -> None:
    result = provider.diff(group_id or "", outs, inputs)
    assert result.changes is False, result.__dict__
    assert not result.replaces


# -- check ----------------------------------------------------------------------------------------


def test_check_names_each_invalid_field_and_calls_nothing(provider_env: EmulatorServer) -> None:
    provider = Provider()
    provider_env.admin.clear_requests()
    bad = props(
        bandwidth_policy=[{"start": "08:00", "end": "18:00", "max_bandwidth": 10.0}],
        run_state="stopped",
        description="a <b> c",
        consistency_check="sha1",
        wait_timeout=-1.0,
        colour="blue",
    )
    bad = with_node(bad, "dst_node", sk=None)
    bad["dst_node"] = {k: v for k, v in bad["dst_node"].items() if v is not None}
    result = provider.check({}, bad)
    named = {f.property: f.reason for f in result.failures}
    assert set(named) >= {
        "bandwidth_policy[0].max_bandwidth", "run_state", "description", "consistency_check",
        "wait_timeout", "dst_node.sk", "colour",
    }, named
    # Cross-field rules are named after their field too.
    no_keys = props(src_node={"bucket": "b", "region": "r", "cloud_type": "AWS"})
    assert [f.property for f in provider.check({}, no_keys).failures] == ["src_node"]
    overlapping = props(bandwidth_policy=[
        {"start": "00:00", "end": "12:00", "max_bandwidth": MiB},
        {"start": "11:00", "end": "13:00", "max_bandwidth": MiB},
    ])
    assert [f.property for f in provider.check({}, overlapping).failures] == ["bandwidth_policy"]
    # Valid inputs pass; values not known yet (preview) are not judged.
    assert provider.check({}, props()).failures == []
    assert provider.check({}, props(dst_node=COMPUTED, run_state=COMPUTED)).failures == []
    # None of this reached the API.
    counts = provider_env.admin.requests()["counts"]
    assert not [k for k in counts if "/_emulator/" not in k], counts


# -- diff -----------------------------------------------------------------------------------------


def test_diff_rules() -> None:
    provider = Provider()
    olds = {**props(), "desired_run_state": "running", "task_type": None, "enable_restore": None}
    same = provider.diff("g", olds, props())
    assert same.changes is False and not same.replaces
    # The API echoes the cloud in upper case; OMS defaults for unset inputs never differ.
    echoed = with_node(olds, "src_node", cloud_type="ALIYUN")
    assert provider.diff("g", {**echoed, "task_type": "PREFIX"}, props()).changes is False
    # In place: bandwidth, run state, keys (OMS keeps none: they are sent again on resume).
    for news in (
        props(bandwidth_policy=[{"start": "00:00", "end": "23:59", "max_bandwidth": 2.0 * MiB}]),
        props(bandwidth_policy=None),
        props(run_state="paused"),
        with_node(props(), "src_node", ak="ROTATED", sk="rotated"),
        with_node(props(), "dst_node", sk=COMPUTED),
    ):
        result = provider.diff("g", olds, news)
        assert result.changes is True and result.replaces == [], news
    # Replaced: whatever OMS cannot change.
    for news, field in (
        (with_node(props(), "dst_node", bucket="other-bucket"), "dst_node"),
        (with_node(props(), "src_node", object_key=["assets/", "css/"]), "src_node"),
        (with_node(props(), "src_node", bucket=COMPUTED), "src_node"),
        (props(description="renamed"), "description"),
        (props(consistency_check="size_last_modified"), "consistency_check"),
        (props(migrate_since=1700000000.0), "migrate_since"),
    ):
        result = provider.diff("g", olds, news)
        assert result.changes is True and result.replaces == [field], (field, result.replaces)
        assert result.delete_before_replace is True
    # Drift read back: a policy changed in the console, a group paused or failed.
    assert provider.diff("g", {**olds, "bandwidth_policy": []}, props()).replaces == []
    assert provider.diff("g", {**olds, "bandwidth_policy": []}, props()).changes is True
    assert provider.diff("g", {**olds, "run_state": "paused"}, props()).changes is True
    assert provider.diff("g", {**olds, "run_state": "failed"}, props()).changes is True


def test_run_state_read_back() -> None:
    for status in (S.WAITING, S.EXECUTING, S.MONITORING, S.COMPLETED):
        assert effective_run_state("running", status) == "running"
    assert effective_run_state("running", S.PAUSED) == "paused"
    assert effective_run_state("running", S.PAUSING) == "paused"
    assert effective_run_state("running", S.MIGRATE_FAILED) == "failed"
    assert effective_run_state("running", S.CREATE_FAILED) == "failed"
    assert effective_run_state("paused", S.MONITORING) == "running"
    for status in (S.PAUSED, S.COMPLETED, S.MIGRATE_FAILED):
        assert effective_run_state("paused", status) == "paused"
    assert effective_run_state(None, S.PAUSED) is None
    assert effective_run_state("not_managed", S.PAUSED) == "not_managed"


# -- create / read / update -----------------------------------------------------------------------


def test_create_read_and_bandwidth_update_in_place(provider_env: EmulatorServer, oms: OmsClient) -> None:
    provider = Provider()
    inputs = props()
    created = provider.create(inputs)
    group_id = created.id
    outs = created.outs
    assert outs["run_state"] == "running"
    assert outs["src_node"]["bucket"] == "dc-east-static"
    [live] = live_groups(provider_env)
    assert outs["src_node"]["cloud_type"] == live["src_node"]["cloud_type"]  # as OMS reports it
    assert outs["dst_node"]["save_prefix"] == "migrated/"
    assert outs["bandwidth_policy"] == [{"start": "00:00", "end": "23:59", "max_bandwidth": MiB}]
    assert outs["task_type"] is None and outs["enable_restore"] is None  # not managed
    assert_no_diff(provider, group_id, outs, inputs)
    [live] = live_groups(provider_env)
    assert live["group_id"] == group_id and live["description"] == "static-assets"
    assert live["enable_metadata_migration"] is True and live["consistency_check"] == "crc64"

    read = provider.read(group_id, outs)
    assert read.id == group_id
    assert read.outs == outs
    assert_no_diff(provider, group_id, read.outs, inputs)

    provider_env.admin.clear_requests()
    faster = props(bandwidth_policy=[
        {"start": "00:00", "end": "08:00", "max_bandwidth": 100.0 * MiB},
        {"start": "08:00", "end": "23:59", "max_bandwidth": 2.0 * MiB},
    ])
    diff = provider.diff(group_id, read.outs, faster)
    assert diff.changes is True and diff.replaces == []
    updated = provider.update(group_id, read.outs, faster)
    assert updated.outs
    assert updated.outs["bandwidth_policy"][1] == {"start": "08:00", "end": "23:59", "max_bandwidth": 2 * MiB}
    counts = requests(provider_env)
    assert counts.get("PUT /v2/{project_id}/taskgroups/{group_id}/update") == 1, counts
    assert not any(k.startswith(("POST", "DELETE")) for k in counts), counts
    [live] = live_groups(provider_env)
    assert live["group_id"] == group_id and len(live["bandwidth_policy"]) == 2
    assert_no_diff(provider, group_id, updated.outs, faster)

    # Removing the policy removes the limits.
    unlimited = props(bandwidth_policy=None)
    cleared = provider.update(group_id, updated.outs, unlimited)
    assert cleared.outs["bandwidth_policy"] == []
    assert oms.show_task_group(group_id).bandwidth_policy == []
    assert_no_diff(provider, group_id, cleared.outs, unlimited)


def test_bandwidth_changed_outside_pulumi_is_drift(provider_env: EmulatorServer, oms: OmsClient) -> None:
    provider = Provider()
    inputs = props()
    created = provider.create(inputs)
    oms.update_bandwidth_policy(created.id, UpdateBandwidthPolicyRequest.model_validate(
        {"bandwidth_policy": [{"start": "09:00", "end": "17:00", "max_bandwidth": 5 * MiB}]}))
    read = provider.read(created.id, created.outs)
    assert read.outs["bandwidth_policy"] == [{"start": "09:00", "end": "17:00", "max_bandwidth": 5 * MiB}]
    diff = provider.diff(created.id, read.outs, inputs)
    assert diff.changes is True and diff.replaces == []
    restored = provider.update(created.id, read.outs, inputs)
    assert restored.outs
    assert oms.show_task_group(created.id).bandwidth_policy[0].max_bandwidth == MiB  # type: ignore[index]


def test_pause_and_resume(provider_env: EmulatorServer, oms: OmsClient) -> None:
    provider = Provider()
    inputs = props()
    created = provider.create(inputs)
    group_id = created.id

    # Paused through Pulumi: stop, then wait for PAUSED.
    paused_inputs = props(run_state="paused")
    paused = provider.update(group_id, created.outs, paused_inputs)
    assert paused.outs["run_state"] == "paused"
    assert oms.show_task_group(group_id).status_enum == S.PAUSED
    assert_no_diff(provider, group_id, provider.read(group_id, paused.outs).outs, paused_inputs)

    # Resumed through Pulumi: start, with the keys again.
    provider_env.admin.clear_requests()
    resumed = provider.update(group_id, paused.outs, inputs)
    assert resumed.outs["run_state"] == "running"
    assert requests(provider_env).get("PUT /v2/{project_id}/taskgroups/{group_id}/start") == 1
    assert oms.show_task_group(group_id).status_enum in {S.EXECUTING, S.MONITORING}

    # Paused outside Pulumi: refresh shows "paused", up resumes it.
    oms.stop_task_group(group_id)
    read = provider.read(group_id, resumed.outs)
    assert read.outs["run_state"] == "paused"
    diff = provider.diff(group_id, read.outs, inputs)
    assert diff.changes is True and diff.replaces == []
    again = provider.update(group_id, read.outs, inputs)  # waits out PAUSING, then starts
    assert again.outs["run_state"] == "running"
    assert oms.show_task_group(group_id).status_enum in {S.EXECUTING, S.MONITORING}
    # Refresh judges against the wish, not against the last read value.
    assert provider.read(group_id, read.outs).outs["run_state"] == "running"


def test_created_paused(provider_env: EmulatorServer, oms: OmsClient) -> None:
    created = Provider().create(props(run_state="paused"))
    assert created.outs["run_state"] == "paused"
    assert oms.show_task_group(created.id).status_enum == S.PAUSED


def test_natural_progress_is_not_drift(provider_env: EmulatorServer, oms: OmsClient) -> None:
    provider = Provider()
    inputs = props(bandwidth_policy=None)  # 50 MiB/s: minutes of emulator time
    created = provider.create(inputs)
    seen = set()
    provider_env.admin.clock(speed=5000)
    deadline = time.monotonic() + 30
    while (status := oms.show_task_group(created.id).status_enum) != S.COMPLETED:
        assert time.monotonic() < deadline, status
        seen.add(status)
        read = provider.read(created.id, created.outs)
        assert read.outs["run_state"] == "running", status
        assert_no_diff(provider, created.id, read.outs, inputs)
        time.sleep(0.02)
    read = provider.read(created.id, created.outs)
    assert read.outs["run_state"] == "running"
    assert_no_diff(provider, created.id, read.outs, inputs)
    assert seen & {S.EXECUTING, S.MONITORING}, seen


def test_failed_group_is_retried(provider_env: EmulatorServer, oms: OmsClient) -> None:
    provider = Provider()
    inputs = props()
    created = provider.create(inputs)
    wait_status(oms, created.id, {S.MONITORING})
    provider_env.admin.fail_taskgroup(created.id, error_msg="source bucket throttled")
    assert oms.show_task_group(created.id).status_enum == S.MIGRATE_FAILED

    read = provider.read(created.id, created.outs)
    assert read.outs["run_state"] == "failed"
    diff = provider.diff(created.id, read.outs, inputs)
    assert diff.changes is True and diff.replaces == []

    provider_env.admin.clear_requests()
    retried = provider.update(created.id, read.outs, inputs)
    assert retried.outs["run_state"] == "running"
    assert requests(provider_env).get("PUT /v2/{project_id}/taskgroups/{group_id}/retry") == 1
    live = oms.show_task_group(created.id)
    assert live.status_enum in {S.EXECUTING, S.MONITORING} and not live.error_reason
    assert_no_diff(provider, created.id, provider.read(created.id, retried.outs).outs, inputs)


def test_failed_group_satisfies_a_paused_wish(provider_env: EmulatorServer, oms: OmsClient) -> None:
    """Nothing is copying either way: no perpetual diff, no action."""
    provider = Provider()
    created = provider.create(props(run_state="paused"))
    oms.start_task_group(created.id, StartTaskGroupRequest(dst_ak=DST_AK, dst_sk=DST_SK,
                                                           src_ak=SRC_AK, src_sk=SRC_SK))
    provider_env.admin.fail_taskgroup(created.id, error_msg="destination bucket full")
    read = provider.read(created.id, created.outs)
    assert read.outs["run_state"] == "paused"  # for a "paused" wish, a failed group is at rest
    assert_no_diff(provider, created.id, read.outs, props(run_state="paused"))


def test_errors_never_quote_keys(provider_env: EmulatorServer) -> None:
    from sms_pulumi.resources.task_group import _validated

    with pytest.raises(ValueError) as failure:
        _validated(StartTaskGroupRequest, {"src_ak": SRC_AK, "dst_ak": DST_AK, "dst_sk": DST_SK * 10})
    assert "dst_sk" in str(failure.value)
    assert not [k for k in KEYS if k in str(failure.value)]


def test_waits_are_bounded_and_a_failed_create_is_found_again(
    provider_env: EmulatorServer, oms: OmsClient
) -> None:
    provider_env.admin.clock(speed=1)  # pausing takes 5 s of emulator time, now real time
    with pytest.raises(ProviderError) as failure:
        Provider().create(props(run_state="paused", wait_timeout=0.3))
    message = str(failure.value)
    assert "gave up waiting" in message and "PAUSING" in message and "finds it by its description" in message
    [group] = live_groups(provider_env)
    # The next attempt (nothing was recorded in the state) manages that group, no second POST.
    provider_env.admin.clock(speed=200)
    provider_env.admin.clear_requests()
    created = Provider().create(props(run_state="paused"))
    assert created.id == group["group_id"] and created.outs["run_state"] == "paused"
    assert "POST /v2/{project_id}/taskgroups" not in requests(provider_env)
    assert len(live_groups(provider_env)) == 1


# -- delete ---------------------------------------------------------------------------------------


def test_delete_stops_a_running_group_and_waits_until_it_is_gone(
    provider_env: EmulatorServer, oms: OmsClient
) -> None:
    provider = Provider()
    created = provider.create(props())
    wait_status(oms, created.id, {S.MONITORING})
    provider_env.admin.clear_requests()
    provider.delete(created.id, created.outs)
    assert live_groups(provider_env) == []
    log = [f"{r['method']} {r['route']}" for r in provider_env.admin.requests(with_list=True)["requests"]
           if "taskgroups" in (r["route"] or "")]
    writes = [r for r in log if not r.startswith("GET")]
    assert writes == ["PUT /v2/{project_id}/taskgroups/{group_id}/stop",
                      "DELETE /v2/{project_id}/taskgroups/{group_id}"], log
    with pytest.raises(NotFoundError):
        oms.show_task_group(created.id)
    # Gone: delete is done, read drops it from the state.
    provider.delete(created.id, created.outs)
    read = provider.read(created.id, created.outs)
    assert read.id is None and read.outs == {}


def test_delete_of_a_paused_group(provider_env: EmulatorServer) -> None:
    provider = Provider()
    created = provider.create(props(run_state="paused"))
    provider_env.admin.clear_requests()
    provider.delete(created.id, created.outs)
    assert live_groups(provider_env) == []
    assert "PUT /v2/{project_id}/taskgroups/{group_id}/stop" not in requests(provider_env)


def test_group_being_deleted_outside_pulumi_reads_as_gone(
    provider_env: EmulatorServer, oms: OmsClient
) -> None:
    provider = Provider()
    created = provider.create(props(run_state="paused"))
    oms.delete_task_group(created.id)
    read = provider.read(created.id, created.outs)
    assert read.id is None and read.outs == {}


# -- no duplicates, adoption ----------------------------------------------------------------------


def test_lost_create_response_does_not_duplicate(provider_env: EmulatorServer) -> None:
    provider_env.admin.add_fault("POST /v2/*/taskgroups", drop_rate=1.0, drop_mode="after", count=1)
    created = Provider().create(props())
    groups = live_groups(provider_env)
    assert [g["group_id"] for g in groups] == [created.id]
    counts = requests(provider_env)
    assert counts.get("POST /v2/{project_id}/taskgroups") == 1, counts


def test_group_left_by_an_interrupted_run_is_found_again(
    provider_env: EmulatorServer, oms: OmsClient
) -> None:
    """Create records nothing if it fails after the POST: the next attempt manages that group."""
    inputs = props()
    body = CreateTaskGroupRequest.model_validate(
        {k: plain(v) for k, v in inputs.items() if k not in ("run_state", "wait_timeout")})
    existing = oms.create_task_group(body).group_id
    provider_env.admin.clear_requests()
    created = Provider().create(inputs)
    assert created.id == existing
    assert "POST /v2/{project_id}/taskgroups" not in requests(provider_env)
    # Another description is another group.
    other = Provider().create(props(description="static-assets-2"))
    assert other.id != existing
    # Two candidates: refuse to guess.
    oms.create_task_group(body)
    with pytest.raises(ValueError, match="adopt_id"):
        Provider().create(inputs)


def test_adopt_existing_group(provider_env: EmulatorServer, oms: OmsClient) -> None:
    inputs = props()
    body = CreateTaskGroupRequest.model_validate(
        {k: plain(v) for k, v in inputs.items() if k not in ("run_state", "wait_timeout")}
        | {"description": "made in the console", "bandwidth_policy": []})
    group_id = oms.create_task_group(body).group_id
    assert group_id
    oms.stop_task_group(group_id)
    provider = Provider()
    adopted_inputs = props(description="made in the console", adopt_id=group_id)
    provider_env.admin.clear_requests()
    created = provider.create(adopted_inputs)
    assert created.id == group_id
    counts = requests(provider_env)
    assert "POST /v2/{project_id}/taskgroups" not in counts
    assert counts.get("PUT /v2/{project_id}/taskgroups/{group_id}/update") == 1  # bandwidth applied
    assert created.outs["run_state"] == "running"  # resumed
    assert_no_diff(provider, group_id, created.outs, adopted_inputs)
    # Changing adopt_id later changes nothing.
    assert_no_diff(provider, group_id, created.outs, {**adopted_inputs, "adopt_id": "other"})
    with pytest.raises(NotFoundError):
        provider.create(props(adopt_id="00000000-0000-0000-0000-000000000000"))


# -- secrets --------------------------------------------------------------------------------------


def test_keys_are_kept_for_resume_but_never_sent_back_or_stored_by_oms(provider_env: EmulatorServer) -> None:
    provider = Provider()
    created = provider.create(props())
    outs = created.outs
    # The keys stay in the outputs only where they were given (the engine keeps them secret there):
    # OMS returns none, and the next resume needs them.
    assert (outs["src_node"]["ak"], outs["src_node"]["sk"]) == (SRC_AK, SRC_SK)
    assert (outs["dst_node"]["ak"], outs["dst_node"]["sk"]) == (DST_AK, DST_SK)
    elsewhere = {k: v for k, v in outs.items() if k not in ("src_node", "dst_node")}
    elsewhere["src_node"] = {k: v for k, v in outs["src_node"].items() if k not in SECRET_FIELDS["src_node"]}
    elsewhere["dst_node"] = {k: v for k, v in outs["dst_node"].items() if k not in SECRET_FIELDS["dst_node"]}
    text = json.dumps(elsewhere) + json.dumps(provider_env.admin.objects())
    assert not [k for k in KEYS if k in text]
    # Rotated keys: stored for the next resume, nothing sent to OMS.
    rotated = with_node(props(), "src_node", ak="NEWAK" + secrets.token_hex(4), sk="newsk")
    provider_env.admin.clear_requests()
    updated = provider.update(created.id, outs, rotated)
    assert updated.outs["src_node"]["ak"] == rotated["src_node"]["ak"]
    assert not [k for k in requests(provider_env) if not k.startswith("GET")]


def test_keys_are_wrapped_as_secrets_one_by_one() -> None:
    async def check() -> None:
        given = {"bucket": "b", "region": "r", "ak": "AK", "sk": pulumi.Output.from_input("SK")}
        node = _secret_keys(given, "src_node")
        assert node["bucket"] == "b" and node["region"] == "r"  # readable in previews
        assert await node["ak"].is_secret() and await node["sk"].is_secret()
        assert await node["ak"].future() == "AK"
        cdn = _secret_keys({"domain": "d", "authentication_key": "K"}, "source_cdn")
        assert await cdn["authentication_key"].is_secret() and cdn["domain"] == "d"
        # A node given as one Output: its keys are wrapped once it is known.
        whole = _secret_keys(pulumi.Output.from_input({"bucket": "b", "ak": "AK", "sk": "SK"}), "dst_node")
        value = await whole.future()
        assert value["bucket"] == "b" and await value["ak"].is_secret() and await value["sk"].is_secret()

    asyncio.run(check())


def test_enable_kms_is_sent_read_back_and_replaces(provider_env: EmulatorServer, oms: OmsClient) -> None:
    provider = Provider()
    inputs = props(enable_kms=True)
    created = provider.create(inputs)
    assert oms.show_task_group(created.id).enable_kms is True
    assert created.outs["enable_kms"] is True
    assert_no_diff(provider, created.id, created.outs, inputs)
    read = provider.read(created.id, created.outs)
    assert read.outs["enable_kms"] is True
    # Set at creation: OMS cannot change it, a change replaces the group; unset, it is not compared.
    assert provider.diff(created.id, read.outs, props(enable_kms=False)).replaces == ["enable_kms"]
    assert_no_diff(provider, created.id, created.outs, props())
