"""The knowledge API for content teams: admin key, ingest, list, search, delete, isolation."""

from __future__ import annotations

import base64

import pytest

from tests.e2e.test_web_api import Server
from tests.pdf import make_pdf

KEY = "admin-secret-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
NOTE = (
    "# Por y para\n\n## Para\nPara shows purpose: *estudio para aprender*.\n\n"
    "## Por\nPor shows cause: *por la lluvia*.\n"
)


@pytest.fixture
async def api(sqlite_url, tmp_path):
    server = Server(sqlite_url, admin_api_key=KEY, chroma_path=tmp_path / "chroma")
    await server.start()
    yield server.client
    await server.stop()


async def test_the_admin_key_is_required(sqlite_url, tmp_path, api):
    assert (await api.get("/v1/knowledge")).status_code == 401
    wrong = await api.get("/v1/knowledge", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "forbidden"
    assert (await api.get("/v1/knowledge", headers={"X-API-Key": KEY})).status_code == 200
    closed = Server(sqlite_url, admin_api_key=None, chroma_path=tmp_path / "closed")
    await closed.start()
    try:
        response = await closed.client.get("/v1/knowledge", headers=AUTH)
        assert response.status_code == 503 and "ADMIN_API_KEY" in response.json()["detail"]
    finally:
        await closed.stop()


async def test_ingest_list_search_and_delete(api):
    pdf = base64.b64encode(make_pdf([["Son las tres y media."]], title="La hora")).decode()
    body = {
        "tenant": "acme",
        "level": "A2",
        "documents": [
            {"source": "por-para.md", "content": NOTE},
            {"source": "time.pdf", "content_base64": pdf},
        ],
    }
    first = await api.post("/v1/knowledge/notes/documents", json=body, headers=AUTH)
    assert first.status_code == 200, first.text
    assert first.json()["added"] == ["por-para.md", "time.pdf"]
    again = await api.post("/v1/knowledge/notes/documents", json=body, headers=AUTH)
    assert again.json()["unchanged"] == ["por-para.md", "time.pdf"]
    assert again.json()["chunks_written"] == 0

    listing = (await api.get("/v1/knowledge", params={"tenant": "acme"}, headers=AUTH)).json()
    assert listing == {
        "knowledge_bases": [{"tenant": "acme", "knowledge_base": "notes", "chunks": 3}]
    }
    sources = (
        await api.get("/v1/knowledge/notes/sources", params={"tenant": "acme"}, headers=AUTH)
    ).json()["sources"]
    assert [(s["source"], s["title"], s["level"]) for s in sources] == [
        ("por-para.md", "Por y para", "A2"),
        ("time.pdf", "La hora", "A2"),
    ]

    found = await api.post(
        "/v1/knowledge/notes/search",
        headers=AUTH,
        json={"query": "estudio para aprender", "tenant": "acme", "k": 2},
    )
    top = found.json()["passages"][0]
    assert top["citation"] == "Por y para › Para" and top["tenant"] == "acme"

    gone = await api.delete(
        "/v1/knowledge/notes/sources/time.pdf", params={"tenant": "acme"}, headers=AUTH
    )
    assert gone.json()["deleted"] == ["time.pdf"]
    again = await api.delete(
        "/v1/knowledge/notes/sources/time.pdf", params={"tenant": "acme"}, headers=AUTH
    )
    assert again.status_code == 404
    dropped = await api.delete("/v1/knowledge/notes", params={"tenant": "acme"}, headers=AUTH)
    assert dropped.json()["deleted"] is True
    assert (await api.get("/v1/knowledge", headers=AUTH)).json() == {"knowledge_bases": []}


async def test_another_tenant_cannot_reach_the_documents(api):
    body = {"tenant": "acme", "documents": [{"source": "por-para.md", "content": NOTE}]}
    await api.post("/v1/knowledge/notes/documents", json=body, headers=AUTH)
    search = {"query": "por la lluvia", "tenant": "globex"}
    response = await api.post("/v1/knowledge/notes/search", json=search, headers=AUTH)
    assert response.status_code == 404 and "globex" in response.json()["detail"]
    sources = await api.get(
        "/v1/knowledge/notes/sources", params={"tenant": "globex"}, headers=AUTH
    )
    assert sources.status_code == 404
    assert (await api.get("/v1/knowledge", params={"tenant": "globex"}, headers=AUTH)).json() == {
        "knowledge_bases": []
    }


async def test_bad_documents_are_refused_and_nothing_is_written(api):
    cases = [
        ({"source": "notes.docx", "content": "x"}, 422, "unsupported file type"),
        (
            {"source": "a.md", "content": "x", "content_base64": "eA=="},
            422,
            "exactly one of content or content_base64",
        ),
        ({"source": "a.pdf", "content_base64": "***"}, 422, "not valid base64"),
        (
            {"source": "a.pdf", "content_base64": base64.b64encode(b"nope").decode()},
            422,
            "not a readable PDF",
        ),
    ]
    for bad, status, message in cases:
        body = {"documents": [{"source": "good.md", "content": NOTE}, bad]}
        response = await api.post("/v1/knowledge/notes/documents", json=body, headers=AUTH)
        assert response.status_code == status, response.text
        assert message in str(response.json()["detail"])
    bad_tenant = {"tenant": "Acme Corp", "documents": [{"source": "a.md", "content": NOTE}]}
    response = await api.post("/v1/knowledge/notes/documents", json=bad_tenant, headers=AUTH)
    assert response.status_code == 422 and "tenant 'Acme Corp' is not valid" in response.text
    assert (await api.get("/v1/knowledge", headers=AUTH)).json() == {"knowledge_bases": []}
