"""Retry policy for API calls (tenacity): what is retried, how long to wait, when to give up.

Retried, for idempotent requests (GET, PUT, DELETE and POSTs the caller declares idempotent):
  * HTTP 429 and 503, honouring ``Retry-After`` (seconds or an HTTP date), capped;
  * HTTP 408 and every other 5xx;
  * ``httpx.TransportError`` (connection refused/reset/dropped, timeouts, protocol errors).

For non-idempotent requests (``idempotent=False``, the default for POST creates) only what proves the
server did not process the request is retried: 429 and 503 (rejected before processing) and errors
raised before the request was sent (``httpx.ConnectError``, ``ConnectTimeout``, ``PoolTimeout``). A
500, a read timeout or a dropped connection after sending is *not* retried: the object may exist, and
the caller (resources layer) must look it up by name before sending the POST again.

Business 4xx errors are never retried.

Backoff: "full jitter" exponential (``random(0, min(max_backoff, initial * 2**n))``), or the server's
``Retry-After`` when present (capped at ``max_retry_after``). A call stops after ``max_attempts``
attempts, or before a sleep that would take it past ``max_elapsed`` seconds since the first attempt.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import tenacity

__all__ = [
    "RETRYABLE_STATUSES",
    "SAFE_STATUSES",
    "RetryPolicy",
    "is_retryable_exception",
    "is_retryable_status",
    "parse_retry_after",
    "run_with_retries",
]

logger = logging.getLogger("sms_pulumi.api.retry")

# Statuses retried for idempotent requests; for non-idempotent ones only SAFE_STATUSES.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
SAFE_STATUSES = frozenset({429, 503})
# Transport errors raised before any byte of the request reached the server.
_NOT_SENT_ERRORS: tuple[type[BaseException], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


#: What a request on a connection the server had already closed fails with, before any answer.
_STALE_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (httpx.RemoteProtocolError, httpx.ReadError)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the retry loop of one API call (seconds)."""

    max_attempts: int = 5
    max_elapsed: float = 120.0
    initial_backoff: float = 0.5
    max_backoff: float = 20.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be >= 1")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); None if absent/invalid."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def is_retryable_status(status: int, idempotent: bool) -> bool:
    return status in (RETRYABLE_STATUSES if idempotent else SAFE_STATUSES) or (idempotent and status >= 500)


def is_retryable_exception(exc: BaseException, idempotent: bool) -> bool:
    if not isinstance(exc, httpx.TransportError):
        return False
    return idempotent or isinstance(exc, _NOT_SENT_ERRORS)


class _Wait(tenacity.wait.wait_base):
    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.backoff = tenacity.wait_random_exponential(
            multiplier=policy.initial_backoff, max=policy.max_backoff
        )

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        if outcome is not None and not outcome.failed:
            response = outcome.result()
            if isinstance(response, httpx.Response):
                delay = parse_retry_after(response.headers.get("Retry-After"))
                if delay is not None:
                    return min(delay, self.policy.max_retry_after)
        return float(self.backoff(retry_state))


def run_with_retries(
    send: Callable[[], httpx.Response],
    *,
    policy: RetryPolicy,
    idempotent: bool,
    describe: str = "request",
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """Call ``send`` until it returns a non-retryable response or the policy gives up.

    Returns the last response (which may be an error response: mapping it to an exception is the
    caller's job) or re-raises the last ``httpx.TransportError``.
    """

    def should_retry(retry_state: tenacity.RetryCallState) -> bool:
        outcome = retry_state.outcome
        if outcome is None:
            return False
        if outcome.failed:
            exc = outcome.exception()
            return exc is not None and is_retryable_exception(exc, idempotent)
        response = outcome.result()
        return isinstance(response, httpx.Response) and is_retryable_status(response.status_code, idempotent)

    def before_sleep(retry_state: tenacity.RetryCallState) -> None:
        outcome = retry_state.outcome
        if outcome is None:
            return
        if outcome.failed:
            exc = outcome.exception()
            reason = type(exc).__name__
            if retry_state.attempt_number == 1 and isinstance(exc, _STALE_CONNECTION_ERRORS):
                # Most likely a pooled connection the server closed while it was idle: not a fault.
                logger.debug("sending %s again after %s on its first attempt", describe, reason)
                return
        else:
            reason = f"HTTP {outcome.result().status_code}"
        logger.warning(
            "retrying %s after %s (attempt %d of %d, sleeping %.2fs)",
            describe,
            reason,
            retry_state.attempt_number,
            policy.max_attempts,
            retry_state.upcoming_sleep,
        )

    def give_up(retry_state: tenacity.RetryCallState) -> httpx.Response:
        outcome = retry_state.outcome
        assert outcome is not None
        result = outcome.result()  # re-raises the last exception
        assert isinstance(result, httpx.Response)
        return result

    retrying = tenacity.Retrying(
        retry=should_retry,
        wait=_Wait(policy),
        stop=(
            tenacity.stop_after_attempt(policy.max_attempts)
            | tenacity.stop_before_delay(policy.max_elapsed)
        ),
        before_sleep=before_sleep,
        retry_error_callback=give_up,
        sleep=sleep,
    )
    response = retrying(send)
    assert isinstance(response, httpx.Response)
    return response
