"""Lookups (sms_pulumi.lookups) against the emulator's seeded source servers."""

from __future__ import annotations

import pytest

from sms_pulumi.api.models.migprojects import CreateMigProjectRequest
from sms_pulumi.api.models.sources import RegisterSourceServerRequest
from sms_pulumi.api.models.templates import CreateTemplateRequest, TemplateSpec
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.lookups import (
    LookupFailed,
    get_migration_project,
    get_source_server,
    get_template,
    list_source_servers,
)


def test_source_server_by_name_ip_or_id(provider_env: EmulatorServer, sms: SmsClient) -> None:
    by_name = get_source_server(name="web-01")
    assert (by_name.name, by_name.ip, by_name.os_type) == ("web-01", "10.0.1.11", "LINUX")
    assert get_source_server(ip="10.0.1.11").id == by_name.id
    assert get_source_server(name="web-01", ip="10.0.1.11").id == by_name.id
    assert by_name.id
    by_id = get_source_server(id=by_name.id)
    assert (by_id.id, by_id.name) == (by_name.id, "web-01")
    assert get_source_server(id=by_name.id, name="web-01").ip == "10.0.1.11"


def test_source_server_lookups_fail_clearly(provider_env: EmulatorServer, sms: SmsClient) -> None:
    with pytest.raises(LookupFailed, match="no source server matches name 'web-99'"):
        get_source_server(name="web-99")
    with pytest.raises(LookupFailed, match="no source server matches name 'web-01' and ip '10.0.1.12'"):
        get_source_server(name="web-01", ip="10.0.1.12")
    with pytest.raises(LookupFailed, match="no source server has id 'nope'"):
        get_source_server(id="nope")
    web01 = get_source_server(name="web-01")
    with pytest.raises(LookupFailed, match="has name 'web-01', not 'web-02'"):
        get_source_server(id=str(web01.id), name="web-02")
    with pytest.raises(ValueError, match="give a name, an ip or an id"):
        get_source_server()
    # A second server registered under the same name: ambiguous, both listed.
    sms.register_source(RegisterSourceServerRequest.model_validate({
        "name": "web-01", "hostname": "web-01-new", "ip": "10.9.9.9", "os_type": "LINUX",
        "os_version": "CENTOS_7_9_64BIT", "has_rsync": True, "paravirtualization": True, "raw_devices": "",
        "btrfs_list": [], "disks": []}))
    with pytest.raises(LookupFailed, match=r"2 source servers match name 'web-01': web-01 \(10.0.1.11, .*"
                                           r"web-01 \(10.9.9.9, .*be more specific"):
        get_source_server(name="web-01")
    assert get_source_server(name="web-01", ip="10.9.9.9").ip == "10.9.9.9"


def test_list_source_servers(provider_env: EmulatorServer) -> None:
    everything = list_source_servers()
    assert {"web-01", "web-02", "db-01", "win-ad-01", "legacy-01"} <= {s.name for s in everything}
    assert [s.name for s in list_source_servers(ip="10.0.2.21")] == ["db-01"]
    unavailable = list_source_servers(state="unavailable")
    assert [s.name for s in unavailable] == ["legacy-01"]


def test_project_and_template_by_name(provider_env: EmulatorServer, sms: SmsClient) -> None:
    assert get_migration_project("SystemProject").isdefault is True
    with pytest.raises(LookupFailed, match="no migration project is named 'wave-9' .*'SystemProject'"):
        get_migration_project("wave-9")
    sms.create_migproject(CreateMigProjectRequest(name="wave-1", region="cn-north-4", type="MIGRATE_BLOCK",
                                                  use_public_ip=True, exist_server=True, syncing=False))
    assert get_migration_project("wave-1").name == "wave-1"
    with pytest.raises(LookupFailed, match="no template is named 'web'"):
        get_template("web")
    spec = {"name": "web", "is_template": True, "region": "cn-north-4", "projectid": "p"}
    created = sms.create_template(CreateTemplateRequest(template=TemplateSpec.model_validate(spec)))
    assert get_template("web").id == created.id
    # Templates bound to a task may repeat a name: ambiguous.
    for _ in range(2):
        sms.create_template(CreateTemplateRequest(template=TemplateSpec.model_validate(
            {**spec, "name": "bound", "is_template": False})))
    with pytest.raises(LookupFailed, match="2 templates are named 'bound'"):
        get_template("bound")
