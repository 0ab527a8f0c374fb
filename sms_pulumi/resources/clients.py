"""The settings and API clients of this process: one of each, shared by all resources and lookups.

A provider process gets the stack's `huaweicloud:*` configuration from the engine (`configure`, see
`use_stack_config`); a program reads its own runtime config. Either way the `HW_*` environment fills
in what the config leaves out (ProviderSettings.load). Nothing here is stored on a provider object:
the object is pickled into the state, which must hold no credential.

    from sms_pulumi.resources.clients import settings, sms_client
    sms_client().list_tasks()
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pulumi.runtime

from sms_pulumi.api.credentials import CONFIG_KEYS, CONFIG_NAMESPACE, ProviderSettings
from sms_pulumi.api.sms import SmsClient

if TYPE_CHECKING:
    from sms_pulumi.api.oms import OmsClient

__all__ = ["forget_with_clients", "oms_client", "reset_clients", "settings", "sms_client", "stack_config",
           "use_stack_config"]

_lock = threading.Lock()
#: The stack's `huaweicloud:*` configuration as the engine handed it to `configure()` (provider
#: process); None until then, and in the program, which reads it from its own runtime config.
_stack_config: dict[str, Any] | None = None
_settings: ProviderSettings | None = None
_sms: SmsClient | None = None
_oms: OmsClient | None = None


def namespaced(get: Callable[[str], Any]) -> dict[str, Any]:
    """The `huaweicloud:*` settings `get` knows, by their full keys."""
    keys = (f"{CONFIG_NAMESPACE}:{k}" for k in CONFIG_KEYS)
    return {key: value for key in keys if (value := get(key)) is not None}


def stack_config() -> dict[str, Any]:
    """The stack's `huaweicloud:*` settings: from `configure()` in a provider, the runtime in a program."""
    if _stack_config is not None:
        return _stack_config
    return namespaced(pulumi.runtime.get_config)


def use_stack_config(config: Mapping[str, Any]) -> None:
    """Settings from now on come from `config` (over the HW_* environment); clients are made anew."""
    global _stack_config, _settings, _sms, _oms
    with _lock:
        if _stack_config != dict(config):
            _stack_config, _settings, _sms, _oms = dict(config), None, None, None


def settings() -> ProviderSettings:
    global _settings
    with _lock:
        if _settings is None:
            _settings = ProviderSettings.load(config=stack_config())
        return _settings


def sms_client() -> SmsClient:
    global _sms
    current = settings()
    with _lock:
        if _sms is None:
            _sms = SmsClient(current)
        return _sms


def oms_client() -> OmsClient:
    from sms_pulumi.api.oms import OmsClient

    global _oms
    current = settings()
    with _lock:
        if _oms is None:
            _oms = OmsClient(current)
        return _oms


#: What else a process keeps of what the clients read (e.g. task lists): forgotten with them.
_caches: list[Callable[[], None]] = []


def forget_with_clients(forget: Callable[[], None]) -> None:
    """Have `reset_clients` call `forget` too."""
    _caches.append(forget)


def reset_clients() -> None:
    """Forget the cached settings and clients, and what was read with them: the next call reads the
    configuration again.

    A provider process reads its settings once; tests (and anything else that changes HW_*
    variables in one process) call this in between.
    """
    global _stack_config, _settings, _sms, _oms
    with _lock:
        _stack_config, _settings, _sms, _oms = None, None, None, None
    for forget in _caches:
        forget()
