"""The demo newsroom: what it contains, and that loading it again changes nothing."""

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from app.demo import content
from app.demo.loader import load_demo


def _row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.exec(select(func.count()).select_from(table)).one()
        for table in SQLModel.metadata.sorted_tables
    }


def test_loading_twice_changes_nothing(client: TestClient, session: Session) -> None:
    first = load_demo(session)
    assert first["article"] == len(content.ARTICLES) + len(content.DRAFT_ARTICLES)
    counts = _row_counts(session)
    snapshot = {
        path: client.get(path).content
        for path in ("/v1/articles?limit=100", "/v1/home", "/v1/tables?limit=100")
    }
    assert load_demo(session) == {}
    assert _row_counts(session) == counts
    for path, body in snapshot.items():
        assert client.get(path).content == body


def test_demo_newsroom_contents(client: TestClient, demo: Session) -> None:
    articles = client.get("/v1/articles", params={"limit": 100}).json()
    assert len(articles["items"]) == len(content.ARTICLES)
    assert articles["meta"]["next_cursor"] is None
    slugs = {item["slug"] for item in articles["items"]}
    assert slugs == {a["slug"] for a in content.ARTICLES}
    assert [c["slug"] for c in client.get("/v1/categories").json()["items"]] == [
        "world-politics",
        "fintech-finance",
        "sustainability-living",
        "gaming",
        "business-marketing",
        "technology-ai",
        "fitness-wellness",
    ]
    lead = "kim-jong-un-new-year-greetings-putin-blood-alliance"
    tables = client.get("/v1/tables", params={"article": lead}).json()["items"]
    assert [t["title"] for t in tables] == [
        "Public themes emphasized in the New Year exchange",
        "Timeline of key milestones shaping DPRK–Russia ties",
        "What monitoring efforts are alleging at a high level",
    ]
    assert [len(t["rows"]) for t in tables] == [3, 5, 4]
    assert [c["label"] for c in tables[0]["columns"]] == ["Theme", "What was emphasized", "Why it stands out"]
    # the unpublished demo pieces stay hidden, tables included
    assert client.get("/v1/articles/draft-kim-putin-summit-analysis").status_code == 404
    assert client.get("/v1/articles/scheduled-ai-regulation-outlook-2031").status_code == 404
    all_tables = client.get("/v1/tables", params={"limit": 100}).json()["items"]
    assert {t["article"]["slug"] for t in all_tables} <= slugs
