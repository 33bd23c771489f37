"""Management endpoints for articles (authenticated; under /v1/admin)."""

from fastapi import APIRouter

from app.errors import error_responses

router = APIRouter(prefix="/v1/admin", responses=error_responses(401, 403))
