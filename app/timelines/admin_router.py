"""Management endpoints for timelines and their events (authenticated; under /v1/admin)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlmodel import Session

from app.auth.deps import WriterKey
from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import require_if_match, version_etag
from app.timelines import service
from app.timelines.models import (
    Timeline,
    TimelineAdmin,
    TimelineCreate,
    TimelineEvent,
    TimelineEventAdmin,
    TimelineEventCreate,
    TimelineEventUpdate,
    TimelineReplace,
    TimelineUpdate,
)

router = APIRouter(prefix="/v1/admin", tags=["admin: timelines"], responses=error_responses(401, 403))

TIMELINE, EVENT = "timeline", "timeline-event"
ArticleId = Annotated[
    int, Path(ge=1, le=2**31 - 1, description="The id of the article the timeline belongs to.")
]
TimelineId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The timeline's id.")]
EventId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The timeline event's id.")]


def timeline_by_id(session: SessionDep, timeline_id: TimelineId) -> Timeline:
    return service.get_timeline(session, timeline_id)


def event_by_id(session: SessionDep, event_id: EventId) -> TimelineEvent:
    return service.get_event(session, event_id)


# the key comes before these in every route, so a request without a live key is a 401 before any lookup
TimelineDep = Annotated[Timeline, Depends(timeline_by_id)]
EventDep = Annotated[TimelineEvent, Depends(event_by_id)]


def _timeline(session: Session, response: Response, timeline: Timeline) -> TimelineAdmin:
    assert timeline.id is not None
    response.headers["ETag"] = version_etag(TIMELINE, timeline.id, timeline.version)
    return service.timeline_admin(session, timeline)


def _event(session: Session, response: Response, event: TimelineEvent) -> TimelineEventAdmin:
    assert event.id is not None
    response.headers["ETag"] = version_etag(EVENT, event.id, event.version)
    return service.events_admin(session, [event])[0]


def _require_current(request: Request, kind: str, row: Timeline | TimelineEvent) -> None:
    assert row.id is not None
    require_if_match(request, version_etag(kind, row.id, row.version))


@router.post(
    "/articles/{article_id}/timelines",
    status_code=201,
    summary="Add a timeline, with any events, to an article (of any status)",
    responses=error_responses(404, 409, 422),
)
def admin_create_timeline(
    response: Response, session: SessionDep, key: WriterKey, article_id: ArticleId, data: TimelineCreate
) -> TimelineAdmin:
    timeline = service.create_timeline(session, key, article_id, data)
    response.headers["Location"] = f"/v1/admin/timelines/{timeline.id}"
    return _timeline(session, response, timeline)


@router.get(
    "/timelines/{timeline_id}", summary="Get a timeline with all its events", responses=error_responses(404)
)
def admin_get_timeline(
    response: Response, session: SessionDep, _: WriterKey, timeline: TimelineDep
) -> TimelineAdmin:
    return _timeline(session, response, timeline)


@router.patch(
    "/timelines/{timeline_id}",
    summary="Change some fields of a timeline",
    responses=error_responses(404, 409, 412, 422, 428),
)
def admin_update_timeline(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    timeline: TimelineDep,
    changes: TimelineUpdate,
) -> TimelineAdmin:
    _require_current(request, TIMELINE, timeline)
    timeline = service.update_timeline(session, key, timeline, changes.model_dump(exclude_unset=True))
    return _timeline(session, response, timeline)


@router.put(
    "/timelines/{timeline_id}",
    summary="Replace a timeline's own fields (its events are kept)",
    responses=error_responses(404, 409, 412, 422, 428),
)
def admin_replace_timeline(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    timeline: TimelineDep,
    data: TimelineReplace,
) -> TimelineAdmin:
    _require_current(request, TIMELINE, timeline)
    timeline = service.update_timeline(session, key, timeline, data.model_dump())
    return _timeline(session, response, timeline)


@router.delete(
    "/timelines/{timeline_id}",
    status_code=204,
    summary="Delete a timeline no article block shows, with its events",
    responses=error_responses(404, 409, 412, 428),
)
def admin_delete_timeline(
    request: Request, session: SessionDep, key: WriterKey, timeline: TimelineDep
) -> None:
    _require_current(request, TIMELINE, timeline)
    service.delete_timeline(session, key, timeline)


@router.post(
    "/timelines/{timeline_id}/events",
    status_code=201,
    summary="Add an event to a timeline",
    responses=error_responses(404, 422),
)
def admin_create_timeline_event(
    response: Response, session: SessionDep, key: WriterKey, timeline: TimelineDep, data: TimelineEventCreate
) -> TimelineEventAdmin:
    event = service.create_event(session, key, timeline, data)
    response.headers["Location"] = f"/v1/admin/timeline-events/{event.id}"
    return _event(session, response, event)


@router.get("/timeline-events/{event_id}", summary="Get a timeline event", responses=error_responses(404))
def admin_get_timeline_event(
    response: Response, session: SessionDep, _: WriterKey, event: EventDep
) -> TimelineEventAdmin:
    return _event(session, response, event)


@router.patch(
    "/timeline-events/{event_id}",
    summary="Change some fields of a timeline event",
    responses=error_responses(404, 412, 422, 428),
)
def admin_update_timeline_event(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    event: EventDep,
    changes: TimelineEventUpdate,
) -> TimelineEventAdmin:
    _require_current(request, EVENT, event)
    event = service.update_event(session, key, event, changes.model_dump(exclude_unset=True))
    return _event(session, response, event)


@router.put(
    "/timeline-events/{event_id}",
    summary="Replace a timeline event (its position is kept unless given)",
    responses=error_responses(404, 412, 422, 428),
)
def admin_replace_timeline_event(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    event: EventDep,
    data: TimelineEventCreate,
) -> TimelineEventAdmin:
    _require_current(request, EVENT, event)
    event = service.update_event(session, key, event, data.model_dump())
    return _event(session, response, event)


@router.delete(
    "/timeline-events/{event_id}",
    status_code=204,
    summary="Delete a timeline event",
    responses=error_responses(404, 412, 428),
)
def admin_delete_timeline_event(
    request: Request, session: SessionDep, key: WriterKey, event: EventDep
) -> None:
    _require_current(request, EVENT, event)
    service.delete_event(session, key, event)
