"""One HTTP attempt for the channels that speak HTTP, and what its answer means.

The rules are shared so that webhooks, chat and SMS agree: a 2xx is delivered; 408, 429 and
5xx are the receiver's passing trouble, so another attempt may help; any other answer (a
4xx, or a redirect, which is never followed: a notification goes where it was configured to
go, not where a receiver points it) needs a person to change something first. A timeout or
a broken connection may be passing, so it is worth another attempt too.
"""

from collections.abc import Mapping
from typing import Any

import httpx

from watchkeep.notify.channels.protocol import Result

RETRYABLE_STATUSES = frozenset({408, 429})
ANSWER_EXCERPT = 200  # characters of a refusal's body kept in the detail


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a channel address, or ``None``: only absolute http(s) URLs."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return f"{url!r} is not a valid URL"
    if parsed.scheme not in {"http", "https"}:
        return f"{url!r} is not an http or https URL"
    if not parsed.host:
        return f"{url!r} names no host"
    return None


def post(
    client: httpx.Client, url: str, *, what: str, timeout: float, **request: Any
) -> httpx.Response | Result:
    """POST once: the answer, or the failed :class:`Result` when none came.

    ``what`` names the receiver in the detail ("the webhook", "Twilio").
    """
    try:
        return client.post(url, timeout=timeout, follow_redirects=False, **request)
    except httpx.TimeoutException:
        return failed(f"{what} did not answer within {timeout:g} s", retryable=True)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        return failed(f"{what} cannot be reached at {url!r}: {error}", retryable=False)
    except httpx.TransportError as error:
        reason = str(error) or type(error).__name__
        return failed(f"could not reach {what}: {reason}", retryable=True)


def is_retryable(status: int) -> bool:
    """Whether another attempt may get a different answer to this status."""
    return status in RETRYABLE_STATUSES or status >= 500


def refusal(response: httpx.Response, *, what: str, reason: str | None = None) -> Result:
    """The failed result for a non-2xx answer, with ``reason`` (else the body's start)."""
    status = response.status_code
    said = f"{what} answered {status} {response.reason_phrase}".rstrip()
    if response.is_redirect:
        target = response.headers.get("Location", "?")
        return failed(f"{said} to {target}; redirects are not followed", retryable=False)
    reason = reason if reason is not None else excerpt(response)
    detail = f"{said}: {reason}" if reason else said
    retry_after = response.headers.get("Retry-After")
    if retry_after and is_retryable(status):
        detail += f" (Retry-After: {retry_after})"
    return failed(detail, retryable=is_retryable(status))


def excerpt(response: httpx.Response) -> str:
    """The start of an answer's body on one line, for a detail a person reads."""
    text = " ".join(response.text.split())
    return text if len(text) <= ANSWER_EXCERPT else text[: ANSWER_EXCERPT - 1] + "…"


def json_object(response: httpx.Response) -> Mapping[str, Any]:
    """The answer's body as a JSON object, or an empty mapping if it is not one."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def failed(detail: str, *, retryable: bool) -> Result:
    return Result("failed", detail=detail, retryable=retryable)


def make_client() -> httpx.Client:
    """The client a channel uses when none is given: no redirects, the environment's proxies."""
    return httpx.Client(follow_redirects=False)
