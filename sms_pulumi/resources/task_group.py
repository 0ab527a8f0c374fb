"""TaskGroup: an OMS v2 migration task group (`/v2/{project_id}/taskgroups`), one bucket moved into OBS.

Schema: the wire model `CreateTaskGroupRequest` (sms_pulumi.api.models.oms); inputs carry the wire
names (`src_node`, `dst_node`, `bandwidth_policy`, `task_type`, `enable_*`, ...).

What changes in place:

* `bandwidth_policy`, through the bandwidth update call (`PUT .../{group_id}/update`, which replaces
  the windows; an absent or empty policy removes the limits);
* `run_state`, through stop / start (resume) / retry, with bounded waits;
* the keys (`ak`, `sk`, `connection_string`, `json_auth_file`, the CDN `authentication_key`, and how
  they are protected: `crypto_type`, `kms_key_id`): OMS does not keep them, it needs them again on
  every start and retry; a rotated key is stored for the next resume and changes nothing in OMS (it
  does not restart the migration).

Everything else OMS cannot change: a change replaces the group (the old one is stopped and deleted
first, so two groups never copy the same objects).

Secrets: the keys are wrapped in `pulumi.Output.secret` one by one, so they are secret in the inputs.
The engine carries that secrecy to the same paths of the outputs (dynamic providers do not accept
secrets; the engine re-marks their outputs from the secret inputs, `annotateSecrets` in
sdk/go/common/resource/plugin/provider_plugin.go): the keys stay ciphertext in the state while bucket
names stay readable in previews. A node given as one Output is handled the same way once known, and
is listed in `additional_secret_outputs` as well. OMS never returns keys: read keeps the stored ones.

`run_state` says where the group should be, and create/update carry it out:

    not set / "not_managed"   nothing is done, nothing is compared
    "running"                 copying: a paused group is resumed (start), a failed one retried
    "paused"                  stopped (status 7, then 3)

Read maps the live status back relative to that wish: natural progress (WAITING -> EXECUTING ->
MONITORING -> COMPLETED) is not drift for "running"; a group paused outside Pulumi reads "paused",
a failed one (status 4/5) "failed", so `pulumi refresh` shows it and `pulumi up` resumes / retries it.
A completed group satisfies either wish (nothing is left to copy); for "paused", a failed group
satisfies the wish too (nothing is copying). A group being deleted (status 8/9) reads as gone.

Creating without duplicates: task groups have no name, so a group is identified by its description
together with its source (cloud, region, bucket, prefixes or list file) and destination (region,
bucket, save prefix). Before POSTing, the provider looks for a group with that identity that is not
being deleted: one found is adopted (it is the group an interrupted earlier `pulumi up` created: a
create that fails after the POST records nothing in the state), several are an error asking for
`adopt_id`. When the create's answer is lost, the same lookup finds the group instead of posting
again (`create_once`). Give each group a distinct description to tell groups of the same buckets apart.

Retry of a failed group: only the failed objects are sent again when OMS says they can be
(`failed_object_record.result`), otherwise the whole group is re-run (OMS skips the objects already at
the destination, according to `consistency_check`).

Delete never strands a running migration: a running group is stopped (wait for PAUSED), deleted, and
the provider waits until it is gone (404).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypedDict, TypeVar

import pulumi
import pydantic
from pulumi.dynamic import CheckFailure, CreateResult, DiffResult, ReadResult, UpdateResult

from sms_pulumi.api.errors import OMS_TASK_GROUP_BUSY, ApiError, NotFoundError
from sms_pulumi.api.models.common import describe_problems, nested_secret_fields
from sms_pulumi.api.models.oms import (
    CreateTaskGroupRequest,
    RetryTaskGroupRequest,
    StartTaskGroupRequest,
    TaskGroupStatus,
    UpdateBandwidthPolicyRequest,
)
from sms_pulumi.api.models.oms import TaskGroup as LiveTaskGroup
from sms_pulumi.resources._provider import (
    BaseProvider,
    changed_fields,
    create_once,
    is_unknown,
    run_state_failures,
    say,
    validation_failures,
    warn,
)
from sms_pulumi.resources.clients import oms_client
from sms_pulumi.resources.errors import InputError, ProviderError, StateError
from sms_pulumi.resources.inputs import (
    CREATE_ONLY,
    NOT_SENT,
    REPLACES,
    SERVER_DEFAULT,
    Normalise,
    SmsResource,
    plain,
)
from sms_pulumi.resources.types import TASK_GROUP, module_and_name
from sms_pulumi.resources.waiters import wait_until

RUN_STATES = ("running", "paused", "not_managed")

_ACTIVE = {TaskGroupStatus.WAITING, TaskGroupStatus.EXECUTING, TaskGroupStatus.MONITORING}
_FAILED = {TaskGroupStatus.CREATE_FAILED, TaskGroupStatus.MIGRATE_FAILED}
_PAUSED = {TaskGroupStatus.PAUSED, TaskGroupStatus.PAUSING}
_GOING = {TaskGroupStatus.WAITING_DELETE, TaskGroupStatus.DELETING}


def _settings() -> list[str]:
    """Settings of the create body that OMS fills when absent (and cannot change later)."""
    return [f.name for f in TaskGroupProvider.FIELDS if f.replace and f.server_default]

#: Per nested object of the create body: its secrets (the wire model's `repr=False` fields).
SECRET_FIELDS = nested_secret_fields(CreateTaskGroupRequest)
#: Key material: the secrets and how they are protected. OMS does not return it, and a change of it
#: changes nothing in OMS (it takes the keys again at the next resume or retry).
_KEY_FIELDS = {node: secrets | {"crypto_type", "kms_key_id"} for node, secrets in SECRET_FIELDS.items()}


# -- normalisation --------------------------------------------------------------------------------


def public_part(node: Any, name: str) -> Any:
    """A node without its key material, as compared to decide on a replacement (cloud in upper case)."""
    node = plain(node)
    if not isinstance(node, dict):
        return node
    out = {k: v for k, v in node.items() if k not in _KEY_FIELDS[name]}
    if isinstance(out.get("cloud_type"), str):
        out["cloud_type"] = out["cloud_type"].upper()
    return out


def _public_of(name: str) -> Callable[[Any], Any]:
    return lambda node: public_part(node, name)


#: A node is compared (to decide on a replacement) without its key material.
PUBLIC_PART_OF_SRC = Normalise(_public_of("src_node"))
PUBLIC_PART_OF_DST = Normalise(_public_of("dst_node"))
PUBLIC_PART_OF_CDN = Normalise(_public_of("source_cdn"))


def key_part(node: Any, name: str) -> Any:
    node = plain(node)
    if not isinstance(node, dict):
        return None
    return {k: v for k, v in node.items() if k in _KEY_FIELDS[name]}


def _policy(value: Any) -> Any:
    """Bandwidth windows as compared: absent means no limits, like []."""
    return plain(value) or []


def _status(live: LiveTaskGroup) -> TaskGroupStatus | None:
    return live.status_enum


def effective_run_state(wanted: str | None, status: TaskGroupStatus | None) -> str | None:
    """Where the group is, in the words of `run_state`, judged against where it should be."""
    if wanted in (None, "not_managed"):
        return wanted
    if status == TaskGroupStatus.COMPLETED:
        return wanted  # nothing left to copy: the natural end of either wish
    if status in _FAILED:
        return "paused" if wanted == "paused" else "failed"
    if status in _PAUSED:
        return "paused"
    return "running"


# -- the provider ---------------------------------------------------------------------------------


class TaskGroupProvider(BaseProvider):
    #: The `run_state` input as given (the `run_state` output is where the group is): read, which
    #: sees only the stored outputs, judges the live status against it.

    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        failures = run_state_failures(news, RUN_STATES)
        for f in validation_failures(CreateTaskGroupRequest, _create_body(news)):
            failures.append(_name_field(f))
        return failures

    def diff(self, _id: str, olds: Any, news: Any) -> DiffResult:
        changed = changed_fields([f for f in self.FIELDS if f.name not in _KEY_FIELDS], olds, news)
        replaces = [f.name for f in changed if f.replace]
        keys_changed = False
        for name in _KEY_FIELDS:
            old, new = olds.get(name), news.get(name)
            public = public_part(new, name)
            if is_unknown(public) or public_part(old, name) != public:
                replaces.append(name)
            elif is_unknown(new) or key_part(old, name) != key_part(new, name):
                # Key material changes in place, without a call: OMS keeps no keys, it takes them
                # again at the next resume or retry.
                keys_changed = True
        return DiffResult(
            changes=bool(changed) or bool(replaces) or keys_changed,
            replaces=replaces,
            delete_before_replace=bool(replaces),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = oms_client()
        group_id = props.get("adopt_id")
        if group_id:
            live = client.show_task_group(group_id)  # fails clearly when the ID does not exist
            if _status(live) in _GOING:
                raise StateError(f"task group {group_id} is being deleted", field="adopt_id")
        else:
            request = _validated(CreateTaskGroupRequest, _create_body(props))
            what = f"task group {_label(request)}"
            found = _find_same(request)
            if len(found) > 1:
                raise InputError(
                    f"{what}: {len(found)} task groups with this description and these buckets exist "
                    f"({', '.join(str(g.group_id) for g in found)}); adopt one with adopt_id, delete the "
                    "others, or give this group a distinct description"
                )
            if found:
                group_id = str(found[0].group_id)
                warn(
                    f"{what}: task group {group_id} with the same description and buckets exists already "
                    "(an interrupted earlier run may have created it): managing it instead of creating "
                    "another one"
                )
            else:
                group_id = create_once(
                    what,
                    lambda: _Created(client.create_task_group(request).group_id),
                    lambda: [_Created(g.group_id) for g in _find_same(request)],
                )
            live = client.show_task_group(group_id)
        try:
            fresh: LiveTaskGroup | None = live
            if _policy(props.get("bandwidth_policy")) != _policy(_live_policy(live)):
                _set_bandwidth(group_id, props)
                fresh = None
            live = _converge(group_id, props, fresh)
        except Exception as exc:
            again = "adopts it again" if props.get("adopt_id") else "finds it by its description and buckets"
            raise ProviderError(
                f"task group {group_id}: {exc} (the group exists; the next `pulumi up` {again})",
                code=getattr(exc, "error_code", None) or getattr(exc, "code", None),
            ) from exc
        return CreateResult(group_id, _outputs(props, live))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            live = oms_client().show_task_group(id_)
        except NotFoundError:
            return ReadResult(None, {})
        if _status(live) in _GOING:
            return ReadResult(None, {})
        return ReadResult(id_, _outputs(props, live, stored=True))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if _policy(olds.get("bandwidth_policy")) != _policy(news.get("bandwidth_policy")):
            _set_bandwidth(id_, news)
        live = _converge(id_, news)
        return UpdateResult(_outputs(news, live))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = oms_client()
        timeout = props.get("wait_timeout")
        try:
            live = client.show_task_group(id_)
            status = _status(live)
            if status in _ACTIVE:
                say(f"task group {id_}: stopping the migration before deleting it")
                live = _stop(id_)
                status = _status(live)
            if status in _ACTIVE | {TaskGroupStatus.PAUSING}:
                _wait(id_, lambda s: s not in _ACTIVE | {TaskGroupStatus.PAUSING}, "to stop", timeout)
            if status not in _GOING:
                _delete_when_accepted(id_, timeout)
            wait_until(
                f"task group {id_} to be deleted",
                lambda: _status_or_gone(id_),
                lambda s: s is None,
                timeout=timeout,
                describe=lambda s: "gone" if s is None else s.name,
            )
        except NotFoundError:
            return


class _Created:
    """What `create_once` expects: an object with an `id`."""

    def __init__(self, group_id: str | None) -> None:
        self.id = group_id


# -- helpers --------------------------------------------------------------------------------------


def _name_field(failure: CheckFailure) -> CheckFailure:
    """Failures of the whole body (cross-field rules) named after the field they are about."""
    if failure.property != "(body)":
        return failure
    for name in ("src_node.list_file", "src_node", "dst_node", "bandwidth_policy", "task_type"):
        if name in failure.reason:
            return CheckFailure(name, failure.reason)
    return failure


M = TypeVar("M", bound=pydantic.BaseModel)


def _validated(model: type[M], data: Mapping[str, Any]) -> M:
    """`model` from `data`; the error names the fields only (pydantic's text quotes the values: keys)."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputError(f"invalid {model.__name__}: {describe_problems(exc)}") from None


def _create_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """The POST body from the inputs (None means: let OMS decide)."""
    names = (f.name for f in TaskGroupProvider.FIELDS if f.sent)
    return {k: plain(props[k]) for k in names if props.get(k) is not None}


def _label(request: CreateTaskGroupRequest) -> str:
    list_file = request.src_node.list_file
    src = request.src_node.bucket or (list_file.obs_bucket if list_file else "")
    desc = f"{request.description!r} " if request.description else ""
    return f"{desc}({src} -> {request.dst_node.bucket})"


def _identity(description: str | None, task_type: str | None, src: Any, dst: Any) -> tuple[Any, ...]:
    """What tells a group apart (groups have no name): description, source and destination."""
    list_file = getattr(src, "list_file", None)
    return (
        description or "",
        str(task_type or "PREFIX").upper(),
        str(getattr(src, "cloud_type", None) or "ALIYUN").upper(),  # OMS's default source cloud
        getattr(src, "region", None) or "",
        getattr(src, "bucket", None) or "",
        tuple(k for k in (getattr(src, "object_key", None) or []) if k),
        (list_file.list_file_key, list_file.obs_bucket) if list_file else None,
        getattr(dst, "region", None) or "",
        getattr(dst, "bucket", None) or "",
        getattr(dst, "save_prefix", None) or "",
    )


def _find_same(request: CreateTaskGroupRequest) -> list[LiveTaskGroup]:
    """Groups (not being deleted) with the identity of the group `request` creates."""
    wanted = _identity(request.description, request.task_type, request.src_node, request.dst_node)
    return oms_client().find_task_groups(
        lambda g: _status(g) not in _GOING
        and _identity(g.description, g.task_type, g.src_node, g.dst_node) == wanted
    )


def _live_policy(live: LiveTaskGroup) -> list[dict[str, Any]]:
    return [p.model_dump(mode="json", exclude_none=True) for p in live.bandwidth_policy or []]


def _set_bandwidth(group_id: str, props: Mapping[str, Any]) -> None:
    windows = _policy(props.get("bandwidth_policy"))
    say(
        f"task group {group_id}: bandwidth policy -> "
        + (", ".join(f"{w['start']}-{w['end']} {w['max_bandwidth']} B/s" for w in windows) or "no limits")
    )
    oms_client().update_bandwidth_policy(group_id, UpdateBandwidthPolicyRequest(bandwidth_policy=windows))


def _keys(props: Mapping[str, Any]) -> dict[str, Any]:
    """The keys OMS needs again on start and retry (it keeps none), from the inputs."""
    src = plain(props.get("src_node")) or {}
    dst = plain(props.get("dst_node")) or {}
    cdn = plain(props.get("source_cdn")) or {}
    keys = {
        "src_ak": src.get("ak"), "src_sk": src.get("sk"), "src_crypto_type": src.get("crypto_type"),
        "src_kms_key_id": src.get("kms_key_id"), "connection_string": src.get("connection_string"),
        "json_auth_file": src.get("json_auth_file"),
        "dst_ak": dst.get("ak"), "dst_sk": dst.get("sk"), "dst_crypto_type": dst.get("crypto_type"),
        "dst_kms_key_id": dst.get("kms_key_id"),
        "source_cdn_authentication_key": cdn.get("authentication_key"),
        "source_cdn_crypto_type": cdn.get("crypto_type"), "source_cdn_kms_key_id": cdn.get("kms_key_id"),
    }
    return {k: v for k, v in keys.items() if v is not None}


def _describe(live: LiveTaskGroup) -> str:
    status = _status(live)
    text = status.name if status is not None else f"status {live.status}"
    if live.total_size:
        text += f", {100 * (live.complete_size or 0) // live.total_size}% of {live.total_size} bytes"
    if status in _FAILED and live.error_reason:
        text += f" ({_reason(live)})"
    return text


def _reason(live: LiveTaskGroup) -> str:
    reason = live.error_reason
    if reason is None or isinstance(reason, str):
        return reason or "no error details"
    return f"{reason.error_code or ''} {reason.error_msg or ''}".strip() or "no error details"


def _wait(group_id: str, done: Callable[[TaskGroupStatus | None], bool], what: str,
          timeout: float | None, *, fail_on_failure: bool = False) -> LiveTaskGroup:
    client = oms_client()
    return wait_until(
        f"task group {group_id} {what}",
        lambda: client.show_task_group(group_id),
        lambda g: done(_status(g)),
        timeout=timeout,
        describe=_describe,
        failed=lambda g: (
            f"the task group failed ({_describe(g)})" if fail_on_failure and _status(g) in _FAILED else None
        ),
    )


def _status_or_gone(group_id: str) -> TaskGroupStatus | None:
    try:
        return _status(oms_client().show_task_group(group_id))
    except NotFoundError:
        return None


def _stop(group_id: str) -> LiveTaskGroup:
    """Stop a running group; a refusal because it just finished or failed is no error."""
    client = oms_client()
    try:
        client.stop_task_group(group_id)
    except NotFoundError:
        raise
    except ApiError as exc:
        if exc.retryable:
            raise
        live = client.show_task_group(group_id)
        if _status(live) in _ACTIVE:
            raise
        return live
    return client.show_task_group(group_id)


def _delete_when_accepted(group_id: str, timeout: float | None) -> None:
    """DELETE; OMS refuses it while the group is still settling (OMS.0063): try again until it takes."""

    def attempt() -> bool:
        try:
            oms_client().delete_task_group(group_id)
        except NotFoundError:
            return True
        except ApiError as exc:
            if exc.error_code == OMS_TASK_GROUP_BUSY:
                return False
            raise
        return True

    wait_until(f"task group {group_id} to accept the delete", attempt, bool, timeout=timeout,
               describe=lambda _: "busy")


def _converge(group_id: str, props: Mapping[str, Any], live: LiveTaskGroup | None = None) -> LiveTaskGroup:
    """Carry out `run_state`: actions, then waits for the status they lead to. `live`: the group as
    just read, if nothing changed it since."""
    client = oms_client()
    wanted = props.get("run_state") or "not_managed"
    timeout = props.get("wait_timeout")
    if live is None:
        live = client.show_task_group(group_id)
    if wanted == "not_managed":
        return live
    status = _status(live)
    if wanted == "running":
        if status == TaskGroupStatus.PAUSING:
            live = _wait(group_id, lambda s: s != TaskGroupStatus.PAUSING, "to finish pausing", timeout)
            status = _status(live)
        if status == TaskGroupStatus.PAUSED:
            say(f"task group {group_id}: resuming ({_describe(live)})")
            client.start_task_group(group_id, _validated(StartTaskGroupRequest, _keys(props)))
            live = _wait(group_id, lambda s: s not in _PAUSED, "to resume", timeout, fail_on_failure=True)
        elif status in _FAILED:
            only_failed = bool(live.failed_object_record and live.failed_object_record.result)
            say(
                f"task group {group_id}: retrying ({_describe(live)}), "
                + ("the failed objects only" if only_failed else "the whole group")
            )
            client.retry_task_group(group_id, _validated(
                RetryTaskGroupRequest, {**_keys(props), "migrate_failed_object": only_failed}))
            live = _wait(group_id, lambda s: s not in _FAILED, "to restart", timeout)
    elif wanted == "paused":
        if status in _ACTIVE:
            say(f"task group {group_id}: pausing ({_describe(live)})")
            live = _stop(group_id)
            status = _status(live)
        if status in _ACTIVE | {TaskGroupStatus.PAUSING}:
            moving = _ACTIVE | {TaskGroupStatus.PAUSING}
            live = _wait(group_id, lambda s: s not in moving, "to pause", timeout)
    return live


def _project(live: Any, like: Any) -> Any:
    """`live` cut down to the keys the user gave (OMS returns fields the user did not set)."""
    if isinstance(like, dict) and isinstance(live, dict):
        return {k: _project(live.get(k), v) if live.get(k) is not None else v for k, v in like.items()}
    return like if live is None else live


def _outputs(props: Mapping[str, Any], live: LiveTaskGroup, *, stored: bool = False) -> dict[str, Any]:
    """Inputs as OMS reports them now (drift shows here); keys and unreported fields as stored.

    `stored`: `props` are the stored outputs (read), whose `run_state` is where the group was.
    """
    wanted = props.get("desired_run_state") if stored else props.get("run_state")
    outs: dict[str, Any] = {}
    for key in _settings():
        if props.get(key) is None:
            outs[key] = None  # not managed: OMS's default stays out of the comparison
            continue
        value = getattr(live, key, None)
        if key == "migrate_since" and value is not None:
            value = int(value) // 1000  # show answers milliseconds; the input is seconds
        outs[key] = plain(props[key]) if value is None else plain(value)
    for name in _KEY_FIELDS:
        given = plain(props.get(name))
        if not isinstance(given, dict):
            outs[name] = given
            continue
        node = getattr(live, name, None)
        reported = node.model_dump(mode="json", exclude_none=True) if node is not None else {}
        outs[name] = _project(reported, given)
    outs["smn_config"] = plain(props.get("smn_config"))  # OMS answers the notification outcome only
    outs["bandwidth_policy"] = _live_policy(live)
    outs["run_state"] = effective_run_state(wanted, _status(live))
    outs["desired_run_state"] = wanted
    outs["wait_timeout"] = props.get("wait_timeout")
    outs["adopt_id"] = props.get("adopt_id")
    return outs


# -- the resource ---------------------------------------------------------------------------------


class ListFileArgs(TypedDict, total=False):
    """Where the object-list or URL-list files are (task_type LIST or URL_LIST)."""

    list_file_key: str
    """Object name(s) of the list file(s)."""
    obs_bucket: str
    """OBS bucket holding the list files, in the destination's region."""
    list_file_num: str
    """Number of list files (a string on the wire)."""


class SrcNodeArgs(TypedDict, total=False):
    """Source of the migration (wire `TaskGroupSrcNode`). Keys are made Pulumi secrets."""

    cloud_type: str
    """AWS, AZURE, ALIYUN (OMS default), TENCENT, HUAWEICLOUD, QINGCLOUD, KINGSOFTCLOUD, BAIDU, QINIU,
    URLSOURCE, UCLOUD or GOOGLE."""
    region: str
    """Region of the source bucket."""
    bucket: str
    """Source bucket."""
    ak: pulumi.Input[str]
    """Access key of the source (secret)."""
    sk: pulumi.Input[str]
    """Secret key of the source (secret)."""
    connection_string: pulumi.Input[str]
    """Azure Blob connection string, instead of ak/sk (secret)."""
    json_auth_file: pulumi.Input[str]
    """Google Cloud Storage credentials file content, instead of ak/sk (secret)."""
    crypto_type: str
    """How the keys are protected: DEFAULT or KMS."""
    kms_key_id: str
    """KMS key ID when crypto_type is KMS."""
    app_id: str
    """Tencent Cloud APPID (Tencent sources only)."""
    object_key: list[str]
    """Prefixes to migrate (task_type PREFIX); [""] or unset: the whole bucket."""
    list_file: ListFileArgs
    """List files (task_type LIST or URL_LIST)."""


class DstNodeArgs(TypedDict, total=False):
    """Destination OBS bucket (wire `TaskGroupDstNode`). Keys are made Pulumi secrets."""

    region: str
    """Region of the destination bucket."""
    bucket: str
    """Destination bucket."""
    ak: pulumi.Input[str]
    """Access key of the destination (secret)."""
    sk: pulumi.Input[str]
    """Secret key of the destination (secret)."""
    save_prefix: str
    """Prefix put in front of every object key."""
    crypto_type: str
    """How the keys are protected: DEFAULT or KMS."""
    kms_key_id: str
    """KMS key ID when crypto_type is KMS."""
    cloud_type: str
    """Destination cloud (OMS default: HEC)."""


class BandwidthWindowArgs(TypedDict):
    """A traffic-limit window; at most 5 windows, not overlapping."""

    start: str
    """Start, HH:MM."""
    end: str
    """End, HH:MM (after start)."""
    max_bandwidth: int
    """Bytes per second, 1048576-209715200 (1-200 MB/s)."""


def _secret_keys(node: Any, name: str) -> Any:
    """The node with each key wrapped in `Output.secret` (the rest stays readable)."""
    if node is None:
        return None

    def wrap(value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {k: pulumi.Output.secret(v) if k in SECRET_FIELDS[name] and v is not None else v
                for k, v in value.items()}

    if isinstance(node, Mapping):
        return wrap(node)
    return pulumi.Output.from_input(node).apply(wrap)


class TaskGroup(SmsResource, provider=TaskGroupProvider, **module_and_name(TASK_GROUP)):
    """An OMS task group moving a bucket (or prefixes, or listed objects) into OBS, run declaratively."""

    #: The `run_state` input as given (the `run_state` output is where the group is): read, which
    #: sees only the stored outputs, judges the live status against it.
    desired_run_state: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        src_node: Annotated[pulumi.Input[SrcNodeArgs | dict[str, Any]], REPLACES, PUBLIC_PART_OF_SRC],
        dst_node: Annotated[pulumi.Input[DstNodeArgs | dict[str, Any]], REPLACES, PUBLIC_PART_OF_DST],
        task_type: Annotated[pulumi.Input[str] | None, REPLACES, SERVER_DEFAULT] = None,
        description: Annotated[pulumi.Input[str] | None, REPLACES, SERVER_DEFAULT] = None,
        bandwidth_policy: Annotated[pulumi.Input[list[BandwidthWindowArgs] | list[dict[str, Any]]] | None,
                                    Normalise(_policy)] = None,
        run_state: Annotated[pulumi.Input[str] | None, NOT_SENT] = None,
        enable_metadata_migration: Annotated[pulumi.Input[bool] | None, REPLACES, SERVER_DEFAULT] = None,
        enable_restore: Annotated[pulumi.Input[bool] | None, REPLACES, SERVER_DEFAULT] = None,
        enable_failed_object_recording: Annotated[pulumi.Input[bool] | None, REPLACES, SERVER_DEFAULT] = None,
        enable_requester_pays: Annotated[pulumi.Input[bool] | None, REPLACES, SERVER_DEFAULT] = None,
        object_overwrite_mode: Annotated[pulumi.Input[str] | None, REPLACES, SERVER_DEFAULT] = None,
        dst_storage_policy: Annotated[pulumi.Input[str] | None, REPLACES, SERVER_DEFAULT] = None,
        consistency_check: Annotated[pulumi.Input[str] | None, REPLACES, SERVER_DEFAULT] = None,
        migrate_since: Annotated[pulumi.Input[int] | None, REPLACES, SERVER_DEFAULT] = None,
        enable_kms: Annotated[pulumi.Input[bool] | None, REPLACES, SERVER_DEFAULT] = None,
        smn_config: Annotated[pulumi.Input[dict[str, Any]] | None, REPLACES] = None,
        source_cdn: Annotated[pulumi.Input[dict[str, Any]] | None, REPLACES, PUBLIC_PART_OF_CDN] = None,
        wait_timeout: Annotated[pulumi.Input[float] | None, NOT_SENT] = None,
        adopt_id: Annotated[pulumi.Input[str] | None, CREATE_ONLY, NOT_SENT] = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param src_node: Source: ``cloud_type``, ``region``, ``bucket``, keys (``ak``/``sk``, or
            ``connection_string`` / ``json_auth_file``), ``object_key`` prefixes or ``list_file``
            (see SrcNodeArgs). Keys are Pulumi secrets; changing them changes nothing in OMS, anything
            else replaces the group.
        :param dst_node: Destination OBS bucket: ``region``, ``bucket``, ``ak``, ``sk``,
            ``save_prefix`` (see DstNodeArgs).
        :param task_type: ``PREFIX`` (OMS default), ``LIST`` or ``URL_LIST``.
        :param description: Up to 255 characters without ``^ < > & " '``. With the buckets, it
            identifies the group (groups have no name): give groups of the same buckets distinct ones.
        :param bandwidth_policy: Up to 5 non-overlapping windows ``{"start": "HH:MM", "end": "HH:MM",
            "max_bandwidth": bytes/s}``; changed in place; unset or ``[]``: no limits.
        :param run_state: ``running``, ``paused``, or ``not_managed`` (the default: nothing is done).
        :param enable_metadata_migration: Migrate object metadata (OMS default: False).
        :param enable_restore: Restore archived source objects before migrating them.
        :param enable_failed_object_recording: Record the objects that failed (OMS default: True).
        :param enable_requester_pays: Requester Pays.
        :param object_overwrite_mode: ``NO_OVERWRITE``, ``SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE``
            (default), ``CRC64_COMPARISON_OVERWRITE`` or ``FULL_OVERWRITE``.
        :param dst_storage_policy: ``STANDARD`` (default), ``IA``, ``ARCHIVE``, ``DEEP_ARCHIVE`` or
            ``SRC_STORAGE_MAPPING``.
        :param consistency_check: ``size_last_modified`` (default), ``crc64`` or ``no_check``.
        :param migrate_since: Only migrate objects modified after this time, epoch seconds.
        :param enable_kms: Encrypt the objects at the destination with KMS (OMS default: False).
        :param smn_config: SMN notification ``{"topic_urn", "trigger_conditions", "language"?,
            "message_template_name"?}``.
        :param source_cdn: Fetch source objects through a CDN ``{"domain", "protocol",
            "authentication_type", "authentication_key"? (secret)}``.
        :param wait_timeout: Bound of each wait (pause, resume, retry, delete), seconds
            (default: HW_WAIT_TIMEOUT or 1800).
        :param adopt_id: ID of an existing task group to bring under management instead of creating one.
        """
        # A node given as a whole Output is listed too (belt and braces: its keys are wrapped once known).
        opaque = [n for n, v in (("src_node", src_node), ("dst_node", dst_node), ("source_cdn", source_cdn))
                  if v is not None and not isinstance(v, Mapping)]
        if opaque:
            whole = pulumi.ResourceOptions(additional_secret_outputs=opaque)
            opts = pulumi.ResourceOptions.merge(opts, whole)
        src_node = _secret_keys(src_node, "src_node")
        dst_node = _secret_keys(dst_node, "dst_node")
        source_cdn = _secret_keys(source_cdn, "source_cdn")
        self._declare(resource_name, locals(), opts)
