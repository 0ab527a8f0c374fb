"""Initial data: the default migration project and source servers registered "as the Agent would".

``seed_sources.yaml`` (package data) holds realistic register bodies (``POST /v3/sources``, manual
5.3.2) for a few Linux and Windows servers; :func:`synthetic_sources` makes N more for benchmarks.
Both go through the same registration code as the HTTP endpoint, so seeded servers are exactly what
an Agent would have produced.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from sms_pulumi.api.models.sources import RegisterSourceServerRequest
from sms_pulumi.emulator.sms.migprojects import seed_default_project
from sms_pulumi.emulator.sms.sources import register
from sms_pulumi.emulator.state import Emulator

GIB = 1024**3


def fixture_bodies(name: str = "default") -> list[dict[str, Any]]:
    """Register bodies of a packaged fixture (``default`` = seed_sources.yaml) or a YAML/JSON path."""
    if name == "default":
        text = resources.files("sms_pulumi.emulator").joinpath("seed_sources.yaml").read_text("utf-8")
    else:
        with open(name, encoding="utf-8") as fh:
            text = fh.read()
    data = yaml.safe_load(text)
    bodies = data["sources"] if isinstance(data, dict) else data
    return [dict(b) for b in bodies]


def synthetic_sources(count: int, start: int = 0) -> list[dict[str, Any]]:
    """``count`` register bodies (alternating Linux/Windows), deterministic names and IPs."""
    bodies = []
    for n in range(start, start + count):
        name = f"syn-{n:04d}"
        ip = f"10.{100 + (n // 65536) % 100}.{(n // 256) % 256}.{n % 256}"
        if n % 3 == 2:
            bodies.append(_windows(name, ip, 60 + n % 40))
        else:
            bodies.append(_linux(name, ip, 40 + n % 60))
    return bodies


def _linux(name: str, ip: str, disk_gb: int) -> dict[str, Any]:
    size = disk_gb * GIB
    return {
        "ip": ip, "name": name, "hostname": name, "os_type": "LINUX", "os_version": "CENTOS_7_9_64BIT",
        "firmware": "BIOS", "boot_loader": "GRUB", "cpu_quantity": 2, "memory": 4 * GIB,
        "has_rsync": True, "paravirtualization": True, "has_tc": True, "raw_devices": "",
        "agent_version": "25.3.0", "kernel_version": "3.10.0-1160.el7.x86_64",
        "disks": [{"name": "/dev/vda", "partition_style": "MBR", "device_use": "BOOT", "size": size,
                   "used_size": size // 3, "os_disk": True,
                   "physical_volumes": [{"name": "/dev/vda1", "device_use": "OS", "file_system": "ext4",
                                         "mount_point": "/", "index": 0, "size": size - GIB,
                                         "used_size": size // 3}]}],
        "volume_groups": [], "btrfs_list": [],
        "networks": [{"name": "eth0", "ip": ip, "netmask": "255.255.0.0", "gateway": "10.0.0.1",
                      "mac": "fa:16:3e:00:00:01", "mtu": 1500}],
    }


def _windows(name: str, ip: str, disk_gb: int) -> dict[str, Any]:
    size = disk_gb * GIB
    return {
        "ip": ip, "name": name, "hostname": name, "os_type": "WINDOWS", "os_version": "WINDOWS2019_64BIT",
        "firmware": "UEFI", "cpu_quantity": 4, "memory": 8 * GIB, "system_dir": "C:\\Windows",
        "driver_files": False, "system_services": False, "account_rights": True,
        "agent_version": "25.3.0",
        "disks": [{"name": "Disk 0", "partition_style": "GPT", "device_use": "BOOT", "size": size,
                   "used_size": size // 2, "os_disk": True,
                   "physical_volumes": [{"name": "C:\\", "device_use": "OS", "file_system": "NTFS",
                                         "index": 1, "size": size - GIB // 2, "used_size": size // 2}]}],
        "networks": [{"name": "Ethernet0", "ip": ip, "netmask": "255.255.0.0", "gateway": "10.0.0.1",
                      "mac": "fa:16:3e:00:00:02"}],
    }


def register_bodies(emu: Emulator, bodies: list[dict[str, Any]]) -> list[str]:
    ids = []
    now = emu.now()
    with emu.store.transaction() as tx:
        for body in bodies:
            ids.append(register(tx, emu, RegisterSourceServerRequest.model_validate(body), now))
    return ids


def apply_seed(emu: Emulator, seed: str | None) -> None:
    """Seed a fresh store: ``"default"`` (project + fixture), ``"empty"``/None (project only),
    ``"synthetic:N"`` (project + N generated sources), or a path to a YAML/JSON fixture."""
    with emu.store.transaction() as tx:
        seed_default_project(tx)
        tx.meta_set("seeded", seed or "empty")
    if not seed or seed in ("empty", "none"):
        return
    if seed.startswith("synthetic:"):
        register_bodies(emu, synthetic_sources(int(seed.split(":", 1)[1])))
    else:
        register_bodies(emu, fixture_bodies(seed))
