"""Management of webhook subscriptions and their delivery log (admin keys; under /v1/admin)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.auth.deps import AdminKey
from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import require_if_match, version_etag
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.syndication import webhooks
from app.syndication.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookDeliveryAdmin,
    WebhookSubscription,
    WebhookSubscriptionAdmin,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionUpdate,
)

router = APIRouter(prefix="/v1/admin", tags=["admin: webhooks"], responses=error_responses(401, 403))

KIND = "webhook"
SubscriptionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The subscription's id.")]
DeliveryId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The delivery's id.")]


def subscription_by_id(session: SessionDep, subscription_id: SubscriptionId) -> WebhookSubscription:
    return webhooks.get_subscription(session, subscription_id)


def delivery_by_id(
    session: SessionDep, subscription_id: SubscriptionId, delivery_id: DeliveryId
) -> WebhookDelivery:
    return webhooks.get_delivery(session, subscription_id, delivery_id)


# the key comes before the lookups in every route, so a request without a live key is a 401 before any 404
SubscriptionDep = Annotated[WebhookSubscription, Depends(subscription_by_id)]
DeliveryDep = Annotated[WebhookDelivery, Depends(delivery_by_id)]


def _admin(response: Response, subscription: WebhookSubscription) -> WebhookSubscriptionAdmin:
    assert subscription.id is not None
    response.headers["ETag"] = version_etag(KIND, subscription.id, subscription.version)
    return WebhookSubscriptionAdmin.model_validate(subscription)


def _require_current(request: Request, subscription: WebhookSubscription) -> None:
    assert subscription.id is not None
    require_if_match(request, version_etag(KIND, subscription.id, subscription.version))


@router.get("/webhooks", summary="List webhook subscriptions, oldest first")
def admin_list_webhooks(
    request: Request,
    response: Response,
    session: SessionDep,
    _: AdminKey,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[WebhookSubscriptionAdmin]:
    rows, next_cursor = webhooks.list_subscriptions(session, cursor, limit)
    items = [WebhookSubscriptionAdmin.model_validate(r) for r in rows]
    return page(request, response, items, limit, next_cursor)


@router.post(
    "/webhooks",
    status_code=201,
    summary="Subscribe a URL to article events (the answer shows the signing secret, once)",
    responses=error_responses(422),
)
def admin_create_webhook(
    request: Request,
    response: Response,
    session: SessionDep,
    key: AdminKey,
    data: WebhookSubscriptionCreate,
) -> WebhookSubscriptionCreated:
    subscription = webhooks.create_subscription(
        session, key, data, webhooks.allowed_networks(request.app.state.settings)
    )
    response.headers["Location"] = f"/v1/admin/webhooks/{subscription.id}"
    view = _admin(response, subscription)
    return WebhookSubscriptionCreated(**view.model_dump(), secret=subscription.secret)


@router.get(
    "/webhooks/{subscription_id}", summary="Get a webhook subscription", responses=error_responses(404)
)
def admin_get_webhook(
    response: Response, _: AdminKey, subscription: SubscriptionDep
) -> WebhookSubscriptionAdmin:
    return _admin(response, subscription)


@router.patch(
    "/webhooks/{subscription_id}",
    summary="Change a webhook subscription (URL, event types, active, secret)",
    responses=error_responses(404, 412, 422, 428),
)
def admin_update_webhook(
    request: Request,
    response: Response,
    session: SessionDep,
    key: AdminKey,
    subscription: SubscriptionDep,
    changes: WebhookSubscriptionUpdate,
) -> WebhookSubscriptionAdmin:
    _require_current(request, subscription)
    updated = webhooks.update_subscription(
        session,
        key,
        subscription,
        changes.model_dump(exclude_unset=True),
        webhooks.allowed_networks(request.app.state.settings),
    )
    return _admin(response, updated)


@router.delete(
    "/webhooks/{subscription_id}",
    status_code=204,
    summary="Delete a webhook subscription and its delivery log",
    responses=error_responses(404, 412, 428),
)
def admin_delete_webhook(
    request: Request, session: SessionDep, key: AdminKey, subscription: SubscriptionDep
) -> Response:
    _require_current(request, subscription)
    webhooks.delete_subscription(session, key, subscription)
    return Response(status_code=204)


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    summary="A subscription's delivery log, newest first",
    responses=error_responses(404),
)
def admin_list_webhook_deliveries(
    request: Request,
    response: Response,
    session: SessionDep,
    _: AdminKey,
    subscription: SubscriptionDep,
    status: Annotated[DeliveryStatus | None, Query(description="Only deliveries in this state.")] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[WebhookDeliveryAdmin]:
    assert subscription.id is not None
    rows, next_cursor = webhooks.list_deliveries(session, subscription.id, status, cursor, limit)
    return page(request, response, webhooks.delivery_views(session, rows), limit, next_cursor)


@router.post(
    "/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    summary="Send a delivery's event again (as a new delivery with the same event id)",
    responses=error_responses(404),
)
def admin_redeliver_webhook(
    response: Response,
    session: SessionDep,
    key: AdminKey,
    subscription: SubscriptionDep,
    delivery: DeliveryDep,
) -> WebhookDeliveryAdmin:
    again = webhooks.redeliver(session, key, subscription, delivery)
    response.headers["Location"] = f"/v1/admin/webhooks/{subscription.id}/deliveries?status=pending"
    return webhooks.delivery_views(session, [again])[0]
