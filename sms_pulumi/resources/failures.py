"""Failures that resources record as outputs, turned into the error of `pulumi up`.

A wave whose tasks fail keeps their errors in its `failures` output and succeeds as a resource: its
state then remembers what it tried (a task restarted after an error is not restarted again for the
same error), and the tasks that did get where they should keep their new state. The program reports
them: once every resource registered here is done, it fails the run with one line per failure, a
message like any other Pulumi error, without a Python traceback. Waiting for all of them first means
one wave's failure never interrupts another wave's work in the middle.

During a preview only what the last run recorded is known: it is said as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

_registered: list[tuple[str, pulumi.Output[Any]]] = []


def report_failures(what: str, failures: pulumi.Output[Any]) -> None:
    """Report `failures` (`{name: error}`) of `what` (e.g. "wave wave-1") when the run ends."""
    _registered.append((what, failures))
    if len(_registered) == 1:
        # Every resource is declared before the first output resolves: by then all are registered.
        failures.apply(_report_all)  # type: ignore[arg-type]  # an Output returned is awaited too


def _report_all(_: Any) -> pulumi.Output[None]:
    return pulumi.Output.all(*(f for _, f in _registered)).apply(_report)


def _report(values: Sequence[Mapping[str, str] | None]) -> None:
    lines = [f"{what}: {name}: {error}"
             for (what, _), found in zip(_registered, values, strict=True)
             for name, error in sorted((found or {}).items())]
    if not lines:
        return
    if pulumi.runtime.is_dry_run():
        pulumi.log.warn("at the last run:\n  " + "\n  ".join(lines) + "\n")
        return
    raise pulumi.RunError(f"{len(lines)} failure(s):\n  " + "\n  ".join(lines))
