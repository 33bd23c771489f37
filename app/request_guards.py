"""Checks every request passes before its route runs: no unknown query parameters, an acceptable type."""

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.datastructures import QueryParams
from starlette.routing import BaseRoute

from app.errors import BadRequest, NotAcceptable
from app.negotiation import best_match


def _walk(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _walk(sub)


def _query_names(route: BaseRoute) -> tuple[frozenset[str], frozenset[str]]:
    """The query parameters a route declares, and those of them that may repeat."""
    if not isinstance(route, APIRoute):
        return frozenset(), frozenset()
    params = list(_walk(route.dependant))
    repeatable = {p.alias for p in params if getattr(p.field_info.annotation, "__origin__", None) is list}
    return frozenset(p.alias for p in params), frozenset(repeatable)


def _produces(route: BaseRoute) -> tuple[str, ...]:
    if not isinstance(route, APIRoute):
        return ("text/html",)
    response_class = getattr(route.response_class, "value", route.response_class)  # unwrap the default
    declared = [str(getattr(response_class, "media_type", None) or "application/json")]
    for media in route.responses.get(200, {}).get("content", {}):
        if media not in declared:
            declared.append(media)
    return (*declared, "application/problem+json")


_ROUTE_FACTS: dict[int, tuple[frozenset[str], frozenset[str], tuple[str, ...]]] = {}


def _facts(route: BaseRoute) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """What a route accepts and produces, worked out once per route (routes are not hashable)."""
    facts = _ROUTE_FACTS.get(id(route))
    if facts is None:
        facts = _ROUTE_FACTS[id(route)] = (*_query_names(route), _produces(route))
    return facts


async def check_request(request: Request) -> None:
    route = request.scope.get("route")
    if route is None:
        return
    allowed, repeatable, produces = _facts(route)
    if request.scope["query_string"]:  # most reads have none: nothing to parse then
        _check_query(request.query_params, allowed, repeatable)
    if any("\x00" in value for value in request.path_params.values()):
        raise BadRequest("Parameters may not contain NUL characters.")
    accept = next((value for name, value in request.scope["headers"] if name == b"accept"), None)
    if best_match(None if accept is None else accept.decode("latin-1"), produces) is None:
        raise NotAcceptable(f"This endpoint can answer with: {', '.join(produces)}.")


def _check_query(query: QueryParams, allowed: frozenset[str], repeatable: frozenset[str]) -> None:
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise BadRequest(
            f"Unknown query parameter(s): {', '.join(unknown)}. "
            f"This endpoint takes: {', '.join(sorted(allowed)) or 'none'}."
        )
    repeated = sorted(name for name in query if name not in repeatable and len(query.getlist(name)) > 1)
    if repeated:
        raise BadRequest(f"Query parameter(s) given more than once: {', '.join(repeated)}.")
    if any("\x00" in value for _, value in query.multi_items()):
        raise BadRequest("Parameters may not contain NUL characters.")
