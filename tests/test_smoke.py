from fastapi.testclient import TestClient


def test_demo_article_list(client: TestClient, demo: object) -> None:
    response = client.get("/v1/articles", params={"limit": 5})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 5
