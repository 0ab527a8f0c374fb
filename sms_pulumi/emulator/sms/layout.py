"""A source server's disk layout: the target layout SMS recommends (``init_target_server``) and the
5.3.5 changes (``PUT /v3/sources/{id}``: which disks, partitions, volume groups and logical volumes
to migrate, and at what size) that the recommendation follows.

The recommendation is one target disk per source disk, same size and used size, partitions copied;
the system disk (:func:`~sms_pulumi.api.models.source_layout.is_system_disk`) is ``OS``, the others
``NORMAL``; volume groups copied. A disk or partition set ``need_migration: false`` is left out; one
with an ``adjust_size`` gets that size. Objects are addressed by name (see the notes of
:mod:`sms_pulumi.api.models.sources`); what a change may ask is
:func:`~sms_pulumi.api.models.source_layout.layout_problems`, shared with the provider's check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sms_pulumi.api.models.source_layout import is_system_disk, kept, layout_problems, target_size
from sms_pulumi.api.models.sources import PutDisk, PutLogicalVolume, PutVolume, PutVolumeGroup
from sms_pulumi.emulator.errors import error
from sms_pulumi.emulator.records import Doc, SourceRecord

_VOLUME_FIELDS = ("device_use", "file_system", "index", "mount_point", "name", "size", "used_size", "uuid")

C = TypeVar("C", PutDisk, PutVolume, PutVolumeGroup, PutLogicalVolume)


def _by_id(changes: Iterable[C] | None) -> dict[str, C]:
    return {c.id: c for c in changes or () if c.id is not None}


def init_target_server(source: SourceRecord) -> Doc:
    """The recommended target of ``source``, after its 5.3.5 changes."""
    disk_changes = _by_id(source.disks)
    disks = []
    for index, disk in enumerate(source.body.get("disks") or []):
        change = disk_changes.get(disk["name"])
        if not kept(change):
            continue
        volume_changes = _by_id(change.physical_volumes if change else None)
        volumes = []
        for volume in disk.get("physical_volumes") or []:
            vchange = volume_changes.get(volume.get("name") or "")
            if kept(vchange):
                copied = {k: volume.get(k) for k in _VOLUME_FIELDS if volume.get(k) is not None}
                copied["size"] = target_size(volume, vchange)
                volumes.append(copied)
        disks.append({"name": disk["name"], "size": target_size(disk, change),
                      "used_size": disk.get("used_size", 0),
                      "device_use": "OS" if is_system_disk(disk, index) else "NORMAL",
                      "physical_volumes": volumes})
    return {"disks": disks, "volume_groups": _volume_groups(source)}


def _volume_groups(source: SourceRecord) -> list[Doc]:
    changes = _by_id(source.volume_groups)
    groups = []
    for group in source.body.get("volume_groups") or []:
        change = changes.get(group.get("name") or "")
        if not kept(change):
            continue
        lv_changes = _by_id(change.logical_volumes if change else None)
        lvs = [{**lv, "size": target_size(lv, lv_changes.get(lv.get("name") or ""))}
               for lv in group.get("logical_volumes") or [] if kept(lv_changes.get(lv.get("name") or ""))]
        groups.append({**group, "size": target_size(group, change), "logical_volumes": lvs})
    return groups


def change(source: SourceRecord, disks: list[PutDisk] | None, volume_groups: list[PutVolumeGroup] | None
           ) -> None:
    """Refuse 5.3.5 settings the registered layout does not allow (the first problem's code), then
    merge them into the source's settings, by name: a later PUT changes what it names, and only that."""
    problems = layout_problems(source.body, disks=disks or (), volume_groups=volume_groups or ())
    if problems:
        first = problems[0]
        raise error(first.code, f"{'.'.join(first.path)}: {first.message}")
    if disks is not None:
        merged = _by_id(source.disks)
        for disk in disks:
            merged[disk.id] = _merged(merged.get(disk.id), disk, "physical_volumes")
        source.disks = list(merged.values())
    if volume_groups is not None:
        groups = _by_id(source.volume_groups)
        for group in volume_groups:
            groups[group.id] = _merged(groups.get(group.id), group, "logical_volumes")
        source.volume_groups = list(groups.values())


M = TypeVar("M", PutDisk, PutVolumeGroup)


def _merged(old: M | None, new: M, children: str) -> M:
    """`new` over `old`, its partitions (or logical volumes) merged by name."""
    if old is None:
        return new
    items = _by_id(getattr(old, children))
    items.update(_by_id(getattr(new, children)))
    return new.model_copy(update={children: list(items.values()) or None})
