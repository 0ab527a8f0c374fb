"""Shared fixtures: a local SMS/OMS emulator with random per-run credentials.

* ``emulator_credentials`` — AK/SK, an IAM token and an OMS project ID, generated per run with
  ``secrets.token_hex`` (never printed: the repr hides the secrets).
* ``emulator_server`` — one EmulatorServer for the session (127.0.0.1, free port, in-memory state,
  clock x200, default seed); always stopped at the end.
* ``emulator`` — the same server, reset to its seeded state (objects, faults, request log, clock
  speed) before each test, so tests do not see each other's objects.

Nothing is written to ``os.environ``; tests pass the credentials to their clients explicitly.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from sms_pulumi.api.credentials import endpoint_env
from sms_pulumi.emulator.server import EmulatorServer, quiet_uvicorn

TEST_CLOCK_SPEED = 200.0


@dataclass(frozen=True)
class EmulatorCredentials:
    access_key: str
    secret_key: str = field(repr=False)
    token: str = field(repr=False)
    project_id: str

    def env(self, url: str, *, poll_interval: float | None = None,
            wait_timeout: float | None = None) -> dict[str, str]:
        """The HW_* variables of a provider (or client) talking to the emulator at `url`."""
        return endpoint_env(url, self.access_key, self.secret_key, self.project_id,
                            poll_interval=poll_interval, wait_timeout=wait_timeout)


@pytest.fixture(scope="session")
def emulator_credentials() -> EmulatorCredentials:
    return EmulatorCredentials(
        access_key="AK" + secrets.token_hex(9).upper(),
        secret_key=secrets.token_hex(20),
        token="MII" + secrets.token_hex(32),
        project_id=secrets.token_hex(16),
    )


@pytest.fixture(scope="session")
def emulator_server(emulator_credentials: EmulatorCredentials) -> Iterator[EmulatorServer]:
    quiet_uvicorn()
    server = EmulatorServer(
        credentials=[(emulator_credentials.access_key, emulator_credentials.secret_key)],
        tokens=[emulator_credentials.token],
        clock_speed=TEST_CLOCK_SPEED,
        seed="default",
    )
    with server:
        yield server


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    emulator_server.admin.reset()
    emulator_server.admin.clock(speed=TEST_CLOCK_SPEED)
    return emulator_server
