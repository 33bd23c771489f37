"""Security headers on every response, and the Content-Security-Policy of the documentation pages.

API responses are data, never documents: `default-src 'none'` forbids a browser from running anything a
response might contain. The docs pages get a policy that allows only this host's scripts, plus the exact
inline scripts they were rendered with (by hash)."""

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_csp(html: bytes) -> str:
    """A policy for a docs page: this host's assets and the page's own inline scripts, nothing else.

    Styles may be inline because ReDoc and Swagger UI inject theirs at run time."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}".rstrip() + "; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self'; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts_seconds: int = 0) -> None:
        self.app = app
        self.fixed = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "X-Frame-Options": "DENY",
            "Cross-Origin-Resource-Policy": "cross-origin",  # a public API is read from other origins
        }
        if hsts_seconds > 0:
            self.fixed["Strict-Transport-Security"] = f"max-age={hsts_seconds}; includeSubDomains"
        self.fixed["Content-Security-Policy"] = API_CSP  # unless the answer brings its own (docs pages)
        self.raw = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.fixed.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message["headers"]}
                missing = [(name, value) for name, value in self.raw if name not in present]
                if missing:
                    message = {**message, "headers": [*message["headers"], *missing]}
            await send(message)

        await self.app(scope, receive, with_headers)
