"""One error base class carrying its HTTP status, and the handlers that render RFC 9457 problems."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("broadsheet")


class FieldError(BaseModel):
    location: list[str | int] = Field(description='Where the bad value is, e.g. `["query", "limit"]`.')
    message: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="A URI reference naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class AppError(Exception):
    status: int = 500
    title: str = "Internal Server Error"
    slug: str = "internal-error"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}


class BadRequest(AppError):
    status, title, slug = 400, "Bad Request", "bad-request"


class NotFound(AppError):
    status, title, slug = 404, "Not Found", "not-found"


class NotAcceptable(AppError):
    status, title, slug = 406, "Not Acceptable", "not-acceptable"


class Unauthorized(AppError):
    status, title, slug = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str | None = None) -> None:
        challenge = 'Bearer realm="broadsheet"'
        if detail:
            challenge += ', error="invalid_token"'
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class Forbidden(AppError):
    status, title, slug = 403, "Forbidden", "forbidden"


class Conflict(AppError):
    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(AppError):
    status, title, slug = 412, "Precondition Failed", "precondition-failed"


class UnprocessableContent(AppError):
    """A well-formed request whose content breaks a rule (e.g. a block naming another article's table)."""

    status, title, slug = 422, "Unprocessable Content", "validation-error"


class PreconditionRequired(AppError):
    status, title, slug = 428, "Precondition Required", "precondition-required"


_TITLES = {
    400: ("Bad Request", "bad-request"),
    401: ("Unauthorized", "unauthorized"),
    403: ("Forbidden", "forbidden"),
    404: ("Not Found", "not-found"),
    405: ("Method Not Allowed", "method-not-allowed"),
    406: ("Not Acceptable", "not-acceptable"),
    409: ("Conflict", "conflict"),
    410: ("Gone", "gone"),
    412: ("Precondition Failed", "precondition-failed"),
    413: ("Content Too Large", "content-too-large"),
    415: ("Unsupported Media Type", "unsupported-media-type"),
    422: ("Unprocessable Content", "validation-error"),
    428: ("Precondition Required", "precondition-required"),
    429: ("Too Many Requests", "too-many-requests"),
    500: ("Internal Server Error", "internal-error"),
}


def problem_response(
    request: Request,
    status: int,
    *,
    title: str | None = None,
    slug: str | None = None,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    default_title, default_slug = _TITLES.get(status, ("Error", "error"))
    problem = Problem(
        type=f"/problems/{slug or default_slug}",
        title=title or default_title,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        jsonable_encoder(problem, exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    return [
        FieldError(
            location=[str(p) if not isinstance(p, int) else p for p in err["loc"]],
            message=err["msg"],
            type=err["type"],
        )
        for err in exc.errors()
    ]


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        request, exc.status, title=exc.title, slug=exc.slug, detail=exc.detail, headers=exc.headers
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """Bad path values are unknown resources (404), bad query values 400, bad bodies 422."""
    assert isinstance(exc, RequestValidationError)
    places = {err["loc"][0] for err in exc.errors() if err.get("loc")}
    if "body" in places:
        status = 422
    elif places == {"path"}:
        status = 404
    else:
        status = 400
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return problem_response(request, status, detail=detail, errors=_field_errors(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem_response(request, exc.status_code, detail=detail, headers=dict(exc.headers or {}))


async def _stale_write(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        request, 412, detail="The resource was changed by another request meanwhile; read it again and retry."
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request, 409, detail="The change conflicts with data already stored.")


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, 500, detail="The server could not complete the request.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale_write)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(Exception, _unhandled)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry documenting problem+json answers for an operation."""
    return {
        status: {
            "model": Problem,
            "description": _TITLES[status][0],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            **({"headers": _RETRY_AFTER} if status == 429 else {}),
        }
        for status in statuses
    }


_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds until the rate limit resets.", "schema": {"type": "integer"}},
    "RateLimit-Limit": {"description": "Requests allowed in the window.", "schema": {"type": "integer"}},
    "RateLimit-Remaining": {"description": "Requests left in the window.", "schema": {"type": "integer"}},
    "RateLimit-Reset": {"description": "Seconds until the window ends.", "schema": {"type": "integer"}},
}
