"""The lexical half of hybrid search."""

from __future__ import annotations

from knowledge.bm25 import BM25Index, tokenize

CHUNKS = [
    ("a", "La canción tiene tilde en la o.", {"title": "Accents", "section": "Tildes"}),
    ("b", "Me gusta el café; me gustan los libros.", {"title": "Gustar", "section": ""}),
    ("c", "Uno, dos, tres. Los números del uno al diez.", {"title": "Numbers", "section": ""}),
]


def test_tokens_are_lowercased_and_accent_folded():
    assert tokenize("¿Canción, AÑO?") == ["cancion", "ano"]


def test_the_chunk_sharing_rare_terms_ranks_first_and_typed_without_accents():
    index = BM25Index(CHUNKS)
    assert [hit[0] for hit in index.search("cancion tilde", k=3)] == ["a"]
    assert index.search("me gustan los libros", k=1)[0][0] == "b"
    assert index.search("numbers", k=1)[0][0] == "c", "titles are indexed too"


def test_no_shared_term_means_no_hit():
    assert BM25Index(CHUNKS).search("xyzzy quux", k=3) == []
    assert BM25Index([]).search("anything", k=3) == []
