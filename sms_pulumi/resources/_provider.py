"""What every resource provider of ours shares: field specs, check, diff, waits, API clients.

A resource module declares its inputs once, as a tuple of `Field`s (which of them force a
replacement, which are secret, how values are normalised before comparing), and a pydantic wire model
to validate them against. `check` and `diff` are generic over that declaration; create, read, update
and delete are each resource's own.

The provider object is pickled into every resource's state, so provider classes keep nothing on the
instance: settings, credentials and clients live in this module, inside the provider process. They
come from the stack's `huaweicloud:*` configuration, which the engine hands to `configure()` before
any other call, over the `HW_*` environment.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import pulumi
import pulumi.runtime
import pydantic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ReadResult,
    ResourceProvider,
)
from pulumi.output import Unknown
from pulumi.runtime import rpc

from sms_pulumi.api.models.common import field_path, problems_of
from sms_pulumi.resources.clients import namespaced, use_stack_config
from sms_pulumi.resources.errors import InputError, ProviderError
from sms_pulumi.resources.inputs import Field, plain

if TYPE_CHECKING:
    pass

T = TypeVar("T")


def is_unknown(value: Any) -> bool:
    """Whether `value` is, or holds, a value the engine does not know yet (preview).

    The Python host hands check and diff a `pulumi.output.Unknown` object for each such value (a
    property computed by another resource, e.g. the ID of a template created in the same run); older
    paths and hand-made calls carry the engine's sentinel string instead. Either may sit anywhere
    inside an object or a list, or stand for the whole input.
    """
    if isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN):
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


# -- the engine going away ------------------------------------------------------------------------

#: How often a provider process checks that the engine that started it is still there (seconds).
ENGINE_CHECK_EVERY = 1.0
_watching = False
_watch_lock = threading.Lock()


def watch_engine() -> None:
    """End this provider process soon after the `pulumi` process that started it is gone.

    A SIGKILLed `pulumi up` leaves its provider processes running: a wave's wait would go on acting
    on SMS for hours with nobody to record the result. The engine is the parent; once the parent
    changes (the process was re-parented), nobody waits for this process any more.
    """
    global _watching
    with _watch_lock:
        if _watching:
            return
        _watching = True
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ENGINE_CHECK_EVERY)
        os._exit(3)  # no clean-up to do: what SMS holds is found again by the next `pulumi up`

    threading.Thread(target=watch, name="engine-watch", daemon=True).start()


# -- telling the user -----------------------------------------------------------------------------


def say(message: str) -> None:
    """Tell the user how things go. The engine shows a provider's messages under the stack, and runs
    messages of one severity together unless each ends its line."""
    pulumi.log.info(message + "\n")


def warn(message: str) -> None:
    pulumi.log.warn(message + "\n")


# -- check ----------------------------------------------------------------------------------------


def validation_failures(model: type[pydantic.BaseModel], values: Mapping[str, Any],
                        prefix: str = "") -> list[CheckFailure]:
    """Validate `values` with a wire model; one CheckFailure per invalid field, naming it.

    Values not known yet (preview) are left out, and errors about them are not reported: they are
    checked again when known.
    """
    known = {k: v for k, v in values.items() if not is_unknown(v)}
    unknown = set(values) - set(known)
    try:
        model.model_validate(plain(known))
    except pydantic.ValidationError as exc:
        return [CheckFailure(prefix + (field_path(loc) or "(body)"), message)
                for loc, message in problems_of(exc) if not (loc and loc[0] in unknown)]
    return []


# -- diff -----------------------------------------------------------------------------------------


def changed_fields(fields: Iterable[Field], olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[Field]:
    changed = []
    for f in fields:
        if f.create_only:
            continue
        old, new = olds.get(f.name), news.get(f.name)
        if is_unknown(new):
            changed.append(f)
        elif new is None and (f.server_default or old is None):
            continue
        elif f.normalise(old) != f.normalise(new):
            changed.append(f)
    return changed


def run_state_failures(news: Mapping[str, Any], allowed: Sequence[str]) -> list[CheckFailure]:
    """Check of the `run_state` and `wait_timeout` inputs that Task and TaskGroup share."""
    failures = []
    run_state = news.get("run_state")
    if run_state is not None and not is_unknown(run_state) and run_state not in allowed:
        failures.append(CheckFailure("run_state", f"must be one of {', '.join(allowed)}"))
    timeout = news.get("wait_timeout")
    if timeout is not None and not is_unknown(timeout) and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
    ):
        failures.append(CheckFailure("wait_timeout", "must be a positive number of seconds"))
    return failures


#: Whether this SDK's ReadResult takes inputs (3.2xx; not 3.139): the preview can then name drift.
READ_TAKES_INPUTS = "inputs" in inspect.signature(ReadResult.__init__).parameters


def read_result(id_: str, outs: Mapping[str, Any], fields: Iterable[Field]) -> ReadResult:
    """A read's answer; with the inputs as the cloud has them now, so that the next preview shows each
    difference (e.g. a console rename) as a change to make."""
    if not READ_TAKES_INPUTS:
        return ReadResult(id_, dict(outs))
    inputs = {f.name: outs[f.name] for f in fields if outs.get(f.name) is not None}
    return ReadResult(id_, dict(outs), inputs=inputs)


class BaseProvider(ResourceProvider):
    """check and diff driven by `FIELDS` and `MODEL`; subclasses implement create/read/update/delete."""

    #: Every input of the resource.
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    #: Output-only properties (declared on the resource so that they can be read as attributes).
    OUTPUTS: ClassVar[tuple[str, ...]] = ()

    def configure(self, req: ConfigureRequest) -> None:
        """The engine hands every provider the stack's configuration (secrets decrypted) before any call.

        Only a provider process is configured: this is also where it starts watching for its engine.
        """
        use_stack_config(namespaced(req.config.get))
        watch_engine()

    def validate(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        """Resource-specific validation; returns failures that name the field."""
        return []

    def inputs(self, props: Mapping[str, Any]) -> dict[str, Any]:
        names = {f.name for f in self.FIELDS}
        return {k: v for k, v in props.items() if k in names}

    def check(self, _olds: Any, news: Any) -> CheckResult:
        unknown_names = sorted(set(news) - {f.name for f in self.FIELDS} - {*self.OUTPUTS, "__provider"})
        failures = [CheckFailure(n, f"unknown property '{n}'") for n in unknown_names]
        adopt_id = news.get("adopt_id")
        if adopt_id is not None and not is_unknown(adopt_id) and (
            not isinstance(adopt_id, str) or not adopt_id.strip() or len(adopt_id) > 255
        ):
            failures.append(CheckFailure("adopt_id", "must be the ID (a string of 1-255 characters) of "
                                                     "the object to adopt"))
        failures += self.validate(news)
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: Any, news: Any) -> DiffResult:
        changed = changed_fields(self.FIELDS, olds, news)
        replaces = [f.name for f in changed if f.replace]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces))


# -- creating without duplicates ------------------------------------------------------------------


#: A create's POST is sent at most this many times, each after looking for what the previous one made.
CREATE_ATTEMPTS = 3


def create_once(what: str, post: Callable[[], Any], find: Callable[[], list[Any]]) -> str:
    """POST a create; when its answer is lost, find the object instead of posting again.

    Creates are not idempotent: SMS would make a second object (or refuse a duplicate name) if the
    request reached it but the response did not reach us. `find` lists the objects that this very
    request would have made (same unique name); exactly one means it was created. Only when none is
    found is the POST sent again (the HTTP layer retries a create only when it provably did nothing).
    """
    from sms_pulumi.api.errors import ApiError

    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            created = post()
        except ApiError as exc:
            if not exc.retryable or attempt == CREATE_ATTEMPTS:
                raise
            found = [obj for obj in find() if getattr(obj, "id", None)]
            if len(found) == 1:
                return str(found[0].id)
            if found:
                raise ProviderError(
                    f"{what}: the create's answer was lost and {len(found)} objects match"
                ) from exc
            time.sleep(min(2.0**attempt, 10.0))
            continue
        if not getattr(created, "id", None):
            raise ProviderError(f"{what}: SMS answered the create without an id")
        return str(created.id)
    raise AssertionError("unreachable")


def left_behind(what: str, wanted: Mapping[str, Any], found: list[Mapping[str, Any]]) -> str | None:
    """The ID of an object an interrupted earlier create left behind, or None when there is none.

    Pulumi records nothing when a create fails or the process is killed after its POST, so the next
    `pulumi up` creates again and SMS answers "duplicate name". `found` are the existing objects with
    the plan's unique name (as JSON); one that holds exactly what this create would send (`wanted`) is
    that earlier attempt's object and is taken over. One with other settings belongs to someone else:
    that is a clear error naming its ID, never a silent take-over (destroy would delete it).
    """
    if not found:
        return None
    ids = [str(obj.get("id")) for obj in found]
    same = len(found) == 1 and all(
        as_written(plain(found[0].get(k)), plain(v)) == plain(v) for k, v in wanted.items()
    )
    if same:
        say(f"{what}: found {ids[0]} with the plan's name and settings, left by an interrupted run; "
                 "using it")
        return ids[0]
    raise InputError(
        f"{what} already exists ({', '.join(ids)}) with other settings: give yours another name, "
        "or bring the existing one under management with adopt_id", field="name"
    )


@contextlib.contextmanager
def undo_on_failure(what: str, undo: Callable[[], None]) -> Iterator[None]:
    """Run the steps that follow a create; when one fails, undo the create, then re-raise.

    Pulumi records nothing when create raises, so an object left behind would be unknown to the
    stack, and the next `pulumi up` would collide with it (same unique name).
    """
    try:
        yield
    except BaseException:
        try:
            undo()
        except Exception as undo_error:  # the original error matters more; say what is left over
            warn(f"{what} was created but could not be removed after the error: {undo_error}")
        raise


def as_written(live: Any, like: Any) -> Any:
    """`live` cut down to the shape of `like`: in objects, only the keys the user wrote.

    SMS adds IDs and computed fields to nested objects; comparing only what the user wrote keeps
    those out of the diff, while a changed value the user did write still shows as drift. List items
    are matched by position; items SMS has beyond the user's list are kept whole (they are drift).
    """
    if isinstance(like, Mapping) and isinstance(live, Mapping):
        return {k: as_written(live.get(k), v) for k, v in like.items()}
    if isinstance(like, list) and isinstance(live, list):
        return [as_written(item, like[i]) if i < len(like) else item for i, item in enumerate(live)]
    return live


def merge(base: Any, over: Any) -> Any:
    """`over` laid onto `base`: objects merge key by key, lists item by item (`over`'s length wins)."""
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        return {**base, **{k: merge(base.get(k), v) for k, v in over.items()}}
    if isinstance(base, list) and isinstance(over, list):
        return [merge(base[i], v) if i < len(base) else v for i, v in enumerate(over)]
    return over


def empty_to_none(value: Any) -> Any:
    """SMS reports an unset object as `{}` and an unset list as `[]`; both mean: not set."""
    value = plain(value)
    return None if value in ({}, [], "") else value
