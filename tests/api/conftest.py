"""Fixtures of tests/api: a scripted local HTTP server (see api_testserver.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sms_pulumi.api.credentials import ProviderSettings
from sms_pulumi.api.http import close_all_clients
from tests.api.api_testserver import ScriptedServer, make_settings


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
        close_all_clients()


@pytest.fixture
def settings(server: ScriptedServer) -> ProviderSettings:
    return make_settings(server.url)
