"""The home page in one call."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.db import SessionDep
from app.errors import error_responses
from app.home import service
from app.home.models import HomePage

router = APIRouter(prefix="/v1", tags=["home"], responses=error_responses(400, 406, 500))


@router.get("/home", summary="Get the home page: every category section with its latest articles")
def get_home(
    session: SessionDep,
    per_section: Annotated[int, Query(ge=1, le=20, description="Articles per section, 1 to 20.")] = 5,
) -> HomePage:
    return service.home_page(session, per_section)
