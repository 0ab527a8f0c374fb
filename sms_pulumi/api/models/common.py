"""Base classes and shapes shared by every API area.

Two directions, two rules:

* ``RequestModel`` is what a client sends and the emulator accepts. It forbids unknown fields (a typo
  in a client must fail loudly, not be dropped) and validates the manual's constraints (lengths,
  ranges, enums, required fields). The service itself ignores fields it does not know (real clients
  send some; see the emulator's AMBIGUITIES.md), so the emulator drops them before validating.
  Optional fields default to ``None`` and are *not* filled with the server's default, so that
  ``to_wire()`` (``model_dump(mode="json", exclude_none=True)``) reproduces exactly what the caller
  set. The server-side default is recorded as ``json_schema_extra={"server_default": ...}`` and
  applied by ``with_server_defaults()`` (the emulator uses that when it stores an object).
* ``ResponseModel`` is what the server returns. It tolerates unknown fields and missing fields (every
  field defaults to ``None``) and checks types only, never ranges: a refresh must not break because
  the cloud returned a value the manual did not foresee. Open enumerations (task state, source state)
  are therefore typed ``str`` in responses; compare them with the ``StrEnum`` members.

Where one JSON object travels in both directions (e.g. the disk layout a source server reports and a
task create sends back), the tolerant response class declares the fields once and the request class
(suffix ``Spec``) inherits it, re-declaring only the fields the manual makes mandatory; their
descriptions are inherited automatically.

Units on the wire: times are epoch milliseconds, sizes bytes, unless a field says otherwise.
"""

from __future__ import annotations

import enum
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

__all__ = [
    "BatchDeleteRequest",
    "DeviceUse",
    "EmptyResponse",
    "ErrorBody",
    "ErrorDetail",
    "Firmware",
    "HHMM_PATTERN",
    "IdResponse",
    "MigrationType",
    "OsType",
    "PartitionStyle",
    "QueryModel",
    "RequestModel",
    "ResponseModel",
    "Str255",
    "check_window_order",
    "check_windows_disjoint",
    "hhmm_to_minutes",
    "server_default",
    "server_default_of",
]

# "H:MM" or "HH:MM", 24-hour clock. The manual writes "XX:XX" but its own examples send "0:00" and
# "8:00" next to "00:00" (speed-limit example 2), so both spellings are accepted and kept as sent.
HHMM_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
_HHMM = re.compile(HHMM_PATTERN)


# A string of at most 255 characters: the manual's default limit for names and IDs.
Str255 = Annotated[str, StringConstraints(max_length=255)]


def hhmm_to_minutes(value: str) -> int:
    """Minutes since midnight of an ``H:MM``/``HH:MM`` string (used to compare time windows)."""
    if not _HHMM.match(value):
        raise ValueError(f"{value!r} is not a time of day in HH:MM format (00:00 to 23:59)")
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def check_windows_disjoint(windows: Sequence[tuple[str, str]]) -> None:
    """Raise ``ValueError`` if two ``(start, end)`` HH:MM windows overlap; touching ones are fine."""
    ordered = sorted(windows, key=lambda w: hhmm_to_minutes(w[0]))
    for (start_a, end_a), (start_b, end_b) in zip(ordered, ordered[1:], strict=False):
        if hhmm_to_minutes(start_b) < hhmm_to_minutes(end_a):
            raise ValueError(f"time windows {start_a}-{end_a} and {start_b}-{end_b} overlap")


def check_window_order(start: str, end: str) -> None:
    """Raise ``ValueError`` unless the window ends after it starts (no wrap past midnight)."""
    if hhmm_to_minutes(end) <= hhmm_to_minutes(start):
        raise ValueError(
            f"window {start}-{end} must end after it starts; "
            "split a window that crosses midnight in two (e.g. 22:00-23:59 and 00:00-06:00)"
        )


def field_path(loc: Iterable[int | str]) -> str:
    """pydantic's error location as a property path (`disks[0].size`): for Pulumi and plan errors."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def secret_fields(model: type[BaseModel]) -> frozenset[str]:
    """The wire names of `model`'s secrets: the fields it declares ``repr=False`` (never shown)."""
    return frozenset(info.alias or name for name, info in model.model_fields.items() if not info.repr)


def nested_secret_fields(model: type[BaseModel]) -> dict[str, frozenset[str]]:
    """Per field of `model` holding a nested model that has secrets: the secrets' wire names."""
    out = {}
    for name, info in model.model_fields.items():
        for nested in _models_in(info.annotation):
            found = secret_fields(nested)
            if found:
                out[info.alias or name] = found
    return out


def fit_to(model: type[BaseModel], data: Any) -> Any:
    """`data` with only the keys `model` declares, recursively, None values left out: an answer of SMS
    made fit to send back (response models keep unknown fields, request models refuse them)."""
    if isinstance(data, list):
        return [fit_to(model, item) for item in data]
    if not isinstance(data, Mapping):
        return data
    out = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if data.get(key) is None:
            continue
        nested = _models_in(info.annotation)
        out[key] = fit_to(nested[0], data[key]) if nested else data[key]
    return out


def all_secret_fields() -> frozenset[str]:
    """The wire names of every secret of every wire model loaded (for redacting stored objects)."""
    found: set[str] = set()
    todo: list[type[BaseModel]] = [_WireModel]
    while todo:
        model = todo.pop()
        found |= secret_fields(model)
        todo += model.__subclasses__()
    return frozenset(found)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def problems_of(exc: ValidationError) -> list[tuple[tuple[int | str, ...], str]]:
    """A validation error as (location, message) pairs, the one form every error message starts from.

    pydantic's own steps (``function-after[...]`` validator names) leave the location, and "Value
    error, " the message; the input values are never part of it (they may be secrets).
    """
    return [
        (tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))),
         e["msg"].removeprefix("Value error, "))
        for e in exc.errors(include_url=False, include_input=False)
    ]


def describe_problems(exc: ValidationError, *, limit: int | None = None) -> str:
    """`path: message; path: message` (``(body)`` for the whole), at most `limit` of them."""
    problems = problems_of(exc)[:limit]
    return "; ".join(f"{field_path(loc) or '(body)'}: {msg}" for loc, msg in problems)


def server_default(value: Any) -> dict[str, Any]:
    """``json_schema_extra`` recording the value the server assumes when the field is omitted."""
    return {"server_default": value}


def server_default_of(model: type[BaseModel], name: str) -> Any:
    """The ``server_default`` recorded on field ``name`` of ``model`` (KeyError if none is)."""
    extra = model.model_fields[name].json_schema_extra
    if not isinstance(extra, dict) or "server_default" not in extra:
        raise KeyError(f"{model.__name__}.{name} records no server default")
    return extra["server_default"]


class _WireModel(BaseModel):
    """Lets a subclass re-declare a field (to narrow its type or make it required) without repeating
    its description: an empty description is inherited from the nearest base that has one.

    Validators are built on first use (``defer_build``): a process imports ~150 models and uses a
    few, and building them all cost each Pulumi program and provider process ~0.2 s of start-up."""

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        inherited_any = False
        for name, field in cls.model_fields.items():
            if field.description:
                continue
            for base in cls.__mro__[1:]:
                inherited = getattr(base, "model_fields", {}).get(name)
                if inherited is not None and inherited.description:
                    field.description = inherited.description
                    inherited_any = True
                    break
        if inherited_any and cls.__pydantic_complete__:
            cls.model_rebuild(force=True)


class RequestModel(_WireModel):
    """A request body (or query string): unknown fields are rejected, the manual's constraints apply."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)

    def to_wire(self) -> dict[str, Any]:
        """The JSON body exactly as sent: wire names, enums as strings, unset fields omitted."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def with_server_defaults(self) -> Self:
        """A copy where every unset field carrying a documented ``server_default`` is filled in."""
        updates: dict[str, Any] = {}
        for name, field in type(self).model_fields.items():
            extra = field.json_schema_extra
            if getattr(self, name) is None and isinstance(extra, dict) and "server_default" in extra:
                updates[name] = extra["server_default"]
        if not updates:
            return self
        # Validated (not model_copy(update=...)), so a default becomes the field's type (e.g. an enum).
        return type(self).model_validate({**self.model_dump(exclude_none=True), **updates})


class QueryModel(RequestModel):
    """Query-string parameters of a list call; ``to_params()`` gives what httpx should send."""

    def to_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        for key, value in self.to_wire().items():
            # Booleans as the lower-case words the API (and the official SDK) send.
            params[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return params


class ResponseModel(_WireModel):
    """A response body: unknown fields are kept, missing ones are ``None``, only types are checked."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_wire(self) -> dict[str, Any]:
        """The JSON body as the emulator sends it (unset fields omitted, unknown fields kept)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class EmptyResponse(ResponseModel):
    """The ``{}`` body that update, delete and action calls return (documented as a bare String)."""


class IdResponse(ResponseModel):
    """``{"id": ...}``: what create calls (and task update) return."""

    id: str | None = Field(None, description="ID of the object created (or updated).")


class ErrorDetail(ResponseModel):
    error_code: str | None = Field(None, description="SMS error code of this detail.")
    error_msg: str | None = Field(None, description="Error message of this detail.")


class ErrorBody(ResponseModel):
    """Error body. 400/404/500 carry ``error_code`` and ``error_msg`` only; 403 adds the rest."""

    error_code: str | None = Field(None, description="Error code, e.g. SMS.7703 (task does not exist).")
    error_msg: str | None = Field(None, description="Human-readable error message.")
    encoded_authorization_message: str | None = Field(
        None, description="Encoded authorization details (IAM policy denials, HTTP 403)."
    )
    error_param: list[str] | None = Field(None, description="Error parameters.")
    details: list[ErrorDetail] | None = Field(None, description="Detailed errors.")


class BatchDeleteRequest(RequestModel):
    """Body of the batch deletes ``POST /v3/{sources,vm/templates,tasks}/delete``."""

    # Required: the template table alone marks it optional, but its SDK model (DeletetemplatesReq)
    # and the sources/tasks tables require it; a batch delete without IDs means nothing.
    ids: list[Str255] = Field(
        ...,
        max_length=65535,
        description="IDs of the objects to delete (each up to 255 characters).",
    )


class OsType(enum.StrEnum):
    """Operating system family of a source server / task."""

    WINDOWS = "WINDOWS"
    LINUX = "LINUX"


class MigrationType(enum.StrEnum):
    """Task / migration-project type."""

    MIGRATE_FILE = "MIGRATE_FILE"  # file-level migration (Linux)
    MIGRATE_BLOCK = "MIGRATE_BLOCK"  # block-level migration


class DeviceUse(enum.StrEnum):
    """Role of a disk or partition. Logical volumes also use VOLUME_GROUP and BTRFS."""

    NORMAL = "NORMAL"
    OS = "OS"
    BOOT = "BOOT"
    VOLUME_GROUP = "VOLUME_GROUP"
    BTRFS = "BTRFS"


class PartitionStyle(enum.StrEnum):
    MBR = "MBR"
    GPT = "GPT"


class Firmware(enum.StrEnum):
    BIOS = "BIOS"
    UEFI = "UEFI"
