"""A resource's inputs, declared once: the keyword parameters of its class's ``__init__``.

    class Task(SmsResource, provider=TaskProvider, **module_and_name(TASK)):
        def __init__(
            self, resource_name: str, *,
            source_server_id: Annotated[pulumi.Input[str], REPLACES],
            name: pulumi.Input[str],
            syncing: Annotated[pulumi.Input[bool] | None, REPLACES] = None,
            adopt_id: Annotated[pulumi.Input[str] | None, CREATE_ONLY, NOT_SENT] = None,
            opts: pulumi.ResourceOptions | None = None,
        ) -> None:
            \"\"\"
            :param source_server_id: ID of the registered source server.
            ...
            \"\"\"
            self._declare(resource_name, locals(), opts)

What the provider must know of an input rides on its annotation (the markers below; no marker: it
changes in place and is compared as the engine hands it back; ``OwnRequest(model)``: it is sent with
a request of its own, not in the create body); the docstring's ``:param`` line
documents it; the resource's wire model checks its value. From that one declaration come the
provider's field specs (``Field``: what diff compares, which names check accepts, what replaces), the
property map handed to the engine, and which properties are secret. Output-only properties are the
class's ``pulumi.Output`` annotations. A test checks that each parameter has its ``:param`` line and
that what is sent to the API is a field of the wire model (of its own request's model, if it has one).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import pulumi
from pulumi.dynamic import Resource

if TYPE_CHECKING:
    from sms_pulumi.resources._provider import BaseProvider


def plain(value: Any) -> Any:
    """Normalise a value as the engine hands it back: whole floats become ints, None entries go."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Marker:
    """What the provider must know of an input, beyond its type."""

    name: str


#: The API cannot change it in place: a change replaces the resource.
REPLACES = Marker("replaces")
#: When the input is absent, the API fills the value: an absent input never differs.
SERVER_DEFAULT = Marker("server default")
#: When absent, the provider fills it from its settings (region, project): never differs either.
FROM_SETTINGS = Marker("from settings")
#: Only read by create (e.g. the ID of an object to adopt): changing it later changes nothing.
CREATE_ONLY = Marker("create only")
#: Never sent to the API: how the provider works (waits, adoption), not what SMS holds.
NOT_SENT = Marker("not sent")
#: A secret: wrapped in `Output.secret`, and secret in the outputs and the state.
SECRET = Marker("secret")


@dataclass(frozen=True)
class Normalise:
    """Compare the input after this normalisation (the API echoes a default, reorders a list)."""

    apply: Callable[[Any], Any]


@dataclass(frozen=True)
class OwnRequest:
    """Sent with a request of its own (`model` is its body), not in the resource's create or update
    body: e.g. a task's special settings (``POST /v3/tasks/{id}/configuration-setting``)."""

    model: type


@dataclass(frozen=True)
class Field:
    """One input of a resource, as the diff and the read-back see it."""

    name: str
    replace: bool = False
    normalise: Callable[[Any], Any] = plain
    server_default: bool = False
    from_settings: bool = False
    create_only: bool = False
    sent: bool = True
    #: The wire model of the request of its own it is sent with (None: the create/update body's).
    own_request: type | None = None
    secret: bool = False


#: Parameters of ``__init__`` that are not inputs.
_NOT_INPUTS = {"self", "resource_name", "opts"}


def _hints(owner: Any, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The annotations of `owner`, evaluated in its module (one level deep: `typing.get_type_hints`
    would also resolve the forward references inside `pulumi.Input`, which it cannot)."""
    return {name: eval(hint, dict(namespace)) if isinstance(hint, str) else hint
            for name, hint in inspect.get_annotations(owner).items()}


def fields_of(init: Callable[..., None]) -> tuple[Field, ...]:
    """The inputs a resource class's ``__init__`` declares, in its order, with their markers."""
    hints = _hints(init, init.__globals__)
    fields = []
    for name in inspect.signature(init).parameters:
        if name in _NOT_INPUTS:
            continue
        metadata = getattr(hints.get(name), "__metadata__", ())
        normalise = next((m.apply for m in metadata if isinstance(m, Normalise)), plain)
        own_request = next((m.model for m in metadata if isinstance(m, OwnRequest)), None)
        fields.append(Field(
            name, replace=REPLACES in metadata, normalise=normalise,
            server_default=SERVER_DEFAULT in metadata or FROM_SETTINGS in metadata,
            from_settings=FROM_SETTINGS in metadata, create_only=CREATE_ONLY in metadata,
            sent=NOT_SENT not in metadata, own_request=own_request, secret=SECRET in metadata,
        ))
    return tuple(fields)


def outputs_of(cls: type) -> tuple[str, ...]:
    """The output-only properties a resource class declares (its own `pulumi.Output` annotations)."""
    hints = _hints(cls, vars(inspect.getmodule(cls)))
    return tuple(name for name, hint in hints.items() if typing.get_origin(hint) is pulumi.Output)


class SmsResource(Resource):
    """A dynamic resource of ours: inputs from ``__init__``'s signature, its provider named once.

    ``class Task(SmsResource, provider=TaskProvider, module="sms", name="Task")`` gives the provider
    its ``FIELDS`` and ``OUTPUTS`` from the class.
    """

    _provider_class: ClassVar[type[BaseProvider]]

    def __init_subclass__(cls, provider: type[BaseProvider] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if provider is not None:
            cls._provider_class = provider
            provider.FIELDS = fields_of(cls.__init__)
            provider.OUTPUTS = outputs_of(cls)

    if TYPE_CHECKING:
        # Every input is also an output attribute of the resource (the engine makes them).
        def __getattr__(self, name: str) -> pulumi.Output[Any]: ...

    def _declare(self, resource_name: str, values: Mapping[str, Any],
                 opts: pulumi.ResourceOptions | None) -> None:
        """Register the resource with the inputs among `values` (the caller's ``locals()``)."""
        provider = self._provider_class
        props: dict[str, Any] = {}
        for f in provider.FIELDS:
            value = values[f.name]
            props[f.name] = pulumi.Output.secret(value) if f.secret and value is not None else value
        secrets = [f.name for f in provider.FIELDS if f.secret]
        props.update(dict.fromkeys(provider.OUTPUTS))
        if secrets:
            # Returned outputs stay secret too (pulumi#3012: a provider cannot return Output.secret).
            secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=secrets)
            opts = pulumi.ResourceOptions.merge(opts, secret_outputs)
        super().__init__(provider(), resource_name, props, opts)
