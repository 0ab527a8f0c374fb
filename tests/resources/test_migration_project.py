"""MigrationProject provider against the emulator: check, diff, create, read, update, delete."""

from __future__ import annotations

from typing import Any

import pytest

from sms_pulumi.api.models.migprojects import CreateMigProjectRequest, UpdateMigProjectRequest
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources.migration_project import MigrationProjectProvider
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

P = MigrationProjectProvider


def props(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "wave-1", "region": "cn-north-4", "type": "MIGRATE_BLOCK", "use_public_ip": True,
        "exist_server": False, "syncing": True, "description": "first wave", "speed_limit": 100,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def system_project(sms: SmsClient) -> str:
    [project] = sms.find_migprojects_by_name("SystemProject")
    assert project.id
    return project.id


def test_check_names_each_bad_field_and_calls_nothing(provider_env: EmulatorServer) -> None:
    bad = props(name="w", type="MIGRATE_EVERYTHING", speed_limit=20000, description="x" * 300,
                colour="blue")
    result = P().check({}, {**engine(bad), PROVIDER_KEY: "p"})
    named = {f.property: f.reason for f in result.failures}
    assert set(named) == {"name", "type", "speed_limit", "description", "colour"}, named
    assert "MIGRATE_BLOCK" in named["type"]
    assert P().check({}, engine(props())).failures == []
    # Values not known yet (preview) are not judged; a missing required field is.
    assert P().check({}, {**engine(props()), "name": COMPUTED}).failures == []
    assert [f.property for f in P().check({}, engine(props(region=None))).failures] == ["region"]
    assert api_requests(provider_env) == {}


def test_create_read_and_no_diff_on_server_defaults(provider_env: EmulatorServer) -> None:
    created = create(P(), props(description=None, speed_limit=None))
    obj = live(provider_env, "migprojects", created.id)
    assert obj is not None
    assert obj["name"] == "wave-1" and obj["syncing"] is True and obj["isdefault"] is False
    # SMS filled description "", speed_limit 0, enterprise_project "default": not managed, not compared.
    assert obj["enterprise_project"] == "default" and obj["speed_limit"] == 0
    assert created.outs["description"] is None and created.outs["enterprise_project"] is None
    assert_no_diff(P(), created.id, created.outs, props(description=None, speed_limit=None))
    id_, outs = read(P(), created.id, created.outs)
    assert id_ == created.id
    assert_no_diff(P(), created.id, outs, props(description=None, speed_limit=None))
    # Numbers come back from the engine as floats: 100.0 is 100.
    managed = create(P(), props(name="wave-2"))
    assert managed.outs["speed_limit"] == 100
    assert_no_diff(P(), managed.id, engine(managed.outs), props(name="wave-2"))


def test_every_field_updates_in_place_and_keeps_what_is_not_managed(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    created = create(P(), props())
    # Someone sets a field this plan does not manage; our update must not reset it.
    current = sms.show_migproject(created.id)
    sms.update_migproject(created.id, UpdateMigProjectRequest.model_validate(
        {**current.model_dump(exclude_none=True, exclude={"id", "isdefault"}), "start_target_server": False}))
    for news in (props(name="wave-1b"), props(description="renamed"), props(syncing=False),
                 props(type="MIGRATE_FILE"), props(region="cn-south-1"), props(speed_limit=None)):
        result = diff(P(), created.id, created.outs, news)
        if news.get("speed_limit") is None:
            assert result.changes is False, "an unset server default never differs"
            continue
        assert result.changes is True and result.replaces == [], news
    news = props(name="wave-1b", description="renamed", type="MIGRATE_FILE")
    outs = update(P(), created.id, created.outs, news)
    obj = live(provider_env, "migprojects", created.id)
    assert obj is not None
    assert (obj["name"], obj["description"], obj["type"]) == ("wave-1b", "renamed", "MIGRATE_FILE")
    assert obj["start_target_server"] is False, "an unmanaged field was reset by the update"
    named = [p["id"] for p in provider_env.admin.objects()["migprojects"] if p["name"] == "wave-1b"]
    assert named == [created.id]
    assert_no_diff(P(), created.id, outs, news)


def test_drift_is_read_back_and_repaired(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(P(), props())
    current = sms.show_migproject(created.id)
    sms.update_migproject(created.id, UpdateMigProjectRequest.model_validate(
        {**current.model_dump(exclude_none=True, exclude={"id", "isdefault"}),
         "name": "renamed-in-console", "speed_limit": 5}))
    _, outs = read(P(), created.id, created.outs)
    assert outs["name"] == "renamed-in-console" and outs["speed_limit"] == 5
    result = diff(P(), created.id, outs, props())
    assert result.changes is True and result.replaces == []
    repaired = update(P(), created.id, outs, props())
    assert repaired["name"] == "wave-1" and repaired["speed_limit"] == 100
    obj = live(provider_env, "migprojects", created.id)
    assert obj is not None and obj["name"] == "wave-1"


def test_read_of_a_vanished_project_drops_it(provider_env: EmulatorServer, sms: SmsClient) -> None:
    created = create(P(), props())
    sms.delete_migproject(created.id)
    assert read(P(), created.id, created.outs) == (None, {})
    P().delete(created.id, created.outs)  # already gone: done


def test_adopt_an_existing_project_then_no_diff(provider_env: EmulatorServer, sms: SmsClient) -> None:
    existing = sms.create_migproject(CreateMigProjectRequest.model_validate(
        props(name="made-by-hand", description="by hand", syncing=False)))
    assert existing.id
    news = props(name="made-by-hand", adopt_id=existing.id)
    adopted = create(P(), news)
    assert adopted.id == existing.id
    assert len([p for p in provider_env.admin.objects()["migprojects"] if p["name"] == "made-by-hand"]) == 1
    obj = live(provider_env, "migprojects", existing.id)
    assert obj is not None and obj["description"] == "first wave" and obj["syncing"] is True
    assert_no_diff(P(), adopted.id, adopted.outs, news)
    _, outs = read(P(), adopted.id, adopted.outs)
    assert_no_diff(P(), adopted.id, outs, news)
    # Changing or dropping adopt_id later changes nothing.
    assert_no_diff(P(), adopted.id, outs, {k: v for k, v in news.items() if k != "adopt_id"})
    with pytest.raises(ValueError, match="adopt_id: there is no migration project 'nope'"):
        create(P(), props(adopt_id="nope"))


def test_isdefault_moves_the_default_and_the_default_is_not_deleted(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    system = system_project(sms)
    created = create(P(), props(isdefault=True))
    assert sms.show_migproject(created.id).isdefault is True
    assert sms.show_migproject(system).isdefault is False
    assert created.outs["isdefault"] is True
    assert_no_diff(P(), created.id, created.outs, props(isdefault=True))
    # Unsetting isdefault leaves the default alone (no diff); False cannot be carried out.
    assert_no_diff(P(), created.id, created.outs, props())
    with pytest.raises(ValueError, match="isdefault: migration project 'wave-1' stays the default"):
        update(P(), created.id, created.outs, props(isdefault=False))
    # SMS refuses to delete the default project: the provider says what to do, without calling DELETE.
    with pytest.raises(ValueError, match=r"is the default project.*SMS\.7303.*make another project the"):
        P().delete(created.id, created.outs)
    assert "DELETE /v3/migprojects/{project_id}" not in api_requests(provider_env)
    # Someone makes another project the default: drift of a managed isdefault, repaired by update.
    sms.set_default_migproject(system)
    _, outs = read(P(), created.id, created.outs)
    assert outs["isdefault"] is False
    assert diff(P(), created.id, outs, props(isdefault=True)).changes is True
    outs = update(P(), created.id, outs, props(isdefault=True))
    assert outs["isdefault"] is True and sms.show_migproject(created.id).isdefault is True
    # Another managed project becomes the default: this one's update with a description change works
    # (isdefault is never sent in the PUT: SMS would refuse a second default).
    other = create(P(), props(name="wave-2"))
    outs_other = update(P(), other.id, other.outs, props(name="wave-2", isdefault=True))
    assert outs_other["isdefault"] is True
    sms.set_default_migproject(system)
    P().delete(created.id, created.outs)
    P().delete(other.id, outs_other)
    assert live(provider_env, "migprojects", created.id) is None
    assert live(provider_env, "migprojects", other.id) is None


def test_adopting_the_default_project_without_isdefault_has_no_diff(
    provider_env: EmulatorServer, sms: SmsClient
) -> None:
    system = system_project(sms)
    news = props(name="SystemProject", syncing=False, exist_server=True, adopt_id=system)
    adopted = create(P(), news)
    assert adopted.outs["isdefault"] is True
    assert_no_diff(P(), system, adopted.outs, news)
    # Making it the default while it is the default: nothing to do (SMS.7313 would be the answer).
    outs = update(P(), system, adopted.outs, {**news, "isdefault": True, "description": "d"})
    assert outs["isdefault"] is True and outs["description"] == "d"


@pytest.mark.parametrize("fault", [
    {"drop_rate": 1.0, "drop_mode": "after"},   # created, answer lost
    {"drop_rate": 1.0, "drop_mode": "before"},  # never arrived
    {"error_5xx_rate": 1.0, "error_status": 500},
])
def test_a_lost_create_answer_makes_no_duplicate(provider_env: EmulatorServer, fault: dict[str, Any]) -> None:
    provider_env.admin.add_fault("POST /v3/migprojects", count=1, **fault)
    created = create(P(), props())
    named = [p for p in provider_env.admin.objects()["migprojects"] if p["name"] == "wave-1"]
    assert [p["id"] for p in named] == [created.id]


def test_a_taken_name_fails_clearly(provider_env: EmulatorServer) -> None:
    """Another project with the name (other settings) is never taken over: a clear error, no POST."""
    system = [p for p in provider_env.admin.objects()["migprojects"] if p["name"] == "SystemProject"][0]
    provider_env.admin.clear_requests()
    expected = f"already exists \\({system['id']}\\) with other settings.*adopt_id"
    with pytest.raises(ValueError, match=expected):
        create(P(), props(name="SystemProject", syncing=True))
    assert not any(k.startswith("POST") for k in provider_env.admin.requests()["counts"])


def test_a_project_left_by_an_interrupted_create_is_used(provider_env: EmulatorServer) -> None:
    """Same name and settings as the plan: the object an interrupted `up` made; no second POST."""
    first = create(P(), props())
    again = create(P(), props())
    assert again.id == first.id
    named = [p for p in provider_env.admin.objects()["migprojects"] if p["name"] == "wave-1"]
    assert len(named) == 1
