"""Fetching over HTTP with retries: timeouts, dropped connections and 5xx are retried with exponential
backoff; 503 and 429 honour ``Retry-After`` (seconds or an HTTP date), as OAI-PMH flow control asks.

    >>> policy = RetryPolicy(attempts=3, backoff=0.5)
    >>> [policy.delay(n, None) for n in (1, 2)]
    [0.5, 1.0]
    >>> policy.delay(1, "7")
    7.0

Hand-written rather than a retry library: httpx retries only connection setup, and the decision here needs
the response (status, ``Retry-After``, a body that parses), which a generic retry decorator would need
custom code for anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

USER_AGENT = "Tongwen-harvester/0.1 (+https://github.com/tongwen)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchFailed(RuntimeError):
    """The URL could not be fetched even after the retries; the message says what happened last."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5  # tries in all, the first included
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_backoff: float = 60.0
    max_retry_after: float = 600.0  # a server asking for longer is waited for this long, then tried again
    timeout: float = 60.0  # seconds for connecting and between bytes read
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, retry_number: int, retry_after: str | None) -> float:
        """Seconds to wait before retry `retry_number` (1-based); ``Retry-After`` wins when present."""
        asked = parse_retry_after(retry_after)
        if asked is not None:
            return min(asked, self.max_retry_after)
        return min(self.backoff * 2 ** (retry_number - 1), self.max_backoff)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After: 120`` or ``Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`` → seconds (None if absent/bad).

    >>> parse_retry_after("120")
    120.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=datetime(2015, 10, 21, 7, 28, tzinfo=UTC))
    30.0
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


Retrying = Callable[[int, str, float], None]  # (retry number, what went wrong, seconds waited before it)


class Fetcher:
    """GETs with the retry policy. `check` may raise `RetryableContent` to have a 200 answer retried (a
    truncated or malformed page is often a proxy's or a busy server's fault and comes back whole)."""

    def __init__(self, policy: RetryPolicy | None = None, client: httpx.Client | None = None):
        self.policy = policy or RetryPolicy()
        self._own_client = client is None
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> Fetcher:  # noqa: PYI034 - Fetcher is not subclassed
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        check: Callable[[bytes], object] | None = None,
        on_retry: Retrying | None = None,
    ) -> tuple[bytes, object]:
        """The body of `url` and what `check` returned for it, retrying as the policy says."""
        last_problem = "not tried"
        for attempt in range(1, self.policy.attempts + 1):
            retry_after = None
            try:
                response = self.client.get(url, params=params)
                if response.status_code in RETRY_STATUSES:
                    retry_after = response.headers.get("Retry-After")
                    last_problem = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                elif response.status_code >= 400:
                    raise FetchFailed(f"{response.url}: HTTP {response.status_code} {response.reason_phrase}")
                else:
                    body = response.content
                    return body, (check(body) if check else None)
            except httpx.TimeoutException as exc:
                last_problem = f"timed out ({type(exc).__name__})"
            except httpx.TransportError as exc:  # refused, reset, dropped mid-body
                last_problem = f"connection failed ({type(exc).__name__}: {exc})"
            except RetryableContent as exc:
                last_problem = str(exc)
            if attempt == self.policy.attempts:
                break
            wait = self.policy.delay(attempt, retry_after)
            if on_retry is not None:
                on_retry(attempt, last_problem, wait)
            self.policy.sleep(wait)
        raise FetchFailed(f"{url}: {last_problem}, after {self.policy.attempts} attempts")


class RetryableContent(ValueError):
    """A 200 answer whose body is unusable (malformed XML, cut short); worth asking again."""
