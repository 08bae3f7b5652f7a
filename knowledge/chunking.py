"""Split a document along its headings into passages small enough to embed and quote."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from knowledge.documents import Document

CHUNK_CHARS = 1200
CHUNK_OVERLAP = 120
_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]


@dataclass
class Chunk:
    """One passage: the section it sits in and its text."""

    index: int
    section: str
    text: str

    def embedding_text(self, title: str) -> str:
        """What gets embedded: the passage with its title and section, which carry its topic."""
        heading = f"{title} — {self.section}" if self.section and self.section != title else title
        return f"{heading}\n{self.text}"


def chunk_document(
    document: Document, chunk_chars: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP
) -> list[Chunk]:
    """Chunks along h1/h2/h3 headings, long sections split again by paragraphs and sentences."""
    by_heading = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True)
    by_size = RecursiveCharacterTextSplitter(
        chunk_size=chunk_chars,
        chunk_overlap=overlap,
        separators=["\n\n", "\n- ", "\n", ". ", " ", ""],
    )
    chunks: list[Chunk] = []
    for section in by_heading.split_text(document.markdown):
        path = [section.metadata[key] for key in ("h1", "h2", "h3") if key in section.metadata]
        if path and path[0] == document.title and len(path) > 1:
            path = path[1:]
        name = " › ".join(path) if path else document.title
        for piece in by_size.split_text(section.page_content):
            if piece.strip():
                chunks.append(Chunk(len(chunks), name, piece.strip()))
    return chunks
