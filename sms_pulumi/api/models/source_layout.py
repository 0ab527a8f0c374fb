"""What a source server's disk settings may ask (manual 5.3.5, ``PUT /v3/sources/{id}``), against the
layout its Agent registered.

The PUT names disks, partitions, volume groups and logical volumes by their registered name (see
:mod:`.sources`), says whether each is migrated (``need_migration``) and at what size on the target
(``adjust_size``, bytes; 0 keeps the source's size). The appendix (6.1) gives the refusals, each
with its code:

* an object the source does not have: SMS.8111 ("No disk information found");
* a partition or logical volume smaller than its used space: SMS.6538;
* a disk smaller than its partitions (those migrated, at their new sizes): SMS.6539; a disk without
  partitions (a whole-disk LVM physical volume) is held to its used space under the same code, or
  SMS.6539 would let it shrink below its data;
* a partition of a Windows server made smaller: SMS.6540 ("cannot be reduced");
* a volume group smaller than its logical volumes (those migrated, at their new sizes): SMS.6541.

One function says all of them, so that the emulator (which answers a PUT with the first problem's
code) and the provider (which names every problem at preview, before anything is sent) cannot
disagree. Which disk is the system disk is here too: the recommended target layout marks it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["GIB", "LayoutProblem", "amount", "is_system_disk", "layout_problems"]

GIB = 1024**3

#: A registered object (disk, partition, volume group, logical volume) as JSON: name, size, used_size.
Item = Mapping[str, Any]


class _Change(Protocol):
    """What PutDisk, PutVolume, PutVolumeGroup and PutLogicalVolume share."""

    @property
    def id(self) -> str | None: ...
    @property
    def need_migration(self) -> bool | None: ...
    @property
    def adjust_size(self) -> int | None: ...


@dataclass(frozen=True)
class LayoutProblem:
    """One refusal: where (wire names; objects by name: ``("disks", "/dev/vdb", "adjust_size")``), the
    code SMS answers with, and what is allowed."""

    path: tuple[str, ...]
    code: str
    message: str


def amount(size: int) -> str:
    """A size for people: ``40 GiB (42949672960 bytes)``."""
    gib = size / GIB
    return f"{gib:.0f} GiB ({size} bytes)" if size % GIB == 0 else f"{gib:.2f} GiB ({size} bytes)"


def is_system_disk(disk: Item, index: int) -> bool:
    """The disk the target boots from: marked ``os_disk``, holding the ``OS`` partition, or the first
    disk when it is the ``BOOT`` disk."""
    volumes = disk.get("physical_volumes") or []
    return bool(disk.get("os_disk") or any(v.get("device_use") == "OS" for v in volumes) or (
        index == 0 and disk.get("device_use") == "BOOT"))


def kept(change: _Change | None) -> bool:
    """Whether the object is migrated (``need_migration`` defaults to true)."""
    return change is None or change.need_migration is not False


def target_size(item: Item, change: _Change | None) -> int:
    """The object's size on the target: its ``adjust_size`` when given (non-zero), else its own."""
    if change is not None and change.adjust_size:
        return int(change.adjust_size)
    return int(item.get("size") or 0)


def _named(items: Sequence[Item] | None, name: str | None) -> Item | None:
    return next((item for item in items or () if item.get("name") == name), None)


def _names(items: Sequence[Item] | None) -> str:
    return ", ".join(repr(item.get("name")) for item in items or ()) or "none"


def _missing(path: tuple[str, ...], what: str, name: str | None, among: Sequence[Item] | None
             ) -> LayoutProblem:
    return LayoutProblem(path, "SMS.8111", f"there is no {what} named {name!r} (there are: {_names(among)})")


def _at_least(path: tuple[str, ...], code: str, floor: int, why: str) -> LayoutProblem:
    return LayoutProblem((*path, "adjust_size"), code, f"must be at least {amount(floor)}, {why}")


def _children_total(items: Sequence[Item] | None, changes: Sequence[_Change] | None) -> int:
    """The target size of the children that are migrated (partitions of a disk, volumes of a group)."""
    by_name = {c.id: c for c in changes or ()}
    return sum(target_size(item, by_name.get(item.get("name"))) for item in items or ()
               if kept(by_name.get(item.get("name"))))


@dataclass(frozen=True)
class _Kind:
    """Disks and volume groups: the same rules, with their own names and codes."""

    field: str
    what: str
    children: str
    child_what: str
    total_code: str  # the object is smaller than its migrated children
    total_why: str
    held_to_used: bool  # without children, it must still hold its used space
    windows_rule: bool  # on Windows, its children are not made smaller


_DISKS = _Kind("disks", "disk", "physical_volumes", "partition", "SMS.6539",
               "the size of its migrated partitions", held_to_used=True, windows_rule=True)
_GROUPS = _Kind("volume_groups", "volume group", "logical_volumes", "logical volume", "SMS.6541",
                "the size of its migrated logical volumes", held_to_used=False, windows_rule=False)


def layout_problems(source: Mapping[str, Any], *, disks: Sequence[Any] = (),
                    volume_groups: Sequence[Any] = ()) -> list[LayoutProblem]:
    """Every refusal `disks` (PutDisk) and `volume_groups` (PutVolumeGroup) earn on `source` (the
    registered layout as JSON: ``disks``, ``volume_groups``, ``os_type``), in the order of the body."""
    windows = source.get("os_type") == "WINDOWS"
    return [*_problems(_DISKS, source.get("disks") or [], disks, windows),
            *_problems(_GROUPS, source.get("volume_groups") or [], volume_groups, windows)]


def _problems(kind: _Kind, registered: Sequence[Item], changes: Sequence[Any], windows: bool
              ) -> list[LayoutProblem]:
    problems: list[LayoutProblem] = []
    for change in changes:
        at = (kind.field, str(change.id))
        item = _named(registered, change.id)
        if item is None:
            problems.append(_missing(at, kind.what, change.id, registered))
            continue
        children = item.get(kind.children) or []
        child_changes = getattr(change, kind.children) or ()
        for child_change in child_changes:
            child_at = (*at, kind.children, str(child_change.id))
            child = _named(children, child_change.id)
            if child is None:
                problems.append(_missing(child_at, kind.child_what, child_change.id, children))
            elif kept(child_change) and child_change.adjust_size:
                used, size = int(child.get("used_size") or 0), int(child.get("size") or 0)
                if child_change.adjust_size < used:
                    problems.append(_at_least(child_at, "SMS.6538", used, "the space used on it"))
                elif windows and kind.windows_rule and child_change.adjust_size < size:
                    problems.append(_at_least(child_at, "SMS.6540", size,
                                              "its size: SMS does not shrink a partition of Windows"))
        if kept(change) and change.adjust_size:
            total = _children_total(children, child_changes)
            used = int(item.get("used_size") or 0)
            if change.adjust_size < total:
                problems.append(_at_least(at, kind.total_code, total, kind.total_why))
            elif kind.held_to_used and not children and change.adjust_size < used:
                problems.append(_at_least(at, kind.total_code, used, "the space used on it"))
    return problems
