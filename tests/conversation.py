"""Drive a learner through the tutor, answering from the shipped course data."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import yaml

from knowledge.seed import STARTER_COURSE
from tools.language import guess_language
from tools.text import strip_accents

Send = Callable[[str], Awaitable[list[dict]]]


def course_exercises() -> list[dict]:
    """Every exercise and placement question of the starter course, as written."""
    items = []
    for path in sorted((STARTER_COURSE / "lessons").glob("*.yaml")):
        lesson = yaml.safe_load(path.read_text(encoding="utf-8"))
        items += [{**e, "lesson": lesson["position"]} for e in lesson["exercises"]]
    placement = yaml.safe_load((STARTER_COURSE / "placement.yaml").read_text(encoding="utf-8"))
    return items + [{**q, "lesson": 0} for q in placement["questions"]]


def course_vocabulary() -> list[dict]:
    """Every vocabulary entry of the starter course."""
    words = []
    for path in sorted((STARTER_COURSE / "lessons").glob("*.yaml")):
        words += yaml.safe_load(path.read_text(encoding="utf-8"))["vocabulary"]
    return words


def shown_exercise(replies: list[dict]) -> dict | None:
    """The course exercise whose prompt the last exercise reply shows."""
    for message in reversed(replies):
        header = re.match(
            r"^\*(Exercise|Question|Review) (\d+)/(\d+)\*\n(.*)$", message["text"], re.S
        )
        if not header:
            continue
        prompt = header.group(4).strip()
        for item in course_exercises():
            if item["prompt"].strip() == prompt:
                return item
        for word in course_vocabulary():
            meaning = word["translation"].split("/")[0].strip()
            if prompt == f"How do you say “{meaning}”?":
                return {
                    "id": f"vocab:{word['term']}",
                    "prompt": prompt,
                    "answers": [word["term"]],
                    "type": "vocab",
                }
        raise AssertionError(f"the reply shows an exercise not in the course: {prompt!r}")
    return None


def wrong_answer(item: dict) -> str:
    """An answer that is certainly wrong for the item."""
    if item["type"] == "multiple_choice":
        wrong = next(o for o in item["options"] if o != item["answers"][0])
        return str(item["options"].index(wrong) + 1)
    # Wrong, but in the answer's language: gibberish would be asked about, not graded.
    english = guess_language(item["answers"][0]) == "en"
    return "the dog is very big" if english else "el perro es muy grande"


@dataclass
class Learner:
    """A scripted learner talking through `send`, keeping the whole transcript."""

    send: Send
    transcript: list[tuple[str, list[dict]]] = field(default_factory=list)

    async def say(self, text: str) -> list[dict]:
        replies = await self.send(text)
        assert replies, f"no reply to {text!r}"
        self.transcript.append((text, replies))
        return replies

    async def answer(
        self, replies: list[dict], *, correct: bool, accentless: bool = False
    ) -> tuple[dict, list[dict]]:
        item = shown_exercise(replies)
        assert item is not None, f"no exercise in {[r['text'] for r in replies]}"
        if not correct:
            text = wrong_answer(item)
        elif accentless:
            text = strip_accents(item["answers"][0].lower())
        else:
            text = item["answers"][0]
        return item, await self.say(text)


def texts(replies: list[dict]) -> str:
    """All reply texts of a turn, joined."""
    return "\n".join(r["text"] for r in replies)


async def six_steps(
    learner: Learner, restart: Callable[[], Awaitable[None]] | None = None, *, model: bool = False
) -> None:
    """Onboarding → placement → lesson 1 → progress → review, asserting what the learner sees.

    `restart` is awaited between turns where a server restart would hurt most.
    """
    replies = await learner.say("hi")
    assert "Which language would you like to learn" in texts(replies)
    assert {"id": "es", "title": "Spanish"} in replies[-1]["buttons"]
    replies = await learner.say("es")
    assert "which language do you speak" in texts(replies)
    replies = await learner.say("English")
    assert [b["id"] for b in replies[-1]["buttons"]] == ["quiz", "scratch"]
    replies = await learner.say("quiz")
    assert "*Question 1/10*" in texts(replies)
    for number in range(10):
        _, replies = await learner.answer(replies, correct=number < 3)
    assert "3/10 correct" in texts(replies) and "Your level is *A1*" in texts(replies)

    replies = await learner.say("yes")
    assert "Lesson 1 ·" in texts(replies) and "*Exercise 1/10*" in texts(replies)
    if restart:
        await restart()
    missed = []
    for number in range(10):
        wrong = number in (1, 4)
        item, replies = await learner.answer(replies, correct=not wrong, accentless=number == 0)
        feedback = replies[0]["text"]
        if wrong:
            missed.append(item["id"])
            assert feedback.startswith("❌") and item["answers"][0] in feedback
            if model:
                assert "Personal note" in feedback
            else:
                assert item["explanation"] in feedback
        else:
            assert feedback.startswith("✅") and item["explanation"] in feedback
        if number == 4 and restart:
            await restart()
    assert "complete: 8/10 correct" in texts(replies)

    replies = await learner.say("How am I doing?")
    report = texts(replies)
    assert "Lessons: 1/10 done" in report and "Accuracy: 80% (8/10 answers)" in report
    assert "🔥 1 day" in report
    due = int(re.search(r"(\d+) due for review", report).group(1))
    assert due >= len(missed)

    replies = await learner.say("review")
    assert f"Review time: {min(due, 10)} items" in texts(replies)
    first, _ = shown_exercise(replies), None
    assert first["id"] == missed[0], "missed items are reviewed before new words"
    served = []
    while True:
        item, replies = await learner.answer(replies, correct=True)
        served.append(item["id"])
        if "Review done" in texts(replies):
            break
    assert served[:2] == missed
    assert f"Review done: {len(served)}/{len(served)} correct" in texts(replies)
