"""Fixtures of the provider tests: the provider process's environment pointed at the emulator.

The providers run in this process as the dynamic-provider host would run them: credentials and the
emulator's endpoint come from HW_* environment variables, and `reset_clients()` makes each test read
them again. Nothing of ours is replaced; the emulator is the only stand-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources.clients import reset_clients

if TYPE_CHECKING:
    from tests.conftest import EmulatorCredentials


@pytest.fixture
def provider_env(
    emulator: EmulatorServer, emulator_credentials: EmulatorCredentials, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmulatorServer]:
    """HW_* variables of a provider process talking to the emulator; fresh settings and clients."""
    values = emulator_credentials.env(emulator.url, poll_interval=0.05, wait_timeout=60)
    for name in ("HW_SECURITY_TOKEN", "HW_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    reset_clients()
    emulator.admin.clear_requests()
    yield emulator
    reset_clients()


@pytest.fixture
def sms(provider_env: EmulatorServer) -> SmsClient:
    """A client of our own acting "outside Pulumi" (the console, a colleague, a script)."""
    return SmsClient(ProviderSettings.load())
