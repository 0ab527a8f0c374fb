"""VM templates, ``/v3/vm/templates`` (manual 5.6.1-5.6.7).

A template holds the parameters SMS uses to create the target ECS; a task references it as
``vm_template_id``. Create and update send the same ``TemplateSpec`` inside a ``{"template": ...}``
wrapper; show wraps the answer the same way, list does not. Batch delete uses
``common.BatchDeleteRequest``.

Manual contradictions resolved here:

* ``is_template`` is a Boolean in requests and a String in responses (the SDK agrees): requests
  send a bool, responses accept either (``Template.is_general`` reads both).
* ``volumetype`` and ``data_volume_type`` have the enum SAS/SSD/SATA in the manual's tables (5.6.1,
  5.6.6), yet the examples send ``""`` and the SDK calls them EVS volume types ("not an enum",
  GPSSD, ESSD ... exist). They are checked against ``VolumeType``: the manual's three, the EVS types
  of the current generation and ``""`` (unset); anything else (``FAST``) is refused, naming the
  allowed values. ``disktype`` is "the same as volumetype" but the manual's own update example sends
  ``"type"``: it stays a free string.
* ``nics[].cidr`` is required in the table, but real clients (the Huawei Terraform provider's
  ``huaweicloud_sms_server_template``) send an auto-created NIC as ``{"id": "autoCreate", "name":
  "autoCreate"}``: optional.
* ``TemplateDisk.id`` is a Long but one example sends ``"0"``: numeric strings are coerced.
* ``target_password`` may be 1024 characters on write but 255 on the dedicated read endpoint: the
  request enforces 1024, the response checks nothing. It is never shown in ``repr``.
* Update is treated as a full replacement (the manual is silent on omitted fields): the client
  always sends the complete template, including ``target_password`` when one is configured.
"""

from __future__ import annotations

import enum

from pydantic import Field

from .common import QueryModel, RequestModel, ResponseModel, server_default

__all__ = [
    "AUTO_CREATE",
    "CreateTemplateRequest",
    "ListTemplatesQuery",
    "ListTemplatesResponse",
    "Nic",
    "NicSpec",
    "PublicIp",
    "PublicIpSpec",
    "SecurityGroup",
    "SecurityGroupSpec",
    "ShowTemplateResponse",
    "TargetPasswordResponse",
    "Template",
    "TemplateDisk",
    "TemplateDiskSpec",
    "TemplateSpec",
    "UpdateTemplateRequest",
    "VolumeType",
    "Vpc",
    "VpcSpec",
]

# The ID that asks SMS to create the VPC / subnet / security group itself.
AUTO_CREATE = "autoCreate"


class VolumeType(enum.StrEnum):
    """Disk types a template accepts: the manual's enum (5.6.1) and the EVS types the SDK refers to."""

    SAS = "SAS"  # serial-attached SCSI (high I/O)
    SSD = "SSD"  # solid-state (ultra-high I/O)
    SATA = "SATA"  # serial ATA (common I/O)
    GPSSD = "GPSSD"  # general-purpose SSD
    GPSSD2 = "GPSSD2"  # general-purpose SSD V2
    ESSD = "ESSD"  # extreme SSD
    ESSD2 = "ESSD2"  # extreme SSD V2
    UNSET = ""  # the manual's examples: no preference


class Vpc(ResponseModel):
    """VPC of the target (returned as ``{}`` when unset)."""

    id: str | None = Field(None, description='VPC ID, or "autoCreate" to have SMS create one.')
    name: str | None = Field(None, description="VPC name.")
    cidr: str | None = Field(None, description="VPC CIDR (server default 192.168.0.0/16).")


class VpcSpec(Vpc, RequestModel):
    id: str = Field(..., min_length=1, max_length=255)
    name: str = Field(..., min_length=1, max_length=255)
    cidr: str | None = Field(
        None, min_length=1, max_length=255, json_schema_extra=server_default("192.168.0.0/16")
    )


class Nic(ResponseModel):
    """A NIC / subnet of the target."""

    id: str | None = Field(None, description='Subnet ID, or "autoCreate" (then send exactly one NIC).')
    name: str | None = Field(None, description="Subnet name.")
    cidr: str | None = Field(None, description="Subnet gateway/mask, e.g. 192.168.0.0/24.")
    ip: str | None = Field(
        None, description="Fixed IP of the VM; absent or empty means assigned automatically."
    )


class NicSpec(Nic, RequestModel):
    id: str = Field(..., max_length=255)
    name: str = Field(..., max_length=255)
    cidr: str | None = Field(None, max_length=255)
    ip: str | None = Field(None, max_length=255)


class SecurityGroup(ResponseModel):
    """A security group of the target."""

    id: str | None = Field(None, description='Security-group ID, or "autoCreate" (then send exactly one).')
    name: str | None = Field(None, description="Security-group name.")


class SecurityGroupSpec(SecurityGroup, RequestModel):
    id: str = Field(..., max_length=255)
    name: str = Field(..., max_length=255)


class PublicIp(ResponseModel):
    """Elastic IP SMS creates for the target."""

    type: str | None = Field(None, description="EIP type, e.g. 5_bgp (the documented default) or 5_g-vm.")
    bandwidth_size: int | None = Field(
        None,
        description=(
            "Bandwidth in Mbit/s, 1-2000. Adjustment step: 1 up to 300, 50 from 300 to 1000, 500 above 1000."
        ),
    )
    bandwidth_share_type: str | None = Field(
        None, description='Bandwidth sharing type, e.g. "PER" (dedicated).'
    )


class PublicIpSpec(PublicIp, RequestModel):
    # Marked required although it has a documented default (5_bgp): the client must send it.
    type: str = Field(..., max_length=255)
    # The step rule is not said to be enforced by the service, so only the range is checked.
    bandwidth_size: int = Field(..., ge=1, le=2000)
    bandwidth_share_type: str | None = Field(None, max_length=255)


class TemplateDisk(ResponseModel):
    """A disk of the target VM (note: sizes here are GB, not bytes)."""

    id: int | None = Field(None, description="Disk ID.")
    index: int | None = Field(None, description="Disk index, starting at 0.")
    name: str | None = Field(None, description="Disk name, e.g. 'Disk 0' or 'system'.")
    disktype: str | None = Field(None, description="Disk type, same values as volumetype.")
    size: int | None = Field(None, description="Disk size in GB.")
    device_use: str | None = Field(None, description="Disk role, e.g. BOOT, OS, NORMAL.")


class TemplateDiskSpec(TemplateDisk, RequestModel):
    id: int | None = Field(None, ge=0, le=9223372036854775807)
    index: int = Field(..., ge=0, le=2147483647)
    name: str = Field(..., max_length=255)
    disktype: str = Field(..., max_length=255)
    size: int = Field(..., ge=0, le=9223372036854775807)
    device_use: str | None = Field(None, max_length=255)


class _TemplateFields(ResponseModel):
    """Fields shared by the template sent (``TemplateSpec``) and the template read (``Template``)."""

    name: str | None = Field(
        None, description="Template name (may be empty for a template bound to one task, is_template=false)."
    )
    region: str | None = Field(None, description="Region ID of the target.")
    projectid: str | None = Field(None, description="Target project ID (wire name without underscore).")
    target_server_name: str | None = Field(None, description="Name of the target ECS.")
    availability_zone: str | None = Field(None, description="Availability zone of the target.")
    volumetype: str | None = Field(None, description='Disk type, e.g. SAS, SSD, SATA; "" means unset.')
    flavor: str | None = Field(None, description="ECS flavor, e.g. s2.medium.2.")
    vpc: Vpc | None = Field(None, description="VPC of the target.")
    nics: list[Nic] | None = Field(
        None, description='NICs; for auto-creation exactly one with id "autoCreate".'
    )
    security_groups: list[SecurityGroup] | None = Field(
        None, description='Security groups; for auto-creation exactly one with id "autoCreate".'
    )
    publicip: PublicIp | None = Field(None, description="Elastic IP to create.")
    disk: list[TemplateDisk] | None = Field(None, description="Disks of the target (wire name singular).")
    data_volume_type: str | None = Field(None, description="Data-disk type, e.g. SAS, SSD, SATA.")
    target_password: str | None = Field(
        None, repr=False, description="Password of the target server (secret)."
    )
    image_id: str | None = Field(None, description="ID of the image version chosen for the new target VM.")


class TemplateSpec(_TemplateFields, RequestModel):
    """The ``template`` object of create and update (manual tables 5-260 and 5-304)."""

    name: str = Field(..., max_length=255)
    is_template: bool = Field(
        ...,
        description="True: a general, reusable template; a template bound to one task is not general.",
    )
    region: str = Field(..., max_length=255)
    projectid: str = Field(..., max_length=255)
    target_server_name: str | None = Field(None, max_length=255)
    availability_zone: str | None = Field(None, max_length=255)
    volumetype: VolumeType | None = None
    flavor: str | None = Field(None, max_length=65535)
    vpc: VpcSpec | None = None
    nics: list[NicSpec] | None = Field(None, max_length=65535)  # type: ignore[assignment]
    security_groups: list[SecurityGroupSpec] | None = Field(None, max_length=65535)  # type: ignore[assignment]
    publicip: PublicIpSpec | None = None
    disk: list[TemplateDiskSpec] | None = Field(None, max_length=65535)  # type: ignore[assignment]
    data_volume_type: VolumeType | None = None
    target_password: str | None = Field(None, max_length=1024, repr=False)
    image_id: str | None = Field(None, max_length=255)


class Template(_TemplateFields):
    """A template as ``GET /v3/vm/templates[/{id}]`` returns it (``TemplateResponseBody``)."""

    id: str | None = Field(None, description="Template ID.")
    is_template: bool | str | None = Field(
        None, description='General (reusable) template; a String ("true"/"false") in responses.'
    )

    @property
    def is_general(self) -> bool | None:
        """``is_template`` as a bool whichever way the server spelled it."""
        if self.is_template is None or isinstance(self.is_template, bool):
            return self.is_template
        return self.is_template.strip().lower() == "true"


class CreateTemplateRequest(RequestModel):
    """Body of ``POST /v3/vm/templates`` (manual 5.6.1); answered by ``IdResponse``."""

    template: TemplateSpec = Field(..., description="Template definition.")


class UpdateTemplateRequest(RequestModel):
    """Body of ``PUT /v3/vm/templates/{id}`` (manual 5.6.6); answered by ``{}``."""

    # Optional in the manual's table; what an empty body does is undocumented.
    template: TemplateSpec | None = Field(None, description="New template definition (full replacement).")


class ListTemplatesQuery(QueryModel):
    """Query of ``GET /v3/vm/templates`` (manual 5.6.2)."""

    name: str | None = Field(None, max_length=255, description="Filter by template name.")
    availability_zone: str | None = Field(None, max_length=255, description="Filter by availability zone.")
    region: str | None = Field(None, max_length=255, description="Filter by region ID.")
    # Not in the manual's table, but in the SDK's ListTemplatesRequest: lets a lookup by ID be cheap.
    id: str | None = Field(None, max_length=255, description="Filter by template ID.")
    limit: int | None = Field(
        None, ge=0, le=100, description="Page size, 0-100.", json_schema_extra=server_default(50)
    )
    offset: int | None = Field(
        None, ge=0, le=65535, description="Number of records to skip.", json_schema_extra=server_default(0)
    )


class ListTemplatesResponse(ResponseModel):
    count: int | None = Field(None, description="Number of templates matching the filters.")
    templates: list[Template] | None = Field(None, description="Templates (bare objects).")


class ShowTemplateResponse(ResponseModel):
    """Body of ``GET /v3/vm/templates/{id}``: the template inside a wrapper."""

    template: Template | None = Field(None, description="The template.")


class TargetPasswordResponse(ResponseModel):
    """Body of ``GET /v3/vm/templates/{id}/target-password`` (manual 5.6.7)."""

    template_id: str | None = Field(None, description="Template ID.")
    target_password: str | None = Field(
        None, repr=False, description="Password of the target server (secret)."
    )
