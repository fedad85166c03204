"""Remote mode: talk to a Watchkeep server's API with a token instead of opening the database.

An API error (``{"error": {"code", "message", "details"}}``) becomes ``error: <message>`` and
exit code 1, exactly like a domain error in local mode.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import typer

from watchkeep import __version__
from watchkeep.cli.context import settings
from watchkeep.cli.output import fail

API_PREFIX = "/api/v1"
TIMEOUT_SECONDS = 30.0

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        metavar="URL",
        help="Talk to this Watchkeep server instead of the local database (default: WATCHKEEP_URL)",
        show_default=False,
        rich_help_panel="Connection",
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        metavar="TOKEN",
        help="API token used with --url (default: WATCHKEEP_TOKEN)",
        show_default=False,
        rich_help_panel="Connection",
    ),
]


def segment(value: str | int) -> str:
    """One path segment, escaped (references and slugs come from the command line)."""
    return quote(str(value).strip(), safe="")


def error_message(response: httpx.Response) -> str:
    """The API's own error message, or the HTTP status when the body is not an API error."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return f"{response.status_code} {response.reason_phrase} from {response.request.url}"


class ApiClient:
    """A small JSON client for ``<url>/api/v1`` that sends the token as a Bearer header."""

    def __init__(
        self, url: str, token: str, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.url = url.rstrip("/")
        base = self.url if self.url.endswith(API_PREFIX) else self.url + API_PREFIX
        self._http = httpx.Client(
            base_url=base,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": f"watchkeep-cli/{__version__}",
            },
            timeout=TIMEOUT_SECONDS,
            transport=transport,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Send one request; return the decoded body, or fail with the API's error message.

        ``timeout``: seconds to wait for the answer, when longer than the usual 30 (an import)."""
        wait = httpx.USE_CLIENT_DEFAULT if timeout is None else timeout
        try:
            response = self._http.request(method, path, json=json, params=params, timeout=wait)
        except httpx.HTTPError as exc:
            fail(f"cannot reach {self.url}: {exc}")
        if response.is_error:
            fail(error_message(response))
        if response.status_code == httpx.codes.NO_CONTENT or not response.content:
            return None
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def text(self, path: str, **params: Any) -> str:
        """A GET whose answer is text (an export), not JSON."""
        try:
            response = self._http.get(path, params=params or None, headers={"Accept": "*/*"})
        except httpx.HTTPError as exc:
            fail(f"cannot reach {self.url}: {exc}")
        if response.is_error:
            fail(error_message(response))
        return response.text

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, json=body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("PUT", path, json=body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("PATCH", path, json=body)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ApiClient":
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()


def server_url(url: str | None) -> str | None:
    """The server to talk to: ``--url``, else WATCHKEEP_URL, else None (local mode)."""
    return url or settings().url


@contextmanager
def remote_client(url: str, token: str | None) -> Iterator[ApiClient]:
    """A client for ``url`` using ``--token`` or WATCHKEEP_TOKEN."""
    token = token or settings().token
    if not token:
        fail("a server needs an API token: pass --token or set WATCHKEEP_TOKEN")
    with ApiClient(url, str(token)) as client:
        yield client
