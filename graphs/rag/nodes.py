"""Nodes of the retrieval graph: rewrite, retrieve, filter, then answer or extract."""

from __future__ import annotations

import asyncio
import logging
import re

from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from graphs.rag.context import RagContext
from graphs.rag.prompts import ANSWER, REWRITE
from graphs.rag.state import RagState
from knowledge.bm25 import tokenize
from knowledge.ingest import DEFAULT_TENANT
from tools.language import language_name

log = logging.getLogger(__name__)

# Passages much less similar than the best one are about something else.
SCORE_MARGIN = 0.04
MAX_PASSAGES = 3
EXTRACT_CHARS = 700
_CITED = re.compile(r"\[(\d+)\]")
NOT_FOUND = (
    "I couldn't find that in the course notes. Try asking about a grammar point, e.g. "
    "“when do I use ser or estar?” or “how does gustar work?”"
)


async def rewrite(state: RagState, runtime: Runtime[RagContext]) -> dict:
    """Turn a follow-up into a standalone query when a model and a conversation are there."""
    question = state["question"].strip()
    history = state.get("history") or []
    model = runtime.context.llm() if runtime.context.rewrite and history else None
    if model is None:
        return {"query": question}
    system = SystemMessage(
        REWRITE.format(target=language_name(state.get("target_language"), "Spanish"))
    )
    try:
        answer = await model.ainvoke([system, *history[-6:], HumanMessage(question)])
    except Exception:
        log.exception("query rewrite failed; searching the question as asked")
        return {"query": question}
    query = str(answer.content).strip().strip('"')
    return {"query": query or question}


async def retrieve(state: RagState, runtime: Runtime[RagContext]) -> dict:
    """The passages closest to the query, within the tenant's knowledge bases and level."""
    # Opening the store reads the Chroma folder: off the event loop, like the search.
    store = await asyncio.to_thread(runtime.context.store)
    passages = await asyncio.to_thread(
        store.search,
        state.get("query") or state["question"],
        tenant=state.get("tenant") or DEFAULT_TENANT,
        knowledge_bases=state.get("knowledge_bases") or ["es-grammar"],
        level=state.get("level"),
        k=runtime.context.k,
    )
    return {"passages": [p.__dict__ | {"citation": p.citation} for p in passages]}


def relevant(passages: list[dict], min_score: float, query: str = "") -> list[dict]:
    """Passages above the floor and close to the best one, one per section, best first.

    A section of the best passage's note that names what the best one doesn't ("when do I use
    ser and when estar?" → the *estar* section after the *ser* one) comes second; the note's
    introduction, when it is that section, comes first.
    """
    best = max((p["score"] for p in passages), default=0.0)
    if best < min_score:
        return []
    kept: list[dict] = []
    seen: set[str] = set()
    for passage in passages:
        if passage["score"] < max(min_score, best - SCORE_MARGIN) or passage["citation"] in seen:
            continue
        seen.add(passage["citation"])
        kept.append(passage)
    _explanation_leads(kept)
    complement = _complement(kept, query)
    if complement is not None:
        kept.remove(complement)
        if _is_overview(complement):
            kept.insert(0, complement)  # the note's own introduction names both: it leads
        else:
            complement["complements_best"] = True
            kept.insert(1, complement)
    return kept[:MAX_PASSAGES]


# A numbered item with its answer after an arrow ("1. Yo ___ de Colombia. → *soy*").
_PRACTICE_LINE = re.compile(r"^\s*\d+[.)]\s.*→")


def is_practice(text: str) -> bool:
    """Whether a passage is mostly numbered exercises with answers rather than explanation."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and sum(bool(_PRACTICE_LINE.search(line)) for line in lines) * 2 > len(lines)


def _explanation_leads(kept: list[dict]) -> None:
    """An exercise section never leads when its note has an explanation among the passages."""
    if not kept or not is_practice(kept[0]["text"]):
        return
    best = kept[0]
    explanation = next(
        (p for p in kept[1:] if p["source"] == best["source"] and not is_practice(p["text"])),
        None,
    )
    if explanation is not None:
        kept.remove(explanation)
        kept.insert(0, explanation)


def _words(text: str) -> set[str]:
    return {word for word in tokenize(text) if len(word) > 2}


def _is_overview(passage: dict) -> bool:
    return not passage["section"] or passage["section"] == passage["title"]


def _heading_words(passage: dict) -> set[str]:
    return _words((passage["section"] or passage["title"]).split(" › ")[-1])


def _complement(kept: list[dict], query: str) -> dict | None:
    """The section of the best note about the note's topic words the best section lacks."""
    if len(kept) < 2:
        return None
    best = kept[0]
    wanted = _words(query) & _words(best["title"]) - _heading_words(best)
    candidates = [
        p for p in kept[1:] if p["source"] == best["source"] and wanted & _heading_words(p)
    ]
    if not candidates:
        return None
    # Parallel headings win: "When to use ser" is answered by "When to use estar".
    return max(candidates, key=lambda p: len(_heading_words(p) & (wanted | _heading_words(best))))


async def filter_passages(state: RagState, runtime: Runtime[RagContext]) -> dict:
    """Drop passages that are not about the question."""
    query = state.get("query") or state["question"]
    kept = relevant(state.get("passages") or [], runtime.context.min_score, query)
    return {"passages": kept, "found": bool(kept)}


def citation_of(passage: dict) -> dict:
    """The citation a reply shows for a passage."""
    return {
        "title": passage["title"],
        "section": passage["section"],
        "source": passage["source"],
        "knowledge_base": passage["knowledge_base"],
    }


def shorten(text: str, limit: int = EXTRACT_CHARS) -> str:
    """Cut text at a line or sentence end before `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("\n"), cut.rfind(". "))
    return (cut[: end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0]).rstrip() + " …"


def chat_markdown(text: str) -> str:
    """Notes use Markdown's **bold**; chat apps bold with single asterisks."""
    return text.replace("**", "*")


def _sources_line(passages: list[dict]) -> str:
    return "\n".join(f"📖 {p['citation']}" for p in passages)


async def extract(state: RagState) -> dict:
    """Without a model: the best passage, shortened, with where it comes from."""
    best, *others = state["passages"]
    text = f"From the course notes — *{best['citation']}*:\n\n{shorten(best['text'])}"
    # A question about two things ("ser or estar?") wants both sections of the note.
    if others and others[0].get("complements_best"):
        second = others.pop(0)
        text += f"\n\n*{second['citation']}*:\n\n{shorten(second['text'])}"
    elif (
        others
        and others[0]["source"] == best["source"]
        and best["score"] - others[0]["score"] < 0.01
    ):
        second = others.pop(0)
        text += f"\n\n*{second['citation']}*:\n\n{shorten(second['text'], EXTRACT_CHARS // 2)}"
    if others:
        text += "\n\nSee also: " + "; ".join(p["citation"] for p in others)
    return {
        "answer": chat_markdown(text),
        "citations": [citation_of(p) for p in state["passages"]],
        "generated": False,
    }


async def generate(state: RagState, runtime: Runtime[RagContext]) -> dict:
    """With a model: an answer written from the passages, citing them by number."""
    passages = state["passages"]
    notes = "\n\n".join(f"[{n}] {p['citation']}\n{p['text']}" for n, p in enumerate(passages, 1))
    system = SystemMessage(
        ANSWER.format(
            target=language_name(state.get("target_language"), "Spanish"),
            native=language_name(state.get("answer_language"), "English"),
            level=state.get("level") or "A1",
            notes=notes,
        )
    )
    try:
        answer = await runtime.context.llm().ainvoke([system, HumanMessage(state["question"])])
    except Exception:
        log.exception("answer model failed; falling back to the passage itself")
        return await extract(state)
    text = str(answer.content).strip()
    cited = [int(n) for n in _CITED.findall(text) if 0 < int(n) <= len(passages)]
    used = [passages[n - 1] for n in dict.fromkeys(cited)] or passages[:1]
    return {
        "answer": f"{text}\n\n{_sources_line(used)}",
        "citations": [citation_of(p) for p in used],
        "generated": True,
    }


async def not_found(state: RagState) -> dict:
    """Nothing relevant: say so rather than guess."""
    return {"answer": NOT_FOUND, "citations": [], "generated": False}
