"""Lookups for Pulumi programs: find the source servers, projects and templates a plan refers to.

They run in the program while `pulumi preview` / `pulumi up` evaluates it (credentials and endpoint
from the same settings as the resources: HW_* environment variables), and fail with a message that
says what was looked for and what was found, so a typo in a plan stops the preview.
"""

from __future__ import annotations

from collections.abc import Iterable

from sms_pulumi.api.errors import NotFoundError
from sms_pulumi.api.models.migprojects import MigProject
from sms_pulumi.api.models.sources import ListSourceServersQuery, SourceServerSummary
from sms_pulumi.api.models.templates import Template
from sms_pulumi.api.sms import SmsClient
from sms_pulumi.resources.clients import sms_client

__all__ = [
    "LookupFailed",
    "get_migration_project",
    "get_source_server",
    "get_template",
    "list_source_servers",
]

class LookupFailed(LookupError):
    """Nothing, or more than one thing, matched a lookup."""


def _sms() -> SmsClient:
    # The resources' client: one per process, same settings (reset with _provider.reset_clients).
    return sms_client()


def _one(what: str, found: list[SourceServerSummary]) -> SourceServerSummary:
    if not found:
        raise LookupFailed(f"no source server matches {what}")
    if len(found) > 1:
        listed = ", ".join(f"{s.name} ({s.ip}, {s.id})" for s in found[:10])
        raise LookupFailed(f"{len(found)} source servers match {what}: {listed}; be more specific")
    return found[0]


def list_source_servers(
    *,
    name: str | None = None,
    ip: str | None = None,
    state: str | None = None,
    migproject: str | None = None,
    connected: bool | None = None,
) -> list[SourceServerSummary]:
    """Source servers matching every filter given (name and IP match exactly)."""
    query = ListSourceServersQuery.model_validate(
        {k: v for k, v in {"name": name, "ip": ip, "state": state, "migproject": migproject,
                           "connected": connected}.items() if v is not None}
    )
    found: Iterable[SourceServerSummary] = _sms().iter_sources(query)
    return [s for s in found if (name is None or s.name == name) and (ip is None or s.ip == ip)]


def get_source_server(
    *, name: str | None = None, ip: str | None = None, id: str | None = None  # noqa: A002
) -> SourceServerSummary:
    """The one source server with this ID, or this name and/or IP; an error when none or several match."""
    if not (name or ip or id):
        raise ValueError("get_source_server: give a name, an ip or an id")
    if id:
        try:
            detail = _sms().show_source(id)
        except NotFoundError:
            raise LookupFailed(f"no source server has id {id!r}") from None
        found = SourceServerSummary.model_validate(detail.model_dump())
        for key, wanted in (("name", name), ("ip", ip)):
            if wanted and getattr(found, key) != wanted:
                raise LookupFailed(
                    f"source server {id} has {key} {getattr(found, key)!r}, not {wanted!r}"
                )
        return found
    what = " and ".join(f"{k} {v!r}" for k, v in (("name", name), ("ip", ip)) if v)
    return _one(what, list_source_servers(name=name, ip=ip))


def get_migration_project(name: str) -> MigProject:
    """The migration project with this name (names are unique in SMS)."""
    found = _sms().find_migprojects_by_name(name)
    if not found:
        known = ", ".join(repr(p.name) for p in _sms().iter_migprojects(max_items=20))
        raise LookupFailed(f"no migration project is named {name!r} (there are: {known or 'none'})")
    if len(found) > 1:
        raise LookupFailed(f"{len(found)} migration projects are named {name!r}: "
                           f"{', '.join(str(p.id) for p in found)}")
    return found[0]


def get_template(name: str) -> Template:
    """The VM template with this name (names are unique in SMS)."""
    found = _sms().find_templates_by_name(name)
    if not found:
        raise LookupFailed(f"no template is named {name!r}")
    if len(found) > 1:
        # Only general templates have unique names; task-bound ones may repeat a name.
        ids = ", ".join(str(t.id) for t in found)
        raise LookupFailed(f"{len(found)} templates are named {name!r}: {ids}")
    return found[0]
