"""Template: `/v3/vm/templates` (manual 5.6), how SMS creates a target server.

Schema: the wire model `TemplateSpec` (sms_pulumi.api.models.templates); inputs carry the wire names.
Everything updates in place: `PUT /v3/vm/templates/{id}` replaces the whole template, so the provider
always sends the complete desired template (the password included).

`target_password` is a secret in inputs, outputs and state. SMS returns it only from
`GET .../target-password`, possibly masked (`*****`): a masked value cannot be compared, so it is read
as "unchanged"; a real value that differs is drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from sms_pulumi.api.errors import NotFoundError
from sms_pulumi.api.models import templates as wire
from sms_pulumi.api.models.templates import CreateTemplateRequest, TemplateSpec, UpdateTemplateRequest
from sms_pulumi.resources._provider import (
    BaseProvider,
    as_written,
    create_once,
    empty_to_none,
    left_behind,
    undo_on_failure,
    validation_failures,
)
from sms_pulumi.resources.clients import sms_client
from sms_pulumi.resources.errors import InputError
from sms_pulumi.resources.inputs import CREATE_ONLY, NOT_SENT, SECRET, Normalise, SmsResource, plain
from sms_pulumi.resources.types import TEMPLATE, module_and_name

_REQUIRED = {n for n, f in TemplateSpec.model_fields.items() if f.is_required()}


#: An object or list SMS answers `{}` / `[]` for when unset: compared as unset.
UNSET_IS_EMPTY = Normalise(empty_to_none)


def _is_masked(value: str | None) -> bool:
    return bool(value) and set(value or "") == {"*"}


class TemplateProvider(BaseProvider):
    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return validation_failures(TemplateSpec, _spec(news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = sms_client()
        spec = TemplateSpec.model_validate(plain(_spec(props)))
        comparable = spec.to_wire()
        comparable.pop("target_password", None)  # never read back: cannot tell templates apart
        template_id = props.get("adopt_id") or left_behind(
            f"template {spec.name!r}", comparable,
            [{**t.model_dump(mode="json"), "is_template": t.is_general}
             for t in client.find_templates_by_name(spec.name)],
        )
        if template_id:
            try:  # SMS.7101 (not found) is documented for update as for show
                client.update_template(template_id, UpdateTemplateRequest(template=spec))
            except NotFoundError:
                raise InputError(f"there is no template {template_id!r} to adopt", field="adopt_id") from None
            return CreateResult(template_id, _outputs(props, client.show_template(template_id), template_id))
        template_id = create_once(
            f"template {spec.name!r}",
            lambda: client.create_template(CreateTemplateRequest(template=spec)),
            lambda: client.find_templates_by_name(spec.name),
        )
        with undo_on_failure(f"template {spec.name!r} ({template_id})",
                             lambda: client.delete_template(template_id)):
            outs = _outputs(props, client.show_template(template_id), template_id)
        return CreateResult(template_id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            live = sms_client().show_template(id_)
            return ReadResult(id_, _outputs(props, live, id_))
        except NotFoundError:
            return ReadResult(None, {})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        client = sms_client()
        # PUT replaces the whole template: send all of it, the password included.
        spec = TemplateSpec.model_validate(plain(_spec(news)))
        client.update_template(id_, UpdateTemplateRequest(template=spec))
        return UpdateResult(_outputs(news, client.show_template(id_), id_))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            sms_client().delete_template(id_)
        except NotFoundError:
            return


def _spec(props: Mapping[str, Any]) -> dict[str, Any]:
    sent = (f.name for f in TemplateProvider.FIELDS if f.sent)
    return {name: props[name] for name in sent if props.get(name) is not None}


def _outputs(props: Mapping[str, Any], live: wire.Template, template_id: str) -> dict[str, Any]:
    """The template as SMS reports it; fields the user left unset stay unset (SMS fills them).

    Nested objects are cut down to the keys the user wrote (SMS adds IDs and defaults), so only
    what the plan says is compared.
    """
    outs: dict[str, Any] = {}
    # SMS answers `{}` / `[]` for an unset object or list and adds IDs: compare what was written.
    nested = {f.name for f in TemplateProvider.FIELDS if f.normalise is empty_to_none}
    for name in (f.name for f in TemplateProvider.FIELDS if f.sent):
        if name == "target_password":
            continue
        wanted = plain(props.get(name))
        if wanted is None and name not in _REQUIRED:
            outs[name] = None
            continue
        value = live.is_general if name == "is_template" else _wire(getattr(live, name, None))
        if name in nested:
            value = as_written(empty_to_none(value), wanted)
        outs[name] = value
    outs["target_password"] = _live_password(props, template_id)
    outs["adopt_id"] = props.get("adopt_id")
    return outs


def _wire(value: Any) -> Any:
    if isinstance(value, list):
        return [_wire(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    return value


def _live_password(props: Mapping[str, Any], template_id: str) -> str | None:
    """The password SMS holds; a masked answer (`*****`) cannot be compared and reads as unchanged."""
    wanted = props.get("target_password")
    if wanted is None:
        return None
    live = sms_client().show_target_password(template_id).target_password
    return str(wanted) if not live or _is_masked(live) else live


class Template(SmsResource, provider=TemplateProvider, **module_and_name(TEMPLATE)):
    """A VM template: flavor, network, disks and image of the target servers SMS creates."""

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        region: pulumi.Input[str],
        projectid: pulumi.Input[str],
        is_template: pulumi.Input[bool] = True,
        target_server_name: pulumi.Input[str] | None = None,
        availability_zone: pulumi.Input[str] | None = None,
        volumetype: pulumi.Input[str] | None = None,
        flavor: pulumi.Input[str] | None = None,
        # Objects and lists: SMS answers {} / [] for an unset one (and adds IDs of its own).
        vpc: Annotated[pulumi.Input[dict[str, Any]] | None, UNSET_IS_EMPTY] = None,
        nics: Annotated[pulumi.Input[list[dict[str, Any]]] | None, UNSET_IS_EMPTY] = None,
        security_groups: Annotated[pulumi.Input[list[dict[str, Any]]] | None, UNSET_IS_EMPTY] = None,
        publicip: Annotated[pulumi.Input[dict[str, Any]] | None, UNSET_IS_EMPTY] = None,
        disk: Annotated[pulumi.Input[list[dict[str, Any]]] | None, UNSET_IS_EMPTY] = None,
        data_volume_type: pulumi.Input[str] | None = None,
        target_password: Annotated[pulumi.Input[str] | None, SECRET] = None,
        image_id: pulumi.Input[str] | None = None,
        adopt_id: Annotated[pulumi.Input[str] | None, CREATE_ONLY, NOT_SENT] = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param name: Template name, unique in the account.
        :param region: Region ID of the target, e.g. ``cn-north-4``.
        :param projectid: Target project ID (the API's spelling).
        :param is_template: A general, reusable template (True) or one bound to a single task.
        :param target_server_name: Name of the target ECS.
        :param availability_zone: Availability zone of the target.
        :param volumetype: System-disk type: ``SAS``, ``SSD`` or ``SATA``.
        :param flavor: ECS flavor, e.g. ``s6.large.2``.
        :param vpc: ``{"id", "name", "cidr"}``; id ``autoCreate`` lets SMS create one.
        :param nics: ``[{"id", "name", "cidr", "ip"}]``; one entry with id ``autoCreate`` to auto-create.
        :param security_groups: ``[{"id", "name"}]``; one entry with id ``autoCreate`` to auto-create.
        :param publicip: ``{"type": "5_bgp", "bandwidth_size": 1-2000, "bandwidth_share_type"}``.
        :param disk: ``[{"index", "name", "disktype", "size" (GB), "device_use"}]``.
        :param data_volume_type: Data-disk type: ``SAS``, ``SSD`` or ``SATA``.
        :param target_password: Password of the target server (kept as a secret).
        :param image_id: Image version for the new target server.
        :param adopt_id: ID of an existing template to bring under management instead of creating one.
        """
        self._declare(resource_name, locals(), opts)
