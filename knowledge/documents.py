"""Read Markdown, text, HTML and PDF files into titled Markdown documents."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tools.errors import Invalid

SUPPORTED_SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


class DocumentError(Invalid):
    """A file that cannot be read as a knowledge document."""

    def __init__(self, detail: str) -> None:
        super().__init__("invalid", detail)


@dataclass
class Document:
    """One source file, as Markdown, with its title and metadata."""

    source: str
    title: str
    markdown: str
    content_hash: str
    metadata: dict = field(default_factory=dict)


def document_format(name: str) -> str:
    """The format of a file name: markdown, text, html or pdf."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise DocumentError(f"{name}: unsupported file type {suffix or '(none)'}; use {supported}")
    return SUPPORTED_SUFFIXES[suffix]


def _front_matter(text: str) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"the front matter is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DocumentError("the front matter must be a mapping (title: ..., level: ...)")
    return data, text[match.end() :]


def _html_to_markdown(raw: bytes) -> tuple[str, str | None]:
    from bs4 import BeautifulSoup
    from markdownify import markdownify

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else None
    body = soup.body or soup
    return markdownify(str(body), heading_style="ATX", strip=["a", "img"]), title


def _pdf_to_markdown(raw: bytes) -> tuple[str, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError) as exc:
        raise DocumentError(f"not a readable PDF: {exc}") from exc
    title = (reader.metadata.title if reader.metadata else None) or None
    # Pages become sections so citations can say where a passage came from.
    parts = [f"## Page {n}\n\n{text.strip()}" for n, text in enumerate(pages, 1) if text.strip()]
    return "\n\n".join(parts), title


def parse_document(source: str, raw: bytes, fmt: str | None = None) -> Document:
    """Turn a file's bytes into a Document; raise DocumentError with the reason on bad input."""
    fmt = fmt or document_format(source)
    content_hash = hashlib.sha256(raw).hexdigest()
    fallback_title = Path(source).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    if fmt == "pdf":
        markdown, title = _pdf_to_markdown(raw)
        meta: dict = {}
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{source}: not UTF-8 text ({exc.reason})") from exc
        if fmt == "html":
            markdown, title = _html_to_markdown(raw)
            meta = {}
        else:
            meta, markdown = _front_matter(text)
            title = meta.get("title")
    if not title:
        heading = _H1.search(markdown)
        title = heading.group(1).strip() if heading else fallback_title
    if not markdown.strip():
        raise DocumentError(f"{source}: the document has no text")
    return Document(source, str(title), markdown, content_hash, meta)


def read_document(path: Path, source: str | None = None) -> Document:
    """Read one file from disk."""
    return parse_document(source or path.name, path.read_bytes())


def collect_files(paths: list[Path]) -> list[tuple[Path, str]]:
    """Expand files and folders into (path, source name) pairs, sources relative to folders."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append((child, child.relative_to(path).as_posix()))
        elif path.is_file():
            document_format(path.name)
            found.append((path, path.name))
        else:
            raise DocumentError(f"{path}: no such file or folder")
    return found
