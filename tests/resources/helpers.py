"""Helpers of the provider tests: call a provider the way the engine does, and inspect the emulator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from google.protobuf import struct_pb2
from pulumi.dynamic import DiffResult, ResourceProvider
from pulumi.runtime import rpc

from sms_pulumi.emulator.server import EmulatorServer

T = TypeVar("T")

#: What the engine adds to every property map of a dynamic resource (the pickled provider).
PROVIDER_KEY = "__provider"


#: A value another resource computes, not known at preview: the engine sends its sentinel string.
COMPUTED = rpc.UNKNOWN


def engine(value: Any) -> Any:
    """A value as the Pulumi engine hands it to a provider, through the host's own deserialization.

    The value goes into a protobuf Struct, as on the wire, and comes out of `rpc.deserialize_properties`
    with the arguments the dynamic-provider host uses for check and diff: numbers come back as floats,
    None entries are gone (the engine skips nulls), and each COMPUTED value is a `pulumi.output.Unknown`.
    """
    struct = struct_pb2.Struct()
    struct.update({"v": _without_none(value)})
    return rpc.deserialize_properties(struct, keep_unknowns=True)["v"]


def _without_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value]
    return value


def stored(outs: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs as the engine keeps them in state and passes them back (as `olds`, to read and diff)."""
    return dict(engine({**outs, PROVIDER_KEY: "pickled-provider"}))


@dataclass
class Created:
    id: str
    outs: dict[str, Any]


def create(provider: ResourceProvider, props: Mapping[str, Any]) -> Created:
    result = provider.create(engine(dict(props)))
    assert result.id, "create returned no id"
    return Created(str(result.id), dict(result.outs or {}))


def read(provider: ResourceProvider, id_: str, outs: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    result = provider.read(id_, stored(outs))
    return (str(result.id) if result.id else None), dict(result.outs or {})


def update(
    provider: ResourceProvider, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    result = provider.update(id_, stored(olds), engine(dict(news)))
    assert result.outs is not None, "update must return the full outputs"
    return dict(result.outs)


def diff(
    provider: ResourceProvider, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> DiffResult:
    return provider.diff(id_, stored(olds), {**engine(dict(news)), PROVIDER_KEY: "pickled-provider"})


def assert_no_diff(
    provider: ResourceProvider, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> None:
    result = diff(provider, id_, olds, news)
    assert result.changes is False, f"unexpected diff: {result.__dict__}"
    assert not result.replaces


def api_requests(emulator: EmulatorServer) -> dict[str, int]:
    """Requests the emulator served on its API (not its admin routes), per "METHOD /route"."""
    counts: dict[str, int] = emulator.admin.requests()["counts"]
    return {k: v for k, v in counts.items() if "/_emulator" not in k}


def live(emulator: EmulatorServer, kind: str, id_: str) -> dict[str, Any] | None:
    found = [o for o in emulator.admin.objects()[kind] if o["id"] == id_]
    return found[0] if found else None
