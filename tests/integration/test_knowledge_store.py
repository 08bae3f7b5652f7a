"""Ingestion into Chroma: formats, idempotency, replacement, deletion and tenant isolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from knowledge.documents import DocumentError, parse_document
from knowledge.ingest import read_paths, sync_folder
from knowledge.store import KnowledgeError, KnowledgeStore, make_client
from tests.pdf import make_pdf
from tools.settings import get_settings

SER_ESTAR = """---
title: Ser vs estar
level: A1
language: en
---
# Ser vs estar

Spanish has two verbs for "to be".

## When to use ser
Ser is for identity, origin, professions and the time: *Soy de Chile.*

## When to use estar
Estar is for location, feelings and temporary states: *Estoy cansado.*
"""

GUSTAR = """# Gustar

## How gustar works
The thing you like is the subject: *Me gusta el café*, *me gustan los libros*.
"""


@pytest.fixture
def store(tmp_path: Path) -> KnowledgeStore:
    return KnowledgeStore(make_client(tmp_path / "chroma"))


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "ser-estar.md").write_text(SER_ESTAR)
    (folder / "gustar.md").write_text(GUSTAR)
    return folder


def test_markdown_is_chunked_along_headings_with_metadata(store, notes):
    report = store.ingest("default", "grammar", read_paths([notes]))
    assert sorted(report.added) == ["gustar.md", "ser-estar.md"]
    sources = {s.source: s for s in store.sources("default", "grammar")}
    assert sources["ser-estar.md"].title == "Ser vs estar"
    assert sources["ser-estar.md"].level == "A1"
    assert sources["ser-estar.md"].chunks == 3
    best = store.search(
        "where is the bank? está or es?", tenant="default", knowledge_bases=["grammar"], k=5
    )
    assert best[0].citation == "Ser vs estar › When to use estar"
    assert best[0].source == "ser-estar.md" and best[0].knowledge_base == "grammar"


def test_reingesting_unchanged_files_adds_nothing(store, notes):
    store.ingest("default", "grammar", read_paths([notes]))
    before = store.sources("default", "grammar")
    again = store.ingest("default", "grammar", read_paths([notes]))
    assert again.added == again.replaced == [] and again.chunks_written == 0
    assert sorted(again.unchanged) == ["gustar.md", "ser-estar.md"]
    assert store.sources("default", "grammar") == before


def test_a_changed_file_replaces_its_chunks(store, notes):
    store.ingest("default", "grammar", read_paths([notes]))
    (notes / "gustar.md").write_text(
        "# Gustar\n\n## Encantar\nEncantar means to love: *me encanta*.\n"
    )
    report = store.ingest("default", "grammar", read_paths([notes]))
    assert report.replaced == ["gustar.md"] and report.unchanged == ["ser-estar.md"]
    assert report.chunks_deleted == 1
    hits = store.search("me gustan los libros", tenant="default", knowledge_bases=["grammar"], k=10)
    texts = [h.text for h in hits if h.source == "gustar.md"]
    assert texts == ["Encantar means to love: *me encanta*."]


def test_delete_and_folder_sync_remove_sources(store, notes):
    store.ingest("default", "grammar", read_paths([notes]))
    report = store.delete_sources("default", "grammar", ["gustar.md"])
    assert report.deleted == ["gustar.md"] and report.chunks_deleted == 1
    assert [s.source for s in store.sources("default", "grammar")] == ["ser-estar.md"]
    (notes / "ser-estar.md").unlink()
    synced = sync_folder(store, notes, tenant="default", kb="grammar")
    assert synced.deleted == ["ser-estar.md"] and synced.added == ["gustar.md"]
    assert [s.source for s in store.sources("default", "grammar")] == ["gustar.md"]


def test_text_html_and_pdf_are_ingested(store, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "numbers.txt").write_text("Numbers\n\nUno, dos, tres, cuatro, cinco.")
    (folder / "por-para.html").write_text(
        "<html><head><title>Por y para</title><script>var x = 1;</script></head><body>"
        "<h1>Por y para</h1><h2>Para</h2><p>Para shows purpose: <b>para aprender</b>.</p>"
        "<h2>Por</h2><p>Por shows cause: por la lluvia.</p></body></html>"
    )
    (folder / "time.pdf").write_bytes(
        make_pdf([["Telling the time", "Son las tres y media."], ["Es la una."]], title="La hora")
    )
    report = store.ingest("default", "mixed", read_paths([folder]))
    assert sorted(report.added) == ["numbers.txt", "por-para.html", "time.pdf"]
    titles = {s.source: (s.title, s.chunks) for s in store.sources("default", "mixed")}
    assert titles == {
        "numbers.txt": ("Numbers", 1),
        "por-para.html": ("Por y para", 2),
        "time.pdf": ("La hora", 2),
    }
    hit = store.search("para aprender", tenant="default", knowledge_bases=["mixed"], k=1)[0]
    assert hit.citation == "Por y para › Para" and "var x" not in hit.text
    pdf_hit = store.search("son las tres y media", tenant="default", knowledge_bases=["mixed"], k=1)
    assert pdf_hit[0].citation == "La hora › Page 1"


def test_tenants_never_see_each_others_chunks(store, tmp_path):
    secret = tmp_path / "acme"
    secret.mkdir()
    (secret / "pricing.md").write_text(
        "# Acme pricing\n\n## Plans\nThe gold plan costs 99 euros.\n"
    )
    store.ingest("acme", "docs", read_paths([secret]))
    mine = tmp_path / "globex"
    mine.mkdir()
    (mine / "menu.md").write_text("# Globex menu\n\n## Lunch\nPaella on Fridays.\n")
    store.ingest("globex", "docs", read_paths([mine]))

    for query in ("how much is the gold plan?", "99 euros", "paella"):
        hits = store.search(query, tenant="globex", knowledge_bases=["docs"], k=10)
        assert hits and {h.tenant for h in hits} == {"globex"}
        assert all("gold plan" not in h.text for h in hits)
    assert store.search("gold plan", tenant="initech", knowledge_bases=["docs"]) == []
    assert [kb.tenant for kb in store.knowledge_bases("acme")] == ["acme"]
    with pytest.raises(KnowledgeError):
        store.sources("globex", "secret-kb")


def test_bad_input_is_refused_with_the_reason(store, tmp_path):
    with pytest.raises(DocumentError, match="unsupported file type .docx"):
        parse_document("notes.docx", b"PK")
    with pytest.raises(DocumentError, match="not a readable PDF"):
        parse_document("broken.pdf", b"%PDF-1.4 nonsense")
    with pytest.raises(DocumentError, match="no text"):
        parse_document("empty.md", b"---\ntitle: Empty\n---\n   \n")
    with pytest.raises(DocumentError, match="not UTF-8"):
        parse_document("latin.txt", "canción".encode("latin-1"))
    with pytest.raises(KnowledgeError, match="tenant 'Acme Corp' is not valid"):
        store.search("x", tenant="Acme Corp", knowledge_bases=["docs"])
    with pytest.raises(DocumentError, match="no such file"):
        store.ingest("default", "docs", read_paths([tmp_path / "missing"]))
    assert store.knowledge_bases() == []


def test_cli_ingest_ls_search_and_delete(notes, tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "cli-chroma"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        first = runner.invoke(cli, ["knowledge", "ingest", str(notes), "--kb", "grammar"])
        assert first.exit_code == 0, first.output
        assert "2 added" in first.output
        again = runner.invoke(cli, ["knowledge", "ingest", str(notes), "--kb", "grammar"])
        assert "0 added" in again.output and "2 unchanged" in again.output
        listing = runner.invoke(cli, ["knowledge", "ls", "--kb", "grammar"])
        assert "ser-estar.md" in listing.output and "Ser vs estar" in listing.output
        found = runner.invoke(
            cli, ["knowledge", "search", "me gustan los libros", "--kb", "grammar"]
        )
        assert "Gustar › How gustar works" in found.output
        gone = runner.invoke(
            cli, ["knowledge", "ingest", "--delete", str(notes / "gustar.md"), "--kb", "grammar"]
        )
        assert "1 deleted" in gone.output
        bad = runner.invoke(cli, ["knowledge", "ingest", str(tmp_path / "nope.md"), "--kb", "g"])
        assert bad.exit_code == 2 and "no such file" in " ".join(bad.output.split())
    finally:
        get_settings.cache_clear()


def test_embedding_ingestion_and_search_need_no_network(tmp_path, notes, monkeypatch):
    import socket

    from knowledge.embeddings import E5SmallEmbeddings

    def refuse(*args, **kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    store = KnowledgeStore(make_client(tmp_path / "offline"))
    store.embed = E5SmallEmbeddings()  # a fresh model load, not one cached before the cut
    store.ingest("default", "grammar", read_paths([notes]))
    hits = store.search("me gustan los libros", tenant="default", knowledge_bases=["grammar"])
    assert hits[0].source == "gustar.md"


def test_a_provider_embedding_model_gets_its_own_collections(tmp_path, notes, monkeypatch):
    import hashlib

    import numpy as np

    from knowledge.bm25 import tokenize
    from tests.fake_openai import fake_openai

    def bag_of_words(text: str) -> list[float]:
        vector = np.zeros(64)
        for token in tokenize(text):
            vector[int(hashlib.md5(token.encode()).hexdigest(), 16) % 64] += 1
        return list(vector / (np.linalg.norm(vector) or 1))

    def respond(body):
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": bag_of_words(text)}
            for i, text in enumerate(inputs)
        ]
        return 200, {
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    client = make_client(tmp_path / "chroma")
    with fake_openai(respond) as (url, seen):
        store = KnowledgeStore(client, "openai:text-embedding-3-small", url)
        store.ingest("default", "grammar", read_paths([notes]))
        hits = store.search(
            "me gustan los libros", tenant="default", knowledge_bases=["grammar"], mode="dense"
        )
    assert hits[0].source == "gustar.md"
    assert {r["model"] for r in seen} == {"text-embedding-3-small"}
    assert all(isinstance(text, str) for r in seen for text in r["input"])
    assert KnowledgeStore(client).knowledge_bases() == [], "e5 sees none of those vectors"
    assert [kb.knowledge_base for kb in store.knowledge_bases()] == ["grammar"]
