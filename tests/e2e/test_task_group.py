"""OMS TaskGroup through the real pulumi CLI against the emulator.

up -> preview (no changes) -> bandwidth change (in place) -> destination bucket change (replacement)
-> paused in OMS directly, refresh shows it -> up resumes it -> destroy leaves nothing. The bucket keys
never appear in plaintext in the state (`pulumi stack export`) nor in any command's output.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.models.oms import TaskGroupStatus
from sms_pulumi.api.oms import OmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.pulumi_cli import PulumiWorkspace
from tests.polling import wait_for
from tests.workspaces import RecordingWorkspace

if TYPE_CHECKING:
    from tests.conftest import EmulatorCredentials

pytestmark = pytest.mark.e2e

S = TaskGroupStatus
TYPE = "pulumi-python:dynamic/oms:TaskGroup"
SECRET_SIG = "4dabf18193072939515e22adb298388d"

# The source keys are plain strings in the program (the resource makes them secrets); the destination
# keys come from secret stack config, as a user would give them.
PROGRAM = """
import pulumi
from sms_pulumi.resources.task_group import TaskGroup

config = pulumi.Config()
group = TaskGroup(
    "media",
    src_node={"cloud_type": "ALIYUN", "region": "cn-hangzhou", "bucket": "media-src",
              "object_key": ["video/"], "ak": "__SRC_AK__", "sk": "__SRC_SK__"},
    dst_node={"region": "cn-north-4", "bucket": config.get("dstBucket") or "media-cn4",
              "ak": config.require_secret("dstAk"), "sk": config.require_secret("dstSk")},
    description="media library",
    bandwidth_policy=[{"start": "00:00", "end": "23:59",
                       "max_bandwidth": config.get_int("maxBandwidth") or 1048576}],
    consistency_check="crc64",
    run_state="running",
)
pulumi.export("group_id", group.id)
pulumi.export("run_state", group.run_state)
"""


def the_group(ws: PulumiWorkspace) -> dict[str, Any]:
    [group] = [r for r in ws.resources() if r["type"] == TYPE]
    return group


def live_groups(emulator: EmulatorServer) -> list[dict[str, Any]]:
    return list(emulator.admin.objects()["taskgroups"])


def is_ciphertext(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270" \
        and "ciphertext" in value and "plaintext" not in value


def test_task_group_lifecycle(
    stack: Callable[..., RecordingWorkspace],
    emulator: EmulatorServer,
    emulator_credentials: EmulatorCredentials,
) -> None:
    keys = {
        "src_ak": "SRCAK" + secrets.token_hex(8).upper(), "src_sk": "srcsk" + secrets.token_hex(16),
        "dst_ak": "DSTAK" + secrets.token_hex(8).upper(), "dst_sk": "dstsk" + secrets.token_hex(16),
    }
    program = PROGRAM.replace("__SRC_AK__", keys["src_ak"]).replace("__SRC_SK__", keys["src_sk"])
    ws = stack(program, secrets={"dstAk": keys["dst_ak"], "dstSk": keys["dst_sk"]})
    # up: one group, copying at 1 MiB/s.
    ws.up()
    group = the_group(ws)
    group_id = group["id"]
    outs = group["outputs"]
    assert outs["run_state"] == "running" and outs["src_node"]["bucket"] == "media-src"
    [live] = live_groups(emulator)
    assert live["group_id"] == group_id
    assert live["bandwidth_policy"] == [{"start": "00:00", "end": "23:59", "max_bandwidth": 1048576}]
    assert live["status"] in {S.WAITING, S.EXECUTING, S.MONITORING}

    # preview: nothing to do.
    preview = ws.preview_json()
    assert set(preview["changeSummary"]) == {"same"}, preview["changeSummary"]

    # Bandwidth: changed in place, same group.
    ws.set_config("maxBandwidth", str(4 * 1048576))
    preview = ws.preview_json()
    assert preview["changeSummary"].get("update") == 1 and "replace" not in preview["changeSummary"], preview
    ws.up()
    assert the_group(ws)["id"] == group_id
    [live] = live_groups(emulator)
    assert live["group_id"] == group_id and live["bandwidth_policy"][0]["max_bandwidth"] == 4 * 1048576

    # Destination bucket: OMS cannot change it, the group is replaced (the old one deleted first).
    ws.set_config("dstBucket", "media-cn4-archive")
    preview = ws.preview_json()
    assert preview["changeSummary"].get("replace") == 1, preview["changeSummary"]
    ws.up()
    new_id = the_group(ws)["id"]
    assert new_id != group_id
    [live] = live_groups(emulator)
    assert live["group_id"] == new_id and live["dst_node"]["bucket"] == "media-cn4-archive"

    # Paused in OMS directly (the console): refresh shows the drift, up resumes the group.
    oms = OmsClient(ProviderSettings.load(env=emulator_credentials.env(emulator.url)))
    oms.stop_task_group(new_id)
    wait_for(lambda: oms.show_task_group(new_id).status_enum, lambda s: s == S.PAUSED, 30, interval=0.1)
    refreshed = ws.refresh()
    assert "1 updated" in refreshed.stdout, refreshed.stdout
    assert the_group(ws)["outputs"]["run_state"] == "paused"
    preview = ws.preview_json()
    assert preview["changeSummary"].get("update") == 1 and "replace" not in preview["changeSummary"], preview
    [step] = [s for s in preview["steps"] if s.get("urn", "").endswith("::media")]
    assert step["op"] == "update", step
    assert step["oldState"]["outputs"]["run_state"] == "paused"
    assert step["newState"]["inputs"]["run_state"] == "running"
    ws.up()
    assert the_group(ws)["id"] == new_id
    assert the_group(ws)["outputs"]["run_state"] == "running"
    assert oms.show_task_group(new_id).status_enum in {S.EXECUTING, S.MONITORING, S.COMPLETED}
    preview = ws.preview_json()
    assert set(preview["changeSummary"]) == {"same"}, preview["changeSummary"]

    # Secrets: ciphertext in the state, in the inputs and in the outputs; nowhere in plaintext.
    exported = ws.run("stack", "export", *ws.stack_args).stdout
    state = the_group(ws)
    for where in ("inputs", "outputs"):
        for node, prefix in (("src_node", "src"), ("dst_node", "dst")):
            value = state[where][node]
            assert value["bucket"], (where, node)  # bucket names stay readable
            assert is_ciphertext(value["ak"]) and is_ciphertext(value["sk"]), (where, node, prefix)
    transcript = "\n".join(record.output for record in ws.transcript)
    text = exported + transcript + json.dumps(emulator.admin.objects())
    assert not [name for name, key in keys.items() if key in text]

    # destroy: the running group is stopped and deleted, nothing is left.
    destroyed = ws.destroy()
    assert ws.resources() == []
    assert live_groups(emulator) == []
    assert not [name for name, key in keys.items() if key in destroyed.stdout + destroyed.stderr]
