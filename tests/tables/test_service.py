import math

import pytest
from sqlmodel import Session

from app.tables import service
from tests.factories import make_article


@pytest.mark.parametrize("cell", [math.nan, math.inf, {"a": 1}, [1], True])
def test_cells_the_api_cannot_show_are_refused(session: Session, cell: object) -> None:
    article = make_article(session)
    assert article.id is not None
    data = {"title": "T", "columns": [{"key": "a", "label": "A", "type": "number"}], "rows": [[cell]]}
    with pytest.raises(ValueError, match="row 1 has a cell"):
        service.add_table(session, article.id, 0, data)
