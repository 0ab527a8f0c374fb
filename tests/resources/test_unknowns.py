"""Values not known yet, as the engine sends them, for every input of every resource (issue 11).

At the first preview of a plan, and whenever a resource depends on one being created or replaced,
check and diff receive values that are not known: a `pulumi.output.Unknown` from the Python host (a
computed ID, a whole input made of outputs), or the engine's sentinel string on older paths, anywhere
inside an object or a list. For each resource and each of its inputs, in each form: check must not
fail on it (the value is checked once known) and must not raise; diff must say that the resource may
change, and that it is replaced when that input forces a replacement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from pulumi.runtime import rpc

from sms_pulumi.emulator.server import EmulatorServer
from sms_pulumi.resources._provider import BaseProvider
from tests.reliability.test_bad_input import CASES, Case
from tests.resources.helpers import COMPUTED, PROVIDER_KEY, engine, stored


def unknown_forms(value: Any) -> list[tuple[str, Any]]:
    """The input as a whole unknown, and (for objects and lists) with an unknown inside."""
    forms: list[tuple[str, Any]] = [("whole", COMPUTED)]
    if isinstance(value, Mapping) and value:
        key = next(iter(value))
        forms.append((f"inside .{key}", {**value, key: COMPUTED}))
    if isinstance(value, list) and value:
        forms.append(("inside [0]", [COMPUTED, *value[1:]]))
        if isinstance(value[0], Mapping) and value[0]:
            key = next(iter(value[0]))
            forms.append((f"inside [0].{key}", [{**value[0], key: COMPUTED}, *value[1:]]))
    return forms


SENDERS: dict[str, Callable[[Any], Any]] = {
    # What the Python host hands over: deserialised with keep_unknowns, i.e. Unknown objects.
    "Unknown": engine,
    # The engine's sentinel string itself, as older paths and hand-made calls carry it.
    "sentinel": lambda v: v,
}

PARAMS = [
    pytest.param(case, field, form, sender, id=f"{case.name}-{field}-{form}-{sender}")
    for case in CASES
    for field in sorted(case.valid)
    for form, _ in unknown_forms(case.valid[field])
    for sender in SENDERS
]


def with_unknown(case: Case, field: str, form: str, sender: str) -> dict[str, Any]:
    value = dict(unknown_forms(case.valid[field]))[form]
    news = {**case.valid, field: value}
    if sender == "sentinel":
        return {**_sentinel(news), PROVIDER_KEY: "p"}
    return {**engine(news), PROVIDER_KEY: "p"}


def _sentinel(value: Any) -> Any:
    if value is COMPUTED:
        return rpc.UNKNOWN
    if isinstance(value, Mapping):
        return {k: _sentinel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sentinel(v) for v in value]
    return value


@pytest.mark.parametrize(("case", "field", "form", "sender"), PARAMS)
def test_check_accepts_a_value_not_known_yet(
    case: Case, field: str, form: str, sender: str, provider_env: EmulatorServer
) -> None:
    provider: BaseProvider = case.provider()
    result = provider.check({}, with_unknown(case, field, form, sender))
    about = [f for f in result.failures if f.property == field or f.property.startswith((f"{field}.",
                                                                                         f"{field}["))]
    assert about == [], [(f.property, f.reason) for f in about]
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]


@pytest.mark.parametrize(("case", "field", "form", "sender"), PARAMS)
def test_diff_says_what_may_change(
    case: Case, field: str, form: str, sender: str, provider_env: EmulatorServer
) -> None:
    provider: BaseProvider = case.provider()
    fields = {f.name: f for f in provider.FIELDS}
    result = provider.diff("id-1", stored(case.valid), with_unknown(case, field, form, sender))
    spec = fields.get(field)
    if spec is None or spec.create_only:
        return  # not compared (e.g. adopt_id, labels): nothing may change because of it
    assert result.changes is True, f"{case.name}: an unknown {field} must be a possible change"
    if spec.replace:
        assert field in (result.replaces or []), f"{case.name}: an unknown {field} may replace it"
