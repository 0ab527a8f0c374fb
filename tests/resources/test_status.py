"""`sms-pulumi status`'s dashboard against the emulator: three reads, whatever the number of servers."""

from __future__ import annotations

from sms_pulumi.api.models.tasks import TaskAction
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.status import dashboard, waves_of
from tests.resources.helpers import api_requests
from tests.resources.test_task import wait_state
from tests.resources.test_wave import make_tasks


def test_dashboard_shows_states_tasks_and_errors(provider_env: EmulatorServer, sms: SmsClient) -> None:
    tasks = make_tasks(sms, "web-01", "web-02")
    for task_id in tasks.values():
        sms.task_action(task_id, TaskAction.START)
    provider_env.admin.fail_task(tasks["web-02"], error_code="SMS.6513", error_msg="The source disk is full.")
    wait_state(sms, tasks["web-02"], "MIGRATE_FAIL")
    outputs = {"wave-1": {k: {"task_id": t, "run_state": "running"} for k, t in tasks.items()},
               "template_ids": {"linux": "x"}, "gone": {"db-01": {"task_id": "nope", "run_state": "stopped"}}}
    assert set(waves_of(outputs)) == {"wave-1", "gone"}
    provider_env.admin.clear_requests()
    text = dashboard(sms, outputs)
    assert text.startswith("Source servers: "), text
    assert "1 error" in text.splitlines()[0], text
    rows = {line.split()[1]: line for line in text.splitlines() if line.startswith(("  wave-1", "  gone"))}
    assert "RUNNING" in rows["web-01"] and "MIGRATE_FAIL" in rows["web-02"]
    assert "gone (deleted outside Pulumi?)" in rows["db-01"]
    assert "web-02 (" in text and "SMS.6513: The source disk is full." in text, text
    assert api_requests(provider_env) == {"GET /v3/sources/overview": 1, "GET /v3/tasks": 1,
                                          "GET /v3/errors": 1}
