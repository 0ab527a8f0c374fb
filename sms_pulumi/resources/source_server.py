"""SourceServer: a registered source server (`/v3/sources`, manual 5.3), as a migration wave needs it.

SMS registers a source when the Agent on the machine starts; Pulumi never creates one. The resource
adopts the source by `source_id` and manages what `PUT /v3/sources/{id}` (5.3.5) changes: the
migration project that holds it (`migprojectid`), its name, and its disk settings — per disk (by
the name the source reports, `/dev/vdb` or `Disk 1`) and per partition, per LVM volume group and
logical volume: whether it is migrated (`need_migration`) and its size on the target (`adjust_size`,
bytes as on the wire; 0 keeps the source's size). The layout SMS recommends for the target
(`init_target_server`), which a Task uses when it is given no disks, follows those settings: a Task
must be created after its SourceServer (the plan program makes it depend on it).

Check refuses, at preview and before anything is sent, what SMS would refuse (an object the source
does not have, a size below what it holds: sms_pulumi.api.models.source_layout) and what it would
accept and then fail the migration on: leaving out the system disk, or its boot or system
partition. Those checks read the source once (`GET /v3/sources/{id}`) when disk settings are given;
every other mistake is refused without a call.

Read (`pulumi refresh`) reports drift: the project from the membership listing
(sms_pulumi.resources.memberships), the disk settings from the recommended layout (a disk left out
of it is not migrated; its size there is its target size). A source deleted outside Pulumi is
dropped from the state, with a message.

Destroy (`on_destroy`): `move_back` (default) puts back what Pulumi changed as it was at create —
the project (or the default project, when that one is gone), the name, the disk settings; `leave`
touches nothing; `delete` deletes the source's record (its Agent registers it again when restarted),
the clean-up of a finished wave. Either way the wave's project can be deleted afterwards (SMS.7311
refuses to delete a project that still holds sources). The PUT is idempotent, so a lost answer is
sent again by the HTTP layer; there is nothing to create twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from sms_pulumi.api.errors import ApiError, NotFoundError, is_not_found
from sms_pulumi.api.models.common import RequestModel
from sms_pulumi.api.models.source_layout import is_system_disk, layout_problems
from sms_pulumi.api.models.sources import (
    PutDisk,
    PutLogicalVolume,
    PutVolume,
    PutVolumeGroup,
    SourceServerDetail,
    UpdateSourceServerRequest,
)
from sms_pulumi.resources import memberships
from sms_pulumi.resources._provider import (
    BaseProvider,
    changed_fields,
    is_unknown,
    read_result,
    say,
    validation_failures,
    warn,
)
from sms_pulumi.resources.clients import sms_client
from sms_pulumi.resources.errors import GoneError, InputError, StateError
from sms_pulumi.resources.inputs import NOT_SENT, REPLACES, SmsResource, plain
from sms_pulumi.resources.types import SOURCE_SERVER, module_and_name

#: What destroy does with the source's record.
ON_DESTROY = ("move_back", "leave", "delete")
#: The settings of every disk, partition, volume group and logical volume.
SETTINGS = ("adjust_size", "need_migration")
#: How SMS treats an object nobody set: migrated, at the source's size.
UNSET: dict[str, Any] = {"adjust_size": 0, "need_migration": True}

Path = tuple[str, ...]


@dataclass(frozen=True)
class Level:
    """One kind of object the disk settings name, and the kind inside it."""

    field: str  # the input (and wire) name: disks, volume_groups
    what: str
    model: type[RequestModel]
    children: str  # physical_volumes, logical_volumes
    child_what: str
    child_model: type[RequestModel]


LEVELS = (
    Level("disks", "disk", PutDisk, "physical_volumes", "partition", PutVolume),
    Level("volume_groups", "volume group", PutVolumeGroup, "logical_volumes", "logical volume",
          PutLogicalVolume),
)


class SourceServerProvider(BaseProvider):
    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        failures = _shape_failures(news)
        source_id = news.get("source_id")
        settings = {level.field: news.get(level.field) for level in LEVELS}
        if failures or not isinstance(source_id, str) or is_unknown(settings) or not any(settings.values()):
            return failures
        try:
            live = sms_client().show_source(source_id)
        except NotFoundError:
            return [CheckFailure("source_id", f"no source server {source_id} is registered in SMS")]
        except ApiError as exc:
            return [CheckFailure("source_id", f"could not read the source server to check its disks: {exc}")]
        return [CheckFailure(".".join(path), message) for path, message in
                layout_failures(live, plain(settings["disks"]) or {}, plain(settings["volume_groups"]) or {})]

    def create(self, props: dict[str, Any]) -> CreateResult:
        source_id = str(props["source_id"])
        try:
            live = sms_client().show_source(source_id)
        except NotFoundError:
            raise InputError(f"no source server {source_id} is registered in SMS (the SMS Agent on the "
                             "machine registers it when it starts)", field="source_id") from None
        before = _recorded({}, props, live)
        _put(source_id, _changes(props, {}, before, live, changed=None))
        # Nothing is read after the PUT: once it succeeded there is nothing left that could fail,
        # and a create that failed after moving the source would record nothing of where it was.
        return CreateResult(source_id, _outputs(props, before))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            live = sms_client().show_source(id_)
        except NotFoundError:
            say(f"source server {id_} is gone from SMS (deleted outside Pulumi): dropped from the state; "
                "its Agent registers it again, under a new ID, when restarted on the machine")
            return ReadResult(None, {})
        outs = _outputs(props, props.get("before") or {})
        if props.get("migprojectid") is not None:
            outs["migprojectid"] = memberships.snapshot().project_of.get(id_)
        if props.get("name") is not None:
            outs["name"] = live.name
        outs.update(_seen(live, props))
        return read_result(id_, outs, self.FIELDS)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        try:
            live = sms_client().show_source(id_)
        except NotFoundError:
            raise GoneError(f"source server {id_} was deleted outside Pulumi: run `pulumi refresh` (it drops "
                            "it from the state); SMS has it again once its Agent registers it") from None
        before = _recorded(olds.get("before") or {}, news, live)
        changed = {f.name for f in changed_fields(self.FIELDS, olds, news)}
        _put(id_, _changes(news, olds, before, live, changed=changed))
        task = live.current_task
        if task is not None and changed & {level.field for level in LEVELS}:
            warn(f"source server {live.name}: its task {task.name} ({task.id}) keeps the target disks it was "
                 "created with; the new disk settings shape the layout SMS recommends to a task created "
                 "after them")
        return UpdateResult(_outputs(news, before))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        mode = props.get("on_destroy") or "move_back"
        if mode == "leave":
            return
        client = sms_client()
        try:
            live = client.show_source(id_)
            if mode == "delete":
                client.delete_source(id_)
            else:
                _put(id_, _changes({}, props, props.get("before") or {}, live, changed=None))
        except ApiError as exc:
            if is_not_found(exc, "source"):
                return  # gone already: nothing to put back, nothing to delete
            if exc.error_code != "SMS.7601":
                raise
            raise StateError(
                f"source server {id_} has a migration task at work, and SMS keeps the record of a server "
                "being migrated: pause or delete its task first, or set on_destroy to move_back or leave",
                field="on_destroy", code="SMS.7601") from None
        memberships.forget()


# -- check ------------------------------------------------------------------------------------------


def _shape_failures(news: Mapping[str, Any]) -> list[CheckFailure]:
    """Everything check can tell without asking SMS."""
    failures = []
    source_id = news.get("source_id")
    if source_id is None or (not is_unknown(source_id) and (
            not isinstance(source_id, str) or not source_id.strip() or len(source_id) > 255)):
        failures.append(CheckFailure("source_id", "the ID (1-255 characters) of the registered source "
                                                  "server"))
    mode = news.get("on_destroy")
    if mode is not None and not is_unknown(mode) and mode not in ON_DESTROY:
        failures.append(CheckFailure("on_destroy", f"must be one of {', '.join(ON_DESTROY)}"))
    failures += validation_failures(UpdateSourceServerRequest, {k: news[k] for k in ("name", "migprojectid")
                                                                if news.get(k) is not None})
    for level in LEVELS:
        value = news.get(level.field)
        if value is None or is_unknown(value):
            continue
        if not isinstance(value, Mapping):
            failures.append(CheckFailure(level.field, f"must be an object: {level.what} name -> "
                                                      f"{{{', '.join((*SETTINGS, level.children))}}}"))
            continue
        for name, entry in value.items():
            failures += _entry_failures(f"{level.field}.{name}", name, entry, level.what, level.model,
                                        level.children, level.child_what, level.child_model)
    return failures


def _entry_failures(at: str, name: str, entry: Any, what: str, model: type[RequestModel],
                    children: str | None = None, child_what: str = "",
                    child_model: type[RequestModel] | None = None) -> list[CheckFailure]:
    """The settings of one disk (partition, group, volume) against its wire model, named by path."""
    keys = (*SETTINGS, children) if children else SETTINGS
    if is_unknown(entry):
        return []
    if not isinstance(entry, Mapping):
        return [CheckFailure(at, f"must be an object with {', '.join(keys)}")]
    failures = [CheckFailure(f"{at}.{k}", f"unknown property {k!r}: a {what} takes {', '.join(keys)}")
                for k in entry if k not in keys]
    settings = {k: entry[k] for k in SETTINGS if k in entry}
    # The object's name is its wire ID (a name too long is this entry's fault, not an `id` input's).
    failures += [CheckFailure(at if f.property == f"{at}.id" else f.property, f.reason)
                 for f in validation_failures(model, {"id": name, "adjust_size": 0, **settings},
                                              prefix=f"{at}.")]
    inner = entry.get(children) if children else None
    if children and child_model is not None and inner is not None and not is_unknown(inner):
        if not isinstance(inner, Mapping):
            failures.append(CheckFailure(f"{at}.{children}", f"must be an object: {child_what} name -> "
                                                              f"{{{', '.join(SETTINGS)}}}"))
        else:
            for key, child in inner.items():
                failures += _entry_failures(f"{at}.{children}.{key}", key, child, child_what, child_model)
    return failures


def layout_failures(live: SourceServerDetail, disks: Mapping[str, Any], volume_groups: Mapping[str, Any]
                    ) -> list[tuple[Path, str]]:
    """What SMS would refuse of these settings on this source, and what it would accept but then fail
    the migration on; each with its path (``("disks", "/dev/vdb", "adjust_size")``) and what is allowed.

    Shared with the plan program, which says the same at the line of the plan that asks it.
    """
    registered = live.model_dump(mode="json")
    body = UpdateSourceServerRequest.model_validate({"disks": _wire(LEVELS[0], disks),
                                                     "volume_groups": _wire(LEVELS[1], volume_groups)})
    found = [(p.path, f"{p.message} ({p.code})") for p in layout_problems(
        registered, disks=body.disks or (), volume_groups=body.volume_groups or ())]
    for index, disk in enumerate(registered.get("disks") or []):
        entry = disks.get(str(disk.get("name")))
        if entry is None or not is_system_disk(disk, index):
            continue
        at: Path = ("disks", str(disk["name"]))
        if entry.get("need_migration") is False:
            found.append(((*at, "need_migration"), "the system disk is always migrated: the target boots "
                                                   "from it (without it SMS fails the migration: SMS.1506)"))
        for volume in disk.get("physical_volumes") or []:
            setting = (entry.get("physical_volumes") or {}).get(str(volume.get("name"))) or {}
            if volume.get("device_use") in ("OS", "BOOT") and setting.get("need_migration") is False:
                found.append(((*at, "physical_volumes", str(volume["name"]), "need_migration"),
                              f"the {str(volume['device_use']).lower()} partition is always migrated "
                              "(without it SMS fails the migration: SMS.1505/SMS.1507)"))
    return found


# -- what is sent -----------------------------------------------------------------------------------


def _wire(level: Level, settings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`{name: settings}` as the PUT's list of objects, each with its name as its ID."""
    items = []
    for name, entry in settings.items():
        item = _wire_item(name, entry)
        inner = entry.get(level.children)
        if inner:
            item[level.children] = [_wire_item(k, v) for k, v in inner.items()]
        items.append(item)
    return items


def _wire_item(name: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": name, "adjust_size": int(plain(entry.get("adjust_size")) or 0)}
    if entry.get("need_migration") is not None:
        item["need_migration"] = bool(entry["need_migration"])
    return item


def _settle(new: Mapping[str, Any], old: Mapping[str, Any], before: Mapping[str, Any],
            children: str | None) -> dict[str, Any]:
    """The settings to send: `new`, and what `old` set that `new` no longer does, put back as it was
    before Pulumi set it (`before`; as SMS has it when nobody did: UNSET)."""
    out: dict[str, Any] = {}
    for name in (*new, *(k for k in old if k not in new)):
        earlier = before.get(name) or UNSET
        if name not in new:
            out[name] = {k: earlier.get(k, UNSET[k]) for k in SETTINGS}
        else:
            out[name] = {k: v for k, v in new[name].items() if k != children}
        if children:
            inner = _settle((new.get(name) or {}).get(children) or {},
                            (old.get(name) or {}).get(children) or {}, earlier.get(children) or {}, None)
            if inner:
                out[name][children] = inner
    return out


def _changes(news: Mapping[str, Any], olds: Mapping[str, Any], before: Mapping[str, Any],
             live: SourceServerDetail, changed: set[str] | None) -> dict[str, Any]:
    """The PUT body that makes SMS hold `news`: everything at create (`changed` None, no `olds`), what
    changed at an update, what `olds` set at a move_back (no `news`). What Pulumi no longer manages
    goes back as it was before Pulumi set it (`before`), where the source still has it."""
    body: dict[str, Any] = {}
    for key in ("migprojectid", "name"):
        if changed is not None and key not in changed:
            continue
        if news.get(key) is not None:
            body[key] = news[key]
        elif olds.get(key) is not None:
            earlier = _home(before, live) if key == "migprojectid" else before.get("name")
            if earlier:
                body[key] = earlier
    has = {"disks": {str(d.name) for d in live.disks or []},
           "volume_groups": {str(g.name) for g in live.volume_groups or []}}
    for level in LEVELS:
        if changed is not None and level.field not in changed:
            continue
        new = plain(news.get(level.field)) or {}
        old = {k: v for k, v in (plain(olds.get(level.field)) or {}).items()
               if k in new or k in has[level.field]}
        settled = _settle(new, old, before.get(level.field) or {}, level.children)
        if settled:
            body[level.field] = _wire(level, settled)
    return body


def _home(before: Mapping[str, Any], live: SourceServerDetail) -> str | None:
    """Where the source goes back to: the project it came from, or the default one when that is gone."""
    known = memberships.snapshot()
    home = before.get("migprojectid")
    if home in known.projects:
        return str(home)
    if home:
        say(f"source server {live.name}: the project it came from ({home}) is gone; back to the default "
            "project")
    return known.default


def _put(source_id: str, body: Mapping[str, Any]) -> None:
    if body:
        sms_client().update_source(source_id, UpdateSourceServerRequest.model_validate(body))
        memberships.forget()


# -- what SMS has -----------------------------------------------------------------------------------


def _seen(live: SourceServerDetail, props: Mapping[str, Any]) -> dict[str, Any]:
    """The disk settings the user wrote, as SMS has them now (drift shows here).

    No read returns the settings themselves; the recommended layout shows their effect: an object
    it leaves out is not migrated, its size there is its target size. Objects the source no longer
    has are left out (they are drift); what the user did not write is not compared.
    """
    registered = live.model_dump(mode="json")
    recommended = (live.init_target_server.model_dump(mode="json") if live.init_target_server else {})
    out: dict[str, Any] = {}
    for level in LEVELS:
        declared = plain(props.get(level.field))
        if declared is None:
            continue
        out[level.field] = {
            name: _seen_entry(entry, own, _find(recommended.get(level.field), name), level.children)
            for name, entry in declared.items()
            if (own := _find(registered.get(level.field), name)) is not None
        }
    return out


def _seen_entry(entry: Mapping[str, Any], own: Mapping[str, Any], target: Mapping[str, Any] | None,
                children: str | None, visible: bool = True) -> dict[str, Any]:
    """One object's settings as SMS shows them: `own` is the object as registered, `target` as the
    recommended layout has it (None: left out). Inside an object left out nothing can be seen."""
    if not visible:
        return dict(entry)
    out: dict[str, Any] = {}
    if target is None:
        out["need_migration"] = False
        if "adjust_size" in entry:
            out["adjust_size"] = entry["adjust_size"]  # not visible while left out
    else:
        if "need_migration" in entry:
            out["need_migration"] = True
        size, own_size = int(target.get("size") or 0), int(own.get("size") or 0)
        if size != own_size:
            out["adjust_size"] = size
        elif "adjust_size" in entry:
            out["adjust_size"] = entry["adjust_size"] if entry["adjust_size"] in (0, own_size) else 0
    inner = entry.get(children) if children else None
    if children and inner:
        out[children] = {
            name: _seen_entry(child, own_child, _find((target or {}).get(children), name), None,
                              visible=target is not None)
            for name, child in inner.items()
            if (own_child := _find(own.get(children), name)) is not None
        }
    return out


def _find(items: Any, name: str) -> Mapping[str, Any] | None:
    return next((i for i in items or () if isinstance(i, Mapping) and i.get("name") == name), None)


def _recorded(before: Mapping[str, Any], props: Mapping[str, Any], live: SourceServerDetail
              ) -> dict[str, Any]:
    """`before` completed with how SMS has what `props` manages and `before` does not hold yet: what
    move_back puts back (recorded at create, and by the update that first manages it)."""
    out = dict(before)
    if props.get("migprojectid") is not None and "migprojectid" not in out:
        out["migprojectid"] = memberships.before_this_run().project_of.get(str(live.id))
    if props.get("name") is not None and "name" not in out:
        out["name"] = live.name
    # Every setting of every object `props` names, as SMS shows it now.
    everything = {level.field: {name: {**UNSET, level.children: dict.fromkeys(entry.get(level.children) or {},
                                                                            UNSET)}
                                for name, entry in (plain(props.get(level.field)) or {}).items()}
                  for level in LEVELS}
    for level in LEVELS:
        known = dict(out.get(level.field) or {})
        for name, now in _seen(live, everything).get(level.field, {}).items():
            earlier = known.get(name) or {}
            inner = {**(now.get(level.children) or {}), **(earlier.get(level.children) or {})}
            known[name] = {**now, **earlier, **({level.children: inner} if inner else {})}
        if known:
            out[level.field] = known
    return out


def _outputs(props: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, Any]:
    outs = {f.name: plain(props.get(f.name)) for f in SourceServerProvider.FIELDS}
    outs["before"] = dict(before)
    return outs


class SourceServer(SmsResource, provider=SourceServerProvider, **module_and_name(SOURCE_SERVER)):
    """A registered source server: the project that holds it, its name, its disk settings."""

    #: How SMS had what this resource manages before Pulumi changed it (what move_back puts back).
    before: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        source_id: Annotated[pulumi.Input[str], REPLACES],
        migprojectid: pulumi.Input[str] | None = None,
        name: pulumi.Input[str] | None = None,
        disks: pulumi.Input[dict[str, Any]] | None = None,
        volume_groups: pulumi.Input[dict[str, Any]] | None = None,
        on_destroy: Annotated[pulumi.Input[str] | None, NOT_SENT] = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param source_id: ID of the registered source server (see ``get_source_server``).
        :param migprojectid: ID of the migration project to hold it. Unset: not managed (unset after
            it was: back to the project it was in before).
        :param name: The source's name in SMS (1-64 letters, digits, ``_ . -``). Unset: not managed
            (unset after it was: the name it had before).
        :param disks: Per disk, by the name the source reports (``/dev/vdb``, ``Disk 1``):
            ``{"need_migration": bool, "adjust_size": bytes, "physical_volumes": {partition name:
            {"need_migration", "adjust_size"}}}``. ``need_migration`` False leaves it out of the
            target; ``adjust_size`` is its size on the target in bytes (0: the source's size), at
            least its used space (partitions) or its partitions' total (disks). The system disk, and
            its boot and system partitions, are always migrated.
        :param volume_groups: Per LVM volume group, by name, likewise: ``{"need_migration",
            "adjust_size", "logical_volumes": {volume name: {"need_migration", "adjust_size"}}}``; a
            group is at least its migrated logical volumes, a volume at least its used space.
        :param on_destroy: What destroy does with the record: ``move_back`` (default: the project it
            was in, its name and disk settings as they were at create), ``leave`` (untouched) or
            ``delete`` (the record is deleted; the Agent registers the server again when restarted).
        """
        self._declare(resource_name, locals(), opts)
