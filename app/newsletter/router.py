"""Newsletter endpoints: subscribe (double opt-in), confirm, one-click unsubscribe (RFC 8058).

None of these answers may be cached: they are `no-store`, and the link pages send no referrer (their URL
carries a token). A reader's browser gets a small HTML page, any other client JSON."""

import email.errors
import email.policy
import html
import ipaddress
from email import message_from_bytes
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from app.config import Settings
from app.db import SessionDep
from app.errors import UnprocessableContent, error_responses
from app.negotiation import best_match
from app.newsletter import service
from app.newsletter.mail import ONE_CLICK
from app.newsletter.models import (
    TOKEN_MAX,
    ConfirmRequest,
    NewsletterSubscriber,
    SubscriberStatus,
    SubscriptionAccepted,
    SubscriptionRequest,
    SubscriptionState,
)
from app.rate_limit import client_address

router = APIRouter(
    prefix="/v1/newsletter", tags=["newsletter"], responses=error_responses(400, 406, 429, 500)
)

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
PAGE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
HTML_ALTERNATIVE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}}}
}
ONE_CLICK_SCHEMA = {
    "type": "object",
    "properties": {"List-Unsubscribe": {"type": "string", "enum": ["One-Click"]}},
    "required": ["List-Unsubscribe"],
}
BODY_MAX = 4096
TokenParam = Annotated[str, Query(min_length=1, max_length=TOKEN_MAX, description="The token from the link.")]


def _api_base(request: Request, settings: Settings) -> str:
    """This API's public address: `public_base_url`, else the one the request was made to."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


def _wants_page(request: Request) -> bool:
    return best_match(request.headers.get("accept"), ("application/json", "text/html")) == "text/html"


def _state(subscriber: NewsletterSubscriber) -> SubscriptionState:
    return SubscriptionState(status=SubscriberStatus(subscriber.status), topics=subscriber.topics)


def _page(title: str, paragraphs: list[str], form: str = "") -> HTMLResponse:
    """A bare page for a reader who opened a link from a mail: no script, no style, no outside asset."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><h1>{html.escape(title)}</h1>{body}{form}</body></html>",
        headers={**NO_STORE, "Content-Security-Policy": PAGE_CSP},
    )


def _answer(
    request: Request, response: Response, state: SubscriptionState, title: str, text: str
) -> SubscriptionState | HTMLResponse:
    if _wants_page(request):
        return _page(title, [text])
    response.headers.update(NO_STORE)
    return state


@router.post(
    "/subscriptions",
    status_code=202,
    summary="Ask for the newsletter (double opt-in)",
    responses=error_responses(422),
)
def subscribe(
    request: Request, response: Response, session: SessionDep, body: SubscriptionRequest
) -> SubscriptionAccepted:
    """Always the same 202 answer, whether the address is new, waiting for confirmation, subscribed or
    unsubscribed, so the answer tells nothing about an address. A confirmation mail with a link valid for
    48 hours is queued (at most a few per address a day; none when nothing would change); nothing else is
    ever sent before it is opened. Each request is kept as a consent record (time, source, topics)."""
    settings: Settings = request.app.state.settings
    trusted = [ipaddress.ip_network(cidr, strict=False) for cidr in settings.trusted_proxies]
    service.subscribe(
        session,
        body,
        client_address=client_address(request.scope, trusted),
        to=service.links(_api_base(request, settings), settings),
        settings=settings,
    )
    response.headers.update(NO_STORE)
    return SubscriptionAccepted(detail=service.ACCEPTED_DETAIL)


CONFIRMED = "Your subscription is confirmed. Thank you for reading."


@router.get(
    "/confirm",
    summary="Open a confirmation link",
    response_model=SubscriptionState,
    responses={**HTML_ALTERNATIVE, **error_responses(404, 410)},
)
def confirm_link(
    request: Request, response: Response, session: SessionDep, token: TokenParam
) -> SubscriptionState | HTMLResponse:
    """The link in the confirmation mail: confirms the subscription, once, within 48 hours."""
    state = _state(service.confirm(session, token))
    return _answer(request, response, state, "Subscription confirmed", CONFIRMED)


@router.post(
    "/confirm",
    summary="Confirm a subscription with its token",
    responses=error_responses(404, 410, 422),
)
def confirm(response: Response, session: SessionDep, body: ConfirmRequest) -> SubscriptionState:
    """For sites whose own confirmation page receives the link (`BROADSHEET_NEWSLETTER_CONFIRM_URL`)."""
    response.headers.update(NO_STORE)
    return _state(service.confirm(session, body.token))


@router.get(
    "/unsubscribe",
    summary="The unsubscribe link: shows the subscription and a button",
    response_model=SubscriptionState,
    responses={**HTML_ALTERNATIVE, **error_responses(404)},
)
def unsubscribe_page(
    request: Request, response: Response, session: SessionDep, token: TokenParam
) -> SubscriptionState | HTMLResponse:
    """Opening the link changes nothing (mail scanners open links); the page's button, or a mail client's
    one-click POST, unsubscribes."""
    state = _state(service.subscriber_for_unsubscribe(session, token))
    if not _wants_page(request):
        response.headers.update(NO_STORE)
        return state
    if state.status == SubscriberStatus.unsubscribed:
        return _page("Unsubscribed", ["This address receives no newsletter from us."])
    form = (
        '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
        "<button>Unsubscribe</button></form>"
    )
    return _page("Unsubscribe", ["Stop every newsletter mail to this address?"], form)


async def one_click_body(request: Request) -> None:
    """The RFC 8058 body, `List-Unsubscribe=One-Click`, form-urlencoded or multipart/form-data."""
    content_type = request.headers.get("content-type", "")
    media = content_type.partition(";")[0].strip().lower()
    if media not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise HTTPException(415, "Send the form field List-Unsubscribe=One-Click (RFC 8058).")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_MAX:
            raise UnprocessableContent("The body is too long for List-Unsubscribe=One-Click.")
    if _form_field(media, content_type, body, "List-Unsubscribe") != "One-Click":
        raise UnprocessableContent(f"The body must be {ONE_CLICK} (RFC 8058).")


def _form_field(media: str, content_type: str, body: bytes, name: str) -> str | None:
    if media == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get(name, [])
        return values[0] if len(values) == 1 else None
    try:
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
        parsed = message_from_bytes(head + body, policy=email.policy.HTTP)
        if not parsed.is_multipart():
            return None
        for part in parsed.iter_parts():
            if part.get_param("name", header="content-disposition") == name:
                payload = part.get_payload(decode=True)
                return payload.decode("utf-8", "replace").strip() if isinstance(payload, bytes) else None
    except (UnicodeError, ValueError, LookupError, email.errors.MessageError):
        return None
    return None


@router.post(
    "/unsubscribe",
    summary="Unsubscribe in one click (RFC 8058)",
    dependencies=[Depends(one_click_body)],
    response_model=SubscriptionState,
    responses={**HTML_ALTERNATIVE, **error_responses(404, 415, 422)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": ONE_CLICK_SCHEMA},
                "multipart/form-data": {"schema": ONE_CLICK_SCHEMA},
            },
        }
    },
)
def unsubscribe(
    request: Request, response: Response, session: SessionDep, token: TokenParam
) -> SubscriptionState | HTMLResponse:
    """What a mail client's unsubscribe button sends to the `List-Unsubscribe` URL: unsubscribes at once,
    with no further question. Again is harmless."""
    state = _state(service.unsubscribe(session, token))
    return _answer(
        request, response, state, "Unsubscribed", "This address will receive no more newsletter mail from us."
    )
