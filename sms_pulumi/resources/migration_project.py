"""MigrationProject: `/v3/migprojects` (manual 5.8), the default settings of a migration wave.

Schema: the wire model `MigProjectSpec` (sms_pulumi.api.models.migprojects); inputs carry the wire
names. Everything updates in place (`PUT /v3/migprojects/{id}` takes the whole project). `isdefault`
is managed through `PUT /v3/migprojects/{id}/default`: SMS keeps exactly one default project, so a
project stops being the default only when another one becomes it, and SMS refuses to delete the
default project (SMS.7303) — the provider says so before calling the API — or one that still holds
source servers (SMS.7311): the provider names them (a SourceServer moves its source out on destroy).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from sms_pulumi.api.errors import ApiError, NotFoundError
from sms_pulumi.api.models.migprojects import CreateMigProjectRequest, MigProject, UpdateMigProjectRequest
from sms_pulumi.api.models.sources import ListSourceServersQuery
from sms_pulumi.resources._provider import (
    BaseProvider,
    create_once,
    left_behind,
    undo_on_failure,
    validation_failures,
)
from sms_pulumi.resources.clients import sms_client
from sms_pulumi.resources.errors import InputError, StateError
from sms_pulumi.resources.inputs import CREATE_ONLY, NOT_SENT, SERVER_DEFAULT, SmsResource, plain
from sms_pulumi.resources.types import MIGRATION_PROJECT, module_and_name


def _settings() -> list[str]:
    """The project's settings: what `PUT /v3/migprojects/{id}` takes whole (isdefault aside)."""
    return [f.name for f in MigrationProjectProvider.FIELDS if f.sent and f.name != "isdefault"]


def _server_defaults() -> list[str]:
    """Settings SMS fills when not given: an absent input never differs from what SMS reports."""
    return [f.name for f in MigrationProjectProvider.FIELDS if f.server_default and f.name != "isdefault"]


class MigrationProjectProvider(BaseProvider):
    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return validation_failures(CreateMigProjectRequest, {**_body(news), **_flag(news)})

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = sms_client()
        # Created as non-default: SMS moves the default only through .../default (below).
        request = CreateMigProjectRequest.model_validate({**_body(props), "isdefault": False})
        project_id = props.get("adopt_id") or left_behind(
            f"migration project {request.name!r}", request.to_wire(),
            [p.model_dump(mode="json") for p in client.find_migprojects_by_name(request.name)],
        )
        if project_id:
            try:
                live = client.show_migproject(project_id)
            except NotFoundError:
                raise InputError(f"there is no migration project {project_id!r} to adopt",
                                 field="adopt_id") from None
            return CreateResult(project_id, _apply(project_id, props, live))
        new_id = create_once(
            f"migration project {request.name!r}",
            lambda: client.create_migproject(request),
            lambda: client.find_migprojects_by_name(request.name),
        )
        with undo_on_failure(f"migration project {request.name!r} ({new_id})",
                             lambda: client.delete_migproject(new_id)):
            if props.get("isdefault"):
                client.set_default_migproject(new_id)
            outs = _outputs(props, client.show_migproject(new_id))
        return CreateResult(new_id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            live = sms_client().show_migproject(id_)
        except NotFoundError:
            return ReadResult(None, {})
        return ReadResult(id_, _outputs(props, live))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_apply(id_, news, sms_client().show_migproject(id_)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = sms_client()
        try:
            live = client.show_migproject(id_)
        except NotFoundError:
            return
        if live.isdefault:
            raise StateError(
                f"migration project {live.name!r} ({id_}) is the default project, which SMS does not "
                "delete (SMS.7303): make another project the default first (isdefault=True on it), or "
                "remove this resource from the stack with `pulumi state delete` to keep the project",
                code="SMS.7303",
            )
        try:
            client.delete_migproject(id_)
        except NotFoundError:
            return
        except ApiError as exc:
            if exc.error_code != "SMS.7311":
                raise
            held = [f"{s.name} ({s.id})" for s in client.iter_sources(ListSourceServersQuery(migproject=id_))]
            raise StateError(
                f"migration project {live.name!r} ({id_}) still holds {len(held)} source server(s), and SMS "
                f"deletes only an empty project (SMS.7311): {', '.join(held[:10])}. Move them out (a "
                "SourceServer with on_destroy move_back or delete does it on destroy), or delete them",
                code="SMS.7311",
            ) from None


def _apply(project_id: str, props: Mapping[str, Any], live: MigProject) -> dict[str, Any]:
    """Make an existing project match `props` (an update, or an adoption); its outputs after."""
    client = sms_client()
    _check_isdefault(props, live)
    client.update_migproject(project_id, _update_request(props, live))
    if props.get("isdefault") and not live.isdefault:
        client.set_default_migproject(project_id)
    return _outputs(props, client.show_migproject(project_id))


def _check_isdefault(props: Mapping[str, Any], live: MigProject) -> None:
    """isdefault=False cannot be carried out on the default project: SMS has no call to unset it."""
    if props.get("isdefault") is False and live.isdefault:
        raise StateError(
            f"migration project {live.name!r} stays the default until another project is "
            "made the default (SMS has no call to unset it); set isdefault=True on the project that "
            "should replace it, and leave isdefault unset here", field="isdefault"
        )


def _body(props: Mapping[str, Any]) -> dict[str, Any]:
    """The settings the user gave, by wire name (None means: let SMS decide)."""
    return {k: plain(props[k]) for k in _settings() if props.get(k) is not None}


def _flag(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"isdefault": props["isdefault"]} if props.get("isdefault") is not None else {}


def _update_request(props: Mapping[str, Any], live: MigProject) -> UpdateMigProjectRequest:
    """PUT replaces every setting: what the user leaves unset keeps its current value in SMS.

    `isdefault` is never sent: SMS refuses a second default (SMS.7313) and moves the flag only
    with PUT .../default.
    """
    current = {k: getattr(live, k) for k in _settings() if getattr(live, k) is not None}
    return UpdateMigProjectRequest.model_validate({**current, **_body(props)})


def _outputs(props: Mapping[str, Any], live: MigProject) -> dict[str, Any]:
    """Inputs as SMS reports them now (drift shows here), plus the adoption ID."""
    outs: dict[str, Any] = {k: getattr(live, k) for k in (*_settings(), "isdefault")}
    for key in _server_defaults():
        if props.get(key) is None:
            # Not managed by the user: keep SMS's value out of the comparison.
            outs[key] = None
    if props.get("isdefault") is None and not live.isdefault:
        outs["isdefault"] = None
    outs["adopt_id"] = props.get("adopt_id")
    return outs


class MigrationProject(SmsResource, provider=MigrationProjectProvider, **module_and_name(MIGRATION_PROJECT)):
    """A migration project: the default settings (network, target, sync, speed) of a wave."""

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        region: pulumi.Input[str],
        type: pulumi.Input[str],  # noqa: A002 - the API's field name
        use_public_ip: pulumi.Input[bool] = True,
        exist_server: pulumi.Input[bool] = True,
        syncing: pulumi.Input[bool] = False,
        description: Annotated[pulumi.Input[str] | None, SERVER_DEFAULT] = None,
        start_target_server: Annotated[pulumi.Input[bool] | None, SERVER_DEFAULT] = None,
        speed_limit: Annotated[pulumi.Input[int] | None, SERVER_DEFAULT] = None,
        enterprise_project: Annotated[pulumi.Input[str] | None, SERVER_DEFAULT] = None,
        start_network_check: Annotated[pulumi.Input[bool] | None, SERVER_DEFAULT] = None,
        # SMS keeps one default project: unset leaves the flag alone (see _check_isdefault).
        isdefault: Annotated[pulumi.Input[bool] | None, SERVER_DEFAULT] = None,
        adopt_id: Annotated[pulumi.Input[str] | None, CREATE_ONLY, NOT_SENT] = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param name: Project name, 2-19 characters, unique in the account.
        :param region: Region of the targets, e.g. ``cn-north-4``.
        :param type: ``MIGRATE_BLOCK`` (block-level) or ``MIGRATE_FILE`` (file-level, Linux).
        :param use_public_ip: Migrate over the public network (EIP); False for Direct Connect/VPN.
        :param exist_server: Targets are existing servers (True) or created by SMS (False).
        :param syncing: Keep synchronizing after the first full replication (needed to cut over later).
        :param description: Free text, up to 255 characters.
        :param start_target_server: Start the target after migration (SMS default: True).
        :param speed_limit: Bandwidth limit in Mbit/s, 0-10000 (0: unlimited).
        :param enterprise_project: Enterprise project name (SMS default: ``default``).
        :param start_network_check: Run a network-quality check.
        :param isdefault: Make this the account's default project (source servers that register later
            land in it). Unset: leave the default alone.
        :param adopt_id: ID of an existing project to bring under management instead of creating one.
        """
        self._declare(resource_name, locals(), opts)
