"""Errors the providers raise themselves (the API's own are sms_pulumi.api.errors.ApiError).

    ProviderError          carries the input it is about (`field`) and the SMS/OMS code (`code`)
     ├── InputError        the inputs cannot be carried out as given: an adopt_id that names nothing,
     │                     a name another object holds, a source server that has another task
     ├── StateError        the object's state forbids it: the default project, a group being deleted
     │    └── GoneError    the object was deleted outside Pulumi
     └── WaitError         a wait did not end well
          ├── WaitTimeout  it ran past its bound
          └── WaitFailed   the object reached a state from which it would not end by itself

`str(error)` reads `field: message (CODE)`, which is what the user sees. The input and state errors
are also `ValueError`s and the wait errors `RuntimeError`s, as they were before they had types.
"""

from __future__ import annotations


class ProviderError(Exception):
    """Something a provider could not do, naming the input (`field`) and the SMS/OMS `code` if any."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        self.message, self.field, self.code = message, field, code
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        return f"{text} ({self.code})" if self.code and self.code not in self.message else text


class InputError(ProviderError, ValueError):
    """The inputs cannot be carried out as given."""


class StateError(ProviderError, ValueError):
    """The object's state forbids what the inputs ask."""


class GoneError(StateError):
    """The object was deleted outside Pulumi."""


class WaitError(ProviderError, RuntimeError):
    """A wait did not end well."""


class WaitTimeout(WaitError):
    """A wait ran past its bound."""


class WaitFailed(WaitError):
    """The object reached a state from which what we wait for will not come by itself."""
