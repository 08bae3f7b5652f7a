"""The retrieval graph over the shipped grammar notes: extracts, model answers, citations."""

from __future__ import annotations

from pathlib import Path

from langchain_core.messages import AIMessage, HumanMessage

from graphs.rag.context import RagContext
from graphs.rag.graph import graph
from graphs.rag.nodes import NOT_FOUND, is_practice
from knowledge.documents import parse_document
from knowledge.store import KnowledgeStore, levels_up_to, make_client
from tests.conftest import TEST_CHROMA
from tests.fakes import ScriptedChatModel, system_text


def context(**overrides) -> RagContext:
    return RagContext(
        chroma_path=str(TEST_CHROMA),
        chroma_url=None,
        embeddings="e5-small",
        model=None,
        fallback_models=[],
        openai_base_url=None,
        min_score=0.83,
        **overrides,
    )


async def ask(question: str, model=None, **state) -> dict:
    return await graph.ainvoke(
        {"question": question, "tenant": "default", "knowledge_bases": ["es-grammar"], **state},
        context=context(chat_model=model),
    )


async def test_without_a_model_the_best_note_is_quoted_with_its_source():
    result = await ask("¿cuándo uso ser y cuándo estar?", level="A1")
    assert result["found"] and not result["generated"]
    assert result["citations"][0]["source"] == "ser-estar.md"
    assert result["answer"].startswith("From the course notes — *Ser vs estar")
    assert "estar" in result["answer"] and len(result["answer"]) < 2000


async def test_a_question_about_two_things_quotes_both_sections_of_the_note():
    result = await ask("¿cuándo uso ser y cuándo estar?")
    answer = result["answer"]
    assert [c["section"] for c in result["citations"][:2]] == [
        "When to use ser",
        "When to use estar",
    ]
    assert answer.index("› When to use ser*") < answer.index("› When to use estar*")
    assert "*Estoy en casa.*" in answer and "*Soy Ana.*" in answer and len(answer) < 1600


async def test_a_question_about_one_thing_quotes_one_section():
    result = await ask("when do i use estar")
    assert result["citations"][0]["section"] == "When to use estar"
    assert "› When to use ser*" not in result["answer"]


async def test_questions_find_their_note_in_either_language():
    cases = {
        "how do I say I'm 20 years old?": "tener-expressions.md",
        "me gusta o yo gusto?": "gustar.md",
        "is it para mí or por mí when something is for me": "por-para.md",
        "how do i say it's half past two": "telling-time.md",
    }
    for question, source in cases.items():
        result = await ask(question)
        assert result["citations"][0]["source"] == source, question


async def test_off_topic_questions_are_not_answered_from_the_notes():
    result = await ask("who won the football yesterday?")
    assert not result["found"] and result["citations"] == []
    assert result["answer"] == NOT_FOUND


async def test_a_model_rewrites_follow_ups_and_answers_citing_the_notes():
    def respond(messages):
        system = system_text(messages)
        if system.startswith("Rewrite the learner's last message"):
            return "gustar with plural nouns: me gustan los libros"
        if system.startswith("You are Lingo"):
            return "Use *gustan* when what you like is plural: *me gustan los perros* [1]."
        return "?"

    model = ScriptedChatModel(respond=respond)
    history = [HumanMessage("how does gustar work?"), AIMessage("Me gusta el café: ...")]
    result = await graph.ainvoke(
        {
            "question": "and with plural things?",
            "history": history,
            "tenant": "default",
            "knowledge_bases": ["es-grammar"],
            "answer_language": "en",
        },
        context=context(chat_model=model),
    )
    assert result["generated"] and result["found"]
    assert result["answer"].startswith("Use *gustan* when what you like is plural")
    assert result["answer"].endswith(f"📖 {result['passages'][0]['citation']}")
    assert result["citations"][0]["source"] == "gustar.md"
    answer_prompt = system_text(model.calls[-1])
    assert "[1] Gustar" in answer_prompt and "in English" in answer_prompt
    assert model.calls[-1][-1].content == "and with plural things?"


async def test_a_failing_model_falls_back_to_the_note_itself():
    model = ScriptedChatModel(respond=lambda m: "unused", fail=True)
    result = await ask("when do I use ser or estar?", model=model)
    assert result["found"] and not result["generated"]
    assert result["answer"].startswith("From the course notes")


async def test_level_filter_keeps_notes_beyond_the_next_level_out(tmp_path: Path):
    assert levels_up_to("A1") == ["A1", "A2"] and levels_up_to(None) is None
    store = KnowledgeStore(make_client(tmp_path / "chroma"))
    easy = parse_document(
        "easy.md", b"---\nlevel: A1\n---\n# Subjunctive intro\n\nQuiero que vengas."
    )
    hard = parse_document("hard.md", b"---\nlevel: B2\n---\n# Subjunctive\n\nQuiero que vengas.")
    store.ingest("default", "mixed", [easy, hard])
    for_a1 = store.search(
        "quiero que vengas", tenant="default", knowledge_bases=["mixed"], level="A1"
    )
    assert [p.source for p in for_a1] == ["easy.md"]
    for_b1 = store.search(
        "quiero que vengas", tenant="default", knowledge_bases=["mixed"], level="B1"
    )
    assert sorted(p.source for p in for_b1) == ["easy.md", "hard.md"]


async def test_a_short_either_or_question_leads_with_the_notes_introduction():
    result = await ask("por o para?")
    assert result["citations"][0] == {
        "title": "Por vs para",
        "section": "Por vs para",
        "source": "por-para.md",
        "knowledge_base": "es-grammar",
    }
    assert result["answer"].startswith("From the course notes — *Por vs para*:\n\n*Por* and *para*")


def test_numbered_exercises_are_told_from_explanations():
    quick_check = "Choose:\n1. Yo ___ de Colombia. → *soy*\n2. ¿Dónde ___ el banco? → *está*"
    mistakes = "- ✗ *Tengo muy hambre.* → ✓ *Tengo mucha hambre.*\n- ✗ *muy mejor* → ✓ *mejor*"
    assert is_practice(quick_check)
    assert not is_practice(mistakes) and not is_practice("Use *hay* for existence.")


async def test_an_exercise_section_does_not_lead_when_its_note_explains():
    result = await ask("cuando uso hay y cuando uso esta?? ej: donde ___ el baño")
    assert result["citations"][0] == {
        "title": "Hay — there is, there are",
        "section": "Hay vs estar",
        "source": "hay.md",
        "knowledge_base": "es-grammar",
    }
    answer = result["answer"]
    assert answer.index("› Hay vs estar*") < answer.index("Quick check")  # still offered, after
