"""LLM-as-judge scores for correction quality, level-appropriateness and tone."""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field

from tools.models import load_chat_model

log = logging.getLogger(__name__)

CRITERIA = {
    "correction_quality": "Are the learner's mistakes (if any) corrected accurately and "
    "explained clearly? Score 1 when there was nothing to correct and nothing wrong was said.",
    "level_appropriateness": "Is the reply pitched at the learner's CEFR level (vocabulary, "
    "grammar, length)?",
    "tone": "Is the reply warm, encouraging and respectful, without being patronising?",
}
PROMPT = """You grade a language tutor's reply. Learner level: {level}; learning {target}, \
speaks {native}.
Criterion: {criterion}
Conversation-specific rubric: {rubric}

Learner said: {user}
Tutor replied: {reply}

Give a score from 0 (fails the criterion) to 1 (fully meets it)."""


class Score(BaseModel):
    """A judge's verdict on one criterion."""

    reasoning: str = Field(description="One or two sentences of justification.")
    score: float = Field(ge=0, le=1)


class Judge:
    """Scores replies with a chat model, one structured call per criterion."""

    def __init__(self, spec: str, model=None) -> None:
        self.spec = spec
        self.model = model or load_chat_model(spec)

    async def score(self, conversation, turn, reply: str) -> dict[str, float]:
        """Scores for every criterion (a failed call is left out, not scored 0)."""
        profile = conversation.profile
        scores: dict[str, float] = {}
        for name, criterion in CRITERIA.items():
            prompt = PROMPT.format(
                level=profile.level,
                target=profile.target_language,
                native=profile.native_language,
                criterion=criterion,
                rubric=turn.expect.rubric,
                user=turn.user,
                reply=reply,
            )
            try:
                result = await self.model.with_structured_output(Score).ainvoke(prompt)
            except Exception:
                log.exception("judge %s failed on %s", self.spec, conversation.id)
                continue
            scores[name] = float(result.score)
        return scores
