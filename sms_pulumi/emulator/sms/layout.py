"""A source server's disk layout: the target layout SMS recommends (``init_target_server``) and the
5.3.5 changes (``PUT /v3/sources/{id}``: which disks, partitions, volume groups and logical volumes
to migrate, and at what size) that the recommendation follows.

The recommendation is one target disk per source disk, same size and used size, partitions copied;
the system disk (``os_disk``, or one holding an ``OS`` partition, or the first ``BOOT`` disk) is
``OS``, the others ``NORMAL``; volume groups copied. A disk or partition set ``need_migration:
false`` is left out; one with an ``adjust_size`` gets that size. Objects are addressed by name
(see the notes of :mod:`sms_pulumi.api.models.sources`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from sms_pulumi.api.models.sources import PutDisk, PutLogicalVolume, PutVolumeGroup
from sms_pulumi.emulator.errors import error
from sms_pulumi.emulator.records import Doc, SourceRecord

_VOLUME_FIELDS = ("device_use", "file_system", "index", "mount_point", "name", "size", "used_size", "uuid")


class _Change(Protocol):
    @property
    def id(self) -> str | None: ...
    @property
    def need_migration(self) -> bool | None: ...
    @property
    def adjust_size(self) -> int | None: ...


C = TypeVar("C", bound=_Change)


def _by_id(changes: Iterable[C] | None) -> dict[str, C]:
    return {c.id: c for c in changes or () if c.id is not None}


def _kept(change: _Change | None) -> bool:
    return change is None or change.need_migration is not False


def _size(item: Doc, change: _Change | None) -> int:
    if change is not None and change.adjust_size:
        return int(change.adjust_size)
    return int(item.get("size") or 0)


def _is_system(disk: Doc, index: int) -> bool:
    volumes = disk.get("physical_volumes") or []
    return bool(disk.get("os_disk") or any(v.get("device_use") == "OS" for v in volumes) or (
        index == 0 and disk.get("device_use") == "BOOT"))


def init_target_server(source: SourceRecord) -> Doc:
    """The recommended target of ``source``, after its 5.3.5 changes."""
    disk_changes = _by_id(source.disks)
    disks = []
    for index, disk in enumerate(source.body.get("disks") or []):
        change = disk_changes.get(disk["name"])
        if not _kept(change):
            continue
        volume_changes = _by_id(change.physical_volumes if change else None)
        volumes = []
        for volume in disk.get("physical_volumes") or []:
            vchange = volume_changes.get(volume.get("name") or "")
            if _kept(vchange):
                kept = {k: volume.get(k) for k in _VOLUME_FIELDS if volume.get(k) is not None}
                kept["size"] = _size(volume, vchange)
                volumes.append(kept)
        disks.append({"name": disk["name"], "size": _size(disk, change),
                      "used_size": disk.get("used_size", 0),
                      "device_use": "OS" if _is_system(disk, index) else "NORMAL",
                      "physical_volumes": volumes})
    return {"disks": disks, "volume_groups": _volume_groups(source)}


def _volume_groups(source: SourceRecord) -> list[Doc]:
    changes = _by_id(source.volume_groups)
    groups = []
    for group in source.body.get("volume_groups") or []:
        change = changes.get(group.get("name") or "")
        if not _kept(change):
            continue
        lv_changes = _by_id(change.logical_volumes if change else None)
        lvs = []
        for lv in group.get("logical_volumes") or []:
            lv_change = lv_changes.get(lv.get("name") or "")
            if _kept(lv_change):
                lvs.append({**lv, "size": _size(lv, lv_change)})
        groups.append({**group, "size": _size(group, change), "logical_volumes": lvs})
    return groups


def _named(items: Sequence[Doc] | None, name: str, what: str) -> Doc:
    for item in items or ():
        if item.get("name") == name:
            return item
    raise error("SMS.8111", f"the source has no {what} named {name!r}")


def _check_size(item: Doc, change: _Change, windows: bool, what: str) -> None:
    if not change.adjust_size:
        return
    if change.adjust_size < int(item.get("used_size") or 0):
        raise error("SMS.6538", f"{what} {item.get('name')}: {change.adjust_size} < used "
                                f"{item.get('used_size')} bytes")
    if windows and change.adjust_size < int(item.get("size") or 0):
        raise error("SMS.6540", f"{what} {item.get('name')}")


def change_disks(source: SourceRecord, disks: list[PutDisk]) -> None:
    """Validate 5.3.5 disk changes against the registered disks and merge them in (by disk name)."""
    windows = source.body.get("os_type") == "WINDOWS"
    merged = _by_id(source.disks)
    for change in disks:
        disk = _named(source.body.get("disks"), change.id, "disk")
        for vchange in change.physical_volumes or []:
            volume = _named(disk.get("physical_volumes"), vchange.id or "", "partition")
            _check_size(volume, vchange, windows, "partition")
        if change.adjust_size:
            volume_changes = _by_id(change.physical_volumes)
            partitions = 0
            for volume in disk.get("physical_volumes") or []:
                kept = volume_changes.get(volume.get("name") or "")
                partitions += _size(volume, kept) if _kept(kept) else 0
            if change.adjust_size < partitions:
                raise error("SMS.6539",
                            f"disk {change.id}: {change.adjust_size} < {partitions} bytes of partitions")
        merged[change.id] = _merge_disk(merged.get(change.id), change)
    source.disks = list(merged.values())


def _merge_disk(old: PutDisk | None, new: PutDisk) -> PutDisk:
    if old is None:
        return new
    volumes = _by_id(old.physical_volumes)
    volumes.update(_by_id(new.physical_volumes))
    return new.model_copy(update={"physical_volumes": list(volumes.values()) or None})


def change_volume_groups(source: SourceRecord, groups: list[PutVolumeGroup]) -> None:
    """Validate 5.3.5 volume-group changes and merge them in (by group name)."""
    merged = _by_id(source.volume_groups)
    for change in groups:
        group = _named(source.body.get("volume_groups"), change.id, "volume group")
        for lv_change in change.logical_volumes or []:
            _check_size(_named(group.get("logical_volumes"), lv_change.id, "logical volume"), lv_change,
                        False, "logical volume")
        old = merged.get(change.id)
        if old is not None:
            lvs: dict[str, PutLogicalVolume] = _by_id(old.logical_volumes)
            lvs.update(_by_id(change.logical_volumes))
            change = change.model_copy(update={"logical_volumes": list(lvs.values()) or None})
        merged[change.id] = change
    source.volume_groups = list(merged.values())
