"""Template provider against the emulator: check, diff, create, read, update, delete."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from sms_pulumi.api.models.templates import CreateTemplateRequest, TemplateSpec, UpdateTemplateRequest
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources.template import TemplateProvider
from tests.resources.helpers import (
    COMPUTED,
    PROVIDER_KEY,
    api_requests,
    assert_no_diff,
    create,
    diff,
    engine,
    live,
    read,
    update,
)

P = TemplateProvider
PASSWORD = "Tpl-" + secrets.token_urlsafe(12)


def props(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "web-tier", "is_template": True, "region": "cn-north-4", "projectid": "p" * 32,
        "target_server_name": "web", "availability_zone": "cn-north-4a", "flavor": "s6.large.2",
        "volumetype": "SSD",
        "vpc": {"id": "autoCreate", "name": "vpc-mig"},
        "nics": [{"id": "autoCreate", "name": "subnet-mig", "cidr": "192.168.0.0/24"}],
        "security_groups": [{"id": "autoCreate", "name": "sg-mig"}],
        "publicip": {"type": "5_bgp", "bandwidth_size": 100},
        "disk": [{"index": 0, "name": "system", "disktype": "SSD", "size": 40}],
        "target_password": PASSWORD,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def set_live(sms: SmsClient, template_id: str, **fields: Any) -> None:
    """Change the template outside Pulumi (PUT replaces it whole, as the console does)."""
    current = sms.show_template(template_id).model_dump(mode="json", exclude_none=True)
    current.pop("id", None)
    current["is_template"] = current["is_template"] == "true"
    password = sms.show_target_password(template_id).target_password
    body = {**current, "target_password": password, **fields}
    sms.update_template(template_id, UpdateTemplateRequest(template=TemplateSpec.model_validate(body)))


def test_check_names_each_bad_field_and_calls_nothing(provider_env: EmulatorServer) -> None:
    bad = props(projectid=None, publicip={"type": "5_bgp", "bandwidth_size": 5000},
                disk=[{"index": 0, "name": "system", "disktype": "SSD", "size": -1}],
                vpc={"id": "autoCreate"}, nicks=[])
    result = P().check({}, {**engine(bad), PROVIDER_KEY: "p"})
    named = {f.property: f.reason for f in result.failures}
    assert set(named) == {"projectid", "publicip.bandwidth_size", "disk[0].size", "vpc.name", "nicks"}, named
    assert P().check({}, engine(props())).failures == []
    assert P().check({}, {**engine(props()), "vpc": COMPUTED, "target_password": COMPUTED}).failures == []
    assert api_requests(provider_env) == {}


def test_create_then_no_diff_with_engine_values(provider_env: EmulatorServer) -> None:
    created = create(P(), props())
    obj = live(provider_env, "templates", created.id)
    assert obj is not None and obj["flavor"] == "s6.large.2"
    assert obj["publicip"]["bandwidth_size"] == 100
    assert created.outs["target_password"] == PASSWORD
    assert created.outs["is_template"] is True  # SMS answers the String "true"
    assert created.outs["data_volume_type"] is None and created.outs["image_id"] is None
    assert_no_diff(P(), created.id, created.outs, props())
    _, outs = read(P(), created.id, created.outs)
    assert outs == created.outs
    assert_no_diff(P(), created.id, outs, props())


def test_server_filled_and_normalised_values_never_differ(provider_env: EmulatorServer) -> None:
    created = create(P(), props(vpc=None, nics=None))
    # SMS reports an unset object as {} (or null) and an unset list as [] (or null); SMS adds IDs
    # and defaults to nested objects; the engine hands numbers back as floats.
    echoed = {**created.outs, "vpc": {}, "nics": [],
              "disk": [{"index": 0.0, "name": "system", "disktype": "SSD", "size": 40.0}]}
    assert_no_diff(P(), created.id, echoed, props(vpc=None, nics=None))
    # A nested field SMS fills (disk id, vpc cidr) is cut away when read back.
    extra = create(P(), props(name="db-tier", vpc={"id": "vpc-1", "name": "vpc-1", "cidr": "10.0.0.0/16"},
                              disk=[{"index": 0, "name": "system", "disktype": "SSD", "size": 40, "id": 7}]))
    news = props(name="db-tier", vpc={"id": "vpc-1", "name": "vpc-1"},
                 disk=[{"index": 0, "name": "system", "disktype": "SSD", "size": 40}])
    _, outs = read(P(), extra.id, {**extra.outs, **engine({k: news[k] for k in ("vpc", "disk")})})
    assert outs["vpc"] == {"id": "vpc-1", "name": "vpc-1"}
    assert outs["disk"] == [{"index": 0, "name": "system", "disktype": "SSD", "size": 40}]
    assert_no_diff(P(), extra.id, outs, news)


def test_everything_updates_in_place(provider_env: EmulatorServer) -> None:
    created = create(P(), props())
    for news in (props(name="web-tier-2"), props(flavor="s6.xlarge.2"), props(vpc=None),
                 props(publicip={"type": "5_bgp", "bandwidth_size": 200}),
                 props(target_password="New-pass-1"), props(is_template=False),
                 props(disk=[{"index": 0, "name": "system", "disktype": "SSD", "size": 80}])):
        result = diff(P(), created.id, created.outs, news)
        assert result.changes is True and result.replaces == [], news
    news = props(name="web-tier-2", flavor="s6.xlarge.2", publicip={"type": "5_bgp", "bandwidth_size": 200},
                 target_password="New-pass-1")
    outs = update(P(), created.id, created.outs, news)
    obj = live(provider_env, "templates", created.id)
    assert obj is not None
    assert (obj["name"], obj["flavor"]) == ("web-tier-2", "s6.xlarge.2")
    assert obj["publicip"]["bandwidth_size"] == 200
    assert outs["target_password"] == "New-pass-1"
    assert [t["id"] for t in provider_env.admin.objects()["templates"]] == [created.id]
    assert_no_diff(P(), created.id, outs, news)


def test_drift_is_read_back_and_repaired(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(P(), props())
    set_live(sms, created.id, flavor="c7.large.2", target_password="Changed-in-console-1")
    _, outs = read(P(), created.id, created.outs)
    assert outs["flavor"] == "c7.large.2"
    assert outs["target_password"] == "Changed-in-console-1"
    result = diff(P(), created.id, outs, props())
    assert result.changes is True and result.replaces == []
    outs = update(P(), created.id, outs, props())
    assert sms.show_template(created.id).flavor == "s6.large.2"
    assert sms.show_target_password(created.id).target_password == PASSWORD
    assert_no_diff(P(), created.id, outs, props())


def test_a_masked_password_reads_as_unchanged(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(P(), props())
    # SMS may answer .../target-password with a mask: it cannot be compared, so it is no drift.
    set_live(sms, created.id, target_password="********")
    assert sms.show_target_password(created.id).target_password == "********"
    _, outs = read(P(), created.id, created.outs)
    assert outs["target_password"] == PASSWORD
    assert_no_diff(P(), created.id, outs, props())


def test_read_of_a_vanished_template_drops_it(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(P(), props())
    sms.delete_template(created.id)
    assert read(P(), created.id, created.outs) == (None, {})
    P().delete(created.id, created.outs)


def test_adopt_an_existing_template_then_no_diff(provider_env: EmulatorServer, sms: SmsClient) -> None:
    existing = sms.create_template(CreateTemplateRequest(template=TemplateSpec.model_validate(
        props(name="by-hand", flavor="c7.large.2", target_password=None))))
    assert existing.id
    news = props(name="by-hand", adopt_id=existing.id)
    adopted = create(P(), news)
    assert adopted.id == existing.id
    assert sms.show_template(existing.id).flavor == "s6.large.2"
    assert sms.show_target_password(existing.id).target_password == PASSWORD
    assert len(provider_env.admin.objects()["templates"]) == 1
    assert_no_diff(P(), adopted.id, adopted.outs, news)
    _, outs = read(P(), adopted.id, adopted.outs)
    assert_no_diff(P(), adopted.id, outs, news)
    with pytest.raises(ValueError, match="adopt_id: there is no template 'nope'"):
        create(P(), props(adopt_id="nope"))


@pytest.mark.parametrize("fault", [
    {"drop_rate": 1.0, "drop_mode": "after"},
    {"error_5xx_rate": 1.0, "error_status": 502},
])
def test_a_lost_create_answer_makes_no_duplicate(provider_env: EmulatorServer, fault: dict[str, Any]) -> None:
    provider_env.admin.add_fault("POST /v3/vm/templates", count=1, **fault)
    created = create(P(), props())
    assert [t["id"] for t in provider_env.admin.objects()["templates"]] == [created.id]


def test_a_failure_after_the_create_leaves_nothing_behind(provider_env: EmulatorServer) -> None:
    # The read-back after the POST fails for good: Pulumi would record nothing, so nothing may remain.
    provider_env.admin.add_fault("GET /v3/vm/templates/*", error_5xx_rate=1.0, error_status=500)
    with pytest.raises(Exception, match="SMS.6000"):
        create(P(), props())
    provider_env.admin.clear_faults()
    assert provider_env.admin.objects()["templates"] == []
    created = create(P(), props())
    assert [t["id"] for t in provider_env.admin.objects()["templates"]] == [created.id]
