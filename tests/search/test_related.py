"""GET /v1/articles/{slug}/related and the editors' pins and exclusions behind it."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.search import index
from app.search import related as related_service
from app.search.models import SearchDocument
from app.search.related import HALF_LIFE_DAYS, WEIGHTS
from tests.assertions import assert_problem
from tests.factories import audit_trail, key_headers, make_category, make_hidden_articles, make_tag
from tests.search.helpers import story

MARS = "The rover drilled into the ancient lake bed on Mars and found layered clay"


@pytest.fixture
def newsroom(session: Session) -> dict[str, Any]:
    """A subject about Mars and articles related to it by tags, category, text and time, or not at all."""
    space = make_category(session, slug="space")
    sport = make_category(session, slug="sport")
    mars, rovers, lakes = (make_tag(session, slug=s) for s in ("mars", "rovers", "lakes"))
    subject = story(
        session, "Mars rover finds ancient lake", MARS, category=space, tags=[mars, rovers, lakes], days=30
    )
    twin = story(
        session, "Rover maps Mars lake shoreline", MARS, category=space, tags=[mars, rovers], days=31
    )
    cousin = story(
        session, "Clay minerals tell of wet Mars", "Orbiters saw clay", category=sport, tags=[mars], days=20
    )
    neighbour = story(session, "Comet passes quietly", "Bright tail seen", category=space, days=29)
    stranger = story(session, "Cup final tonight", "Two teams meet", category=sport, days=-300)
    hidden = make_hidden_articles(session, category=space, slug_prefix="hidden-")
    for article in hidden.values():
        article.title = "Secret dossier"
        session.add(article)
    session.commit()
    return {
        "subject": subject,
        "twin": twin,
        "cousin": cousin,
        "neighbour": neighbour,
        "stranger": stranger,
        "hidden": hidden,
        "editor": key_headers(session, "content:write", name="editor"),
    }


def related(client: TestClient, slug: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/v1/articles/{slug}/related", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_ordered_by_shared_tags_category_text_and_time(client: TestClient, newsroom: dict[str, Any]) -> None:
    items = related(client, newsroom["subject"].slug)
    assert [item["id"] for item in items] == [
        newsroom["twin"].id,
        newsroom["cousin"].id,
        newsroom["neighbour"].id,
    ]
    twin, cousin, neighbour = (item["reasons"] for item in items)
    assert twin["shared_tags"] == ["mars", "rovers"]
    assert twin["same_category"] is True
    assert twin["published_days_apart"] == 1.0
    assert twin["pinned"] is False
    assert cousin["shared_tags"] == ["mars"]
    assert cousin["same_category"] is False
    assert cousin["published_days_apart"] == 10.0
    assert neighbour == {
        "pinned": False,
        "shared_tags": [],
        "same_category": True,
        "text_similarity": 0.0,
        "published_days_apart": 1.0,
    }
    assert 0 < cousin["text_similarity"] < twin["text_similarity"] <= 1
    for item in items:
        reasons = item["reasons"]
        expected = (
            WEIGHTS["shared_tags"] * len(reasons["shared_tags"]) / 3
            + WEIGHTS["same_category"] * reasons["same_category"]
            + WEIGHTS["text_similarity"] * reasons["text_similarity"]
            + WEIGHTS["recency"] * 0.5 ** (reasons["published_days_apart"] / HALF_LIFE_DAYS)
        )
        assert item["score"] == pytest.approx(expected, abs=1e-3)
    assert {"slug", "title", "category_slug", "tag_slugs", "published_at"} <= set(items[0])
    assert items[0]["tag_slugs"] == ["mars", "rovers"]


def test_documents_without_stored_terms_relate_as_they_would_with_them(
    client: TestClient, session: Session, newsroom: dict[str, Any]
) -> None:
    """Documents stored before terms were kept (`''`) have theirs worked out from their texts: the same
    scores as from stored terms, whichever of the subject and the candidates lack them."""
    expected = related(client, newsroom["subject"].slug, limit=10)
    assert expected[0]["reasons"]["text_similarity"] > 0
    # each read a URL of its own (a limit above the three answers), never a cached answer
    for limit, without in ((9, [newsroom["subject"].id]), (8, [newsroom["twin"].id, newsroom["cousin"].id])):
        session.execute(
            update(SearchDocument).where(col(SearchDocument.article_id).in_(without)).values(terms="")
        )
        session.commit()
        assert related(client, newsroom["subject"].slug, limit=limit) == expected
        index.reindex(session.connection(), without)
        session.commit()
    assert set(session.exec(select(SearchDocument.terms)).all()) != {""}


def test_unrelated_hidden_and_the_subject_itself_never_appear(
    client: TestClient, newsroom: dict[str, Any]
) -> None:
    ids = {item["id"] for item in related(client, newsroom["subject"].slug, limit=100)}
    assert newsroom["stranger"].id not in ids
    assert newsroom["subject"].id not in ids
    assert not ids & {a.id for a in newsroom["hidden"].values()}


def test_limit(client: TestClient, newsroom: dict[str, Any]) -> None:
    assert [item["id"] for item in related(client, newsroom["subject"].slug, limit=1)] == [
        newsroom["twin"].id
    ]
    response = client.get(f"/v1/articles/{newsroom['subject'].slug}/related", params={"limit": 101})
    assert_problem(response, 400)
    response = client.get(f"/v1/articles/{newsroom['subject'].slug}/related", params={"limit": 0})
    assert_problem(response, 400)


def test_an_unknown_or_hidden_subject_is_a_404(client: TestClient, newsroom: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/articles/no-such-story/related"), 404)
    for article in newsroom["hidden"].values():
        assert_problem(client.get(f"/v1/articles/{article.slug}/related"), 404)


def test_an_article_with_no_tags_or_words_in_common_still_answers(
    client: TestClient, session: Session
) -> None:
    lonely = story(session, "Zzz", "")
    assert related(client, lonely.slug) == []


def test_category_neighbours_are_the_nearest_public_ones_either_side(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(related_service, "NEIGHBOURS", 2)
    section = make_category(session, slug="section")
    subject = story(session, "Harbour opens", category=section, days=10)
    made = {
        days: story(session, f"Story {days}", category=section, days=days, status=status).id
        for days, status in [
            (4, "published"),
            (7, "scheduled"),  # scheduled, and its time has come: public
            (8, "published"),
            (11, "scheduled"),
            (12, "published"),
            (13, "published"),
        ]
    }
    make_hidden_articles(session, category=section)
    ids = {item["id"] for item in related(client, subject.slug, limit=100)}
    assert ids == {made[7], made[8], made[11], made[12]}


def test_caching_names_the_subject_and_every_result(client: TestClient, newsroom: dict[str, Any]) -> None:
    response = client.get(f"/v1/articles/{newsroom['subject'].slug}/related")
    keys = set(response.headers["surrogate-key"].split())
    expected = {f"article:{newsroom[name].id}" for name in ("subject", "twin", "cousin", "neighbour")}
    assert expected | {"articles:list"} <= keys
    assert response.headers["cache-control"].startswith("public, max-age=30, s-maxage=60")


# --- editors' pins and exclusions ----------------------------------------------------------------------


def _overrides(client: TestClient, newsroom: dict[str, Any]) -> tuple[dict[str, Any], str]:
    response = client.get(f"/v1/admin/articles/{newsroom['subject'].id}/related", headers=newsroom["editor"])
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    return response.json(), response.headers["etag"]


def _put(client: TestClient, newsroom: dict[str, Any], etag: str | None, **body: Any) -> Any:
    headers = {**newsroom["editor"], **({"If-Match": etag} if etag else {})}
    return client.put(f"/v1/admin/articles/{newsroom['subject'].id}/related", headers=headers, json=body)


def test_pins_lead_and_exclusions_vanish(
    client: TestClient, session: Session, newsroom: dict[str, Any]
) -> None:
    view, etag = _overrides(client, newsroom)
    assert view == {"article_id": newsroom["subject"].id, "pins": [], "excludes": []}
    draft = newsroom["hidden"]["draft"]
    pins = [newsroom["stranger"].id, draft.id, newsroom["neighbour"].id]
    response = _put(client, newsroom, etag, pins=pins, excludes=[newsroom["twin"].id])
    assert response.status_code == 200, response.text
    view = response.json()
    assert [p["id"] for p in view["pins"]] == pins
    assert view["pins"][1]["status"] == "draft"
    assert [e["id"] for e in view["excludes"]] == [newsroom["twin"].id]
    assert response.headers["etag"] == _overrides(client, newsroom)[1] != etag

    items = related(client, newsroom["subject"].slug)
    assert [item["id"] for item in items] == [
        newsroom["stranger"].id,
        newsroom["neighbour"].id,
        newsroom["cousin"].id,
    ]
    assert [item["reasons"]["pinned"] for item in items] == [True, True, False]
    assert items[0]["reasons"]["published_days_apart"] == 330.0
    actions = [(action, resource_id) for action, _, resource_id, _, _ in audit_trail(session)]
    assert ("article.related", newsroom["subject"].id) in actions

    response = _put(client, newsroom, response.headers["etag"])  # an empty set clears them
    assert response.json() == {"article_id": newsroom["subject"].id, "pins": [], "excludes": []}
    assert related(client, newsroom["subject"].slug)[0]["id"] == newsroom["twin"].id


def test_replacing_needs_the_current_etag(client: TestClient, newsroom: dict[str, Any]) -> None:
    _, etag = _overrides(client, newsroom)
    assert_problem(_put(client, newsroom, None, pins=[newsroom["twin"].id]), 428)
    assert _put(client, newsroom, etag, pins=[newsroom["twin"].id]).status_code == 200
    assert_problem(_put(client, newsroom, etag, pins=[newsroom["cousin"].id]), 412)
    assert _put(client, newsroom, "*", pins=[newsroom["cousin"].id]).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"pins": ["self"]},
        {"pins": [999_999]},
        {"pins": ["twin", "twin"]},
        {"pins": ["twin"], "excludes": ["twin"]},
        {"pins": [0]},
        {"pins": ["twin"], "extra": 1},
        {"pins": list(range(1, 22))},
    ],
)
def test_bad_override_sets_are_422_and_change_nothing(
    client: TestClient, newsroom: dict[str, Any], body: dict[str, Any]
) -> None:
    names = {"self": newsroom["subject"].id, "twin": newsroom["twin"].id}
    resolved = {k: [names.get(v, v) for v in vs] if isinstance(vs, list) else vs for k, vs in body.items()}
    before, etag = _overrides(client, newsroom)
    assert_problem(_put(client, newsroom, etag, **resolved), 422)
    assert _overrides(client, newsroom) == (before, etag)


def test_overrides_of_an_unknown_article_are_404_and_need_the_write_scope(
    client: TestClient, session: Session, newsroom: dict[str, Any]
) -> None:
    assert_problem(client.get("/v1/admin/articles/999999/related", headers=newsroom["editor"]), 404)
    reader = key_headers(session, "content:read-drafts", name="reader")
    url = f"/v1/admin/articles/{newsroom['subject'].id}/related"
    assert_problem(client.get(url, headers=reader), 403)
    assert_problem(client.put(url, headers={**reader, "If-Match": "*"}, json={}), 403)
    assert client.get(url).status_code == 401
