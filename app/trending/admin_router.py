"""Management endpoints for trending pins and blocks and curated lists (authenticated; under /v1/admin)."""

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from app.auth.deps import WriterKey
from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import require_if_match, version_etag
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.trending import editorial
from app.trending.models import (
    BlockAdmin,
    BlockCreate,
    CuratedList,
    CuratedListAdmin,
    CuratedListCreate,
    CuratedListEntry,
    CuratedListUpdate,
    EntryAdmin,
    EntryCreate,
    PinAdmin,
    PinCreate,
    PlacementUpdate,
    TrendingBlock,
    TrendingPin,
)

router = APIRouter(prefix="/v1/admin", responses=error_responses(401, 403))

_READ = error_responses(404)
_CREATE = error_responses(409, 422)
_CHANGE = error_responses(404, 409, 412, 422, 428)
_DELETE = error_responses(404, 412, 428)
PINS: list[str | Enum] = ["admin: trending pins"]
BLOCKS: list[str | Enum] = ["admin: trending blocks"]
LISTS: list[str | Enum] = ["admin: curated lists"]
Versioned = TrendingPin | TrendingBlock | CuratedList | CuratedListEntry


def _id(description: str) -> object:
    return Path(ge=1, le=2**31 - 1, description=description)


PinId = Annotated[int, _id("The pin's id.")]
BlockId = Annotated[int, _id("The block's id.")]
ListId = Annotated[int, _id("The curated list's id.")]
EntryId = Annotated[int, _id("The list entry's id.")]


def _versioned(response: Response, row: Versioned) -> None:
    assert row.id is not None
    response.headers["ETag"] = version_etag(editorial.KINDS[type(row)], row.id, row.version)


def _require_current(request: Request, row: Versioned) -> None:
    assert row.id is not None
    require_if_match(request, version_etag(editorial.KINDS[type(row)], row.id, row.version))


def _created(response: Response, path: str, row: Versioned) -> None:
    response.headers["Location"] = f"/v1/admin/{path}/{row.id}"
    _versioned(response, row)


# the key comes first in every route, so a request without a live key is a 401 before any lookup


def pin_by_id(session: SessionDep, pin_id: PinId) -> TrendingPin:
    return editorial.get_row(session, TrendingPin, pin_id)


def block_by_id(session: SessionDep, block_id: BlockId) -> TrendingBlock:
    return editorial.get_row(session, TrendingBlock, block_id)


def list_by_id(session: SessionDep, list_id: ListId) -> CuratedList:
    return editorial.get_row(session, CuratedList, list_id)


def entry_by_id(session: SessionDep, entry_id: EntryId) -> CuratedListEntry:
    return editorial.get_row(session, CuratedListEntry, entry_id)


PinDep = Annotated[TrendingPin, Depends(pin_by_id)]
BlockDep = Annotated[TrendingBlock, Depends(block_by_id)]
ListDep = Annotated[CuratedList, Depends(list_by_id)]
EntryDep = Annotated[CuratedListEntry, Depends(entry_by_id)]


@router.get("/trending/pins", tags=PINS, summary="List trending pins by id, expired ones included")
def admin_list_pins(
    request: Request,
    response: Response,
    session: SessionDep,
    _: WriterKey,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[PinAdmin]:
    rows, next_cursor = editorial.list_rows(session, TrendingPin, cursor, limit)
    return page(request, response, editorial.pins_admin(session, rows), limit, next_cursor)


@router.get("/trending/pins/{pin_id}", tags=PINS, summary="Get a trending pin", responses=_READ)
def admin_get_pin(response: Response, session: SessionDep, _: WriterKey, pin: PinDep) -> PinAdmin:
    _versioned(response, pin)
    return editorial.pins_admin(session, [pin])[0]


@router.post(
    "/trending/pins",
    status_code=201,
    tags=PINS,
    summary="Pin an article at a position of the site's or a category's trending",
    responses=_CREATE,
)
def admin_create_pin(response: Response, session: SessionDep, key: WriterKey, data: PinCreate) -> PinAdmin:
    pin = editorial.create_pin(session, key, data)
    _created(response, "trending/pins", pin)
    return editorial.pins_admin(session, [pin])[0]


@router.patch(
    "/trending/pins/{pin_id}", tags=PINS, summary="Move a pin or change its expiry", responses=_CHANGE
)
def admin_update_pin(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    pin: PinDep,
    changes: PlacementUpdate,
) -> PinAdmin:
    _require_current(request, pin)
    pin = editorial.update_placement(session, key, pin, changes.model_dump(exclude_unset=True))
    _versioned(response, pin)
    return editorial.pins_admin(session, [pin])[0]


@router.delete("/trending/pins/{pin_id}", status_code=204, tags=PINS, summary="Unpin", responses=_DELETE)
def admin_delete_pin(request: Request, session: SessionDep, key: WriterKey, pin: PinDep) -> None:
    _require_current(request, pin)
    editorial.delete_row(session, key, pin)


@router.get("/trending/blocks", tags=BLOCKS, summary="List articles blocked from trending, by id")
def admin_list_blocks(
    request: Request,
    response: Response,
    session: SessionDep,
    _: WriterKey,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[BlockAdmin]:
    rows, next_cursor = editorial.list_rows(session, TrendingBlock, cursor, limit)
    return page(request, response, editorial.blocks_admin(rows), limit, next_cursor)


@router.get("/trending/blocks/{block_id}", tags=BLOCKS, summary="Get a trending block", responses=_READ)
def admin_get_block(response: Response, _: WriterKey, block: BlockDep) -> BlockAdmin:
    _versioned(response, block)
    return editorial.blocks_admin([block])[0]


@router.post(
    "/trending/blocks",
    status_code=201,
    tags=BLOCKS,
    summary="Keep an article out of computed trending entries (pins still place it)",
    responses=_CREATE,
)
def admin_create_block(
    response: Response, session: SessionDep, key: WriterKey, data: BlockCreate
) -> BlockAdmin:
    block = editorial.create_block(session, key, data)
    _created(response, "trending/blocks", block)
    return editorial.blocks_admin([block])[0]


@router.delete(
    "/trending/blocks/{block_id}", status_code=204, tags=BLOCKS, summary="Lift a block", responses=_DELETE
)
def admin_delete_block(request: Request, session: SessionDep, key: WriterKey, block: BlockDep) -> None:
    _require_current(request, block)
    editorial.delete_row(session, key, block)


@router.get("/lists", tags=LISTS, summary="List curated lists by id, with their entries")
def admin_list_lists(
    request: Request,
    response: Response,
    session: SessionDep,
    _: WriterKey,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[CuratedListAdmin]:
    rows, next_cursor = editorial.list_rows(session, CuratedList, cursor, limit)
    return page(request, response, editorial.lists_admin(session, rows), limit, next_cursor)


@router.get("/lists/{list_id}", tags=LISTS, summary="Get a curated list with its entries", responses=_READ)
def admin_get_list(
    response: Response, session: SessionDep, _: WriterKey, curated: ListDep
) -> CuratedListAdmin:
    _versioned(response, curated)
    return editorial.lists_admin(session, [curated])[0]


@router.post("/lists", status_code=201, tags=LISTS, summary="Add a curated list", responses=_CREATE)
def admin_create_list(
    response: Response, session: SessionDep, key: WriterKey, data: CuratedListCreate
) -> CuratedListAdmin:
    curated = editorial.create_list(session, key, data)
    _created(response, "lists", curated)
    return editorial.lists_admin(session, [curated])[0]


@router.patch(
    "/lists/{list_id}", tags=LISTS, summary="Change some fields of a curated list", responses=_CHANGE
)
def admin_update_list(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    curated: ListDep,
    changes: CuratedListUpdate,
) -> CuratedListAdmin:
    _require_current(request, curated)
    curated = editorial.update_list(session, key, curated, changes.model_dump(exclude_unset=True))
    _versioned(response, curated)
    return editorial.lists_admin(session, [curated])[0]


@router.delete(
    "/lists/{list_id}",
    status_code=204,
    tags=LISTS,
    summary="Delete a curated list and its entries",
    responses=_DELETE,
)
def admin_delete_list(request: Request, session: SessionDep, key: WriterKey, curated: ListDep) -> None:
    _require_current(request, curated)
    editorial.delete_row(session, key, curated)


@router.post(
    "/lists/{list_id}/entries",
    status_code=201,
    tags=LISTS,
    summary="Place an article at a position of a curated list",
    responses=error_responses(404, 409, 422),
)
def admin_create_entry(
    response: Response, session: SessionDep, key: WriterKey, curated: ListDep, data: EntryCreate
) -> EntryAdmin:
    entry = editorial.create_entry(session, key, curated, data)
    _created(response, "list-entries", entry)
    return editorial.entries_admin([entry])[0]


@router.get("/list-entries/{entry_id}", tags=LISTS, summary="Get a list entry", responses=_READ)
def admin_get_entry(response: Response, _: WriterKey, entry: EntryDep) -> EntryAdmin:
    _versioned(response, entry)
    return editorial.entries_admin([entry])[0]


@router.patch(
    "/list-entries/{entry_id}",
    tags=LISTS,
    summary="Move a list entry or change its expiry",
    responses=_CHANGE,
)
def admin_update_entry(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    entry: EntryDep,
    changes: PlacementUpdate,
) -> EntryAdmin:
    _require_current(request, entry)
    entry = editorial.update_placement(session, key, entry, changes.model_dump(exclude_unset=True))
    _versioned(response, entry)
    return editorial.entries_admin([entry])[0]


@router.delete(
    "/list-entries/{entry_id}",
    status_code=204,
    tags=LISTS,
    summary="Remove an entry from its list",
    responses=_DELETE,
)
def admin_delete_entry(request: Request, session: SessionDep, key: WriterKey, entry: EntryDep) -> None:
    _require_current(request, entry)
    editorial.delete_row(session, key, entry)
