"""The reference frontend: static pages (ES modules, no build step) served at `/demo/`, using only the
public JSON API, of this server by default or of another one named by `?api=https://...`.

The API's own policy (`default-src 'none'`) would stop the page, so these answers carry a policy of their
own: scripts, styles and fonts from this host only, images from anywhere over HTTPS, and API calls to this
host plus the origin the page was asked to use."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC = Path(__file__).resolve().parent / "static"


def api_origin(query_string: bytes) -> str | None:
    """The origin of the `api` query parameter, when it is an http(s) URL."""
    values = parse_qs(query_string.decode("latin-1")).get("api", [])
    if len(values) != 1:
        return None
    try:
        url = urlsplit(values[0])
        port = url.port
    except ValueError:
        return None
    if url.scheme not in ("http", "https") or not url.hostname or any(c in url.netloc for c in " ;,'\"@"):
        return None
    host = f"[{url.hostname}]" if ":" in url.hostname else url.hostname
    return f"{url.scheme}://{host}" + (f":{port}" if port else "")


def page_csp(query_string: bytes) -> str:
    origin = api_origin(query_string)
    connect = "'self'" + (f" {origin}" if origin else "")
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        f"connect-src {connect}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    )


class DemoPages:
    """StaticFiles for the frontend, with the page policy and `no-cache` (revalidate: it is a demo)."""

    def __init__(self, directory: Path = STATIC) -> None:
        self.files = StaticFiles(directory=directory, html=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.files(scope, receive, send)
            return
        csp = page_csp(scope.get("query_string", b""))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = csp
                headers["Cache-Control"] = "no-cache"
            await send(message)

        await self.files(scope, receive, with_headers)
