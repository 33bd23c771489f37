import gc

from fastapi.testclient import TestClient


def test_demo_article_list(client: TestClient, demo: object) -> None:
    response = client.get("/v1/articles", params={"limit": 5})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 5


def test_what_exists_at_startup_is_left_out_of_garbage_collections(client: TestClient) -> None:
    # set aside once per process when the app starts serving (app.main._freeze_startup_heap)
    assert gc.get_freeze_count() > 10_000
