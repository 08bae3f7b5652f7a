"""App data tables; the Alembic migrations in `tools/db/migrations/` create the same schema."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from tools.db.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    target_language: Mapped[str | None] = mapped_column(String(8))
    native_language: Mapped[str | None] = mapped_column(String(8))
    level: Mapped[str | None] = mapped_column(String(4))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    onboarded_at: Mapped[datetime | None]
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    premium_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="learner")


class ChannelIdentity(Base):
    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "sender", name="uq_channel_identities_sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(32))
    sender: Mapped[str] = mapped_column(String(128))
    thread_id: Mapped[str] = mapped_column(String(64), unique=True)
    last_inbound_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    learner: Mapped[Learner] = relationship(back_populates="identities")


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    target_language: Mapped[str] = mapped_column(String(8))
    native_language: Mapped[str] = mapped_column(String(8))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Lesson(Base):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug", name="uq_lessons_course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(4))
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text)


class Vocabulary(Base):
    __tablename__ = "vocabulary"
    __table_args__ = (UniqueConstraint("lesson_id", "term", name="uq_vocabulary_lesson_term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(120))
    translation: Mapped[str] = mapped_column(String(200))


class Exercise(Base):
    __tablename__ = "exercises"
    __table_args__ = (
        UniqueConstraint("course_id", "slug", name="uq_exercises_course_slug"),
        Index("ix_exercises_lesson_position", "lesson_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(96))
    purpose: Mapped[str] = mapped_column(String(16), default="lesson")  # lesson | placement
    type: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(4))
    position: Mapped[int] = mapped_column(Integer, default=0)
    prompt: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    accepted_answers: Mapped[list[Any]] = mapped_column(default=list)
    explanation: Mapped[str] = mapped_column(Text)
    # draft | approved | rejected | published; only published exercises are served
    status: Mapped[str] = mapped_column(String(16), default="published")
    source: Mapped[str] = mapped_column(String(16), default="seed")  # seed | generated | manual
    schema_version: Mapped[int] = mapped_column(Integer, default=1)
    content_run_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CurriculumSpec(Base):
    __tablename__ = "curriculum_specs"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(4))
    topic: Mapped[str] = mapped_column(String(200))
    lesson_slug: Mapped[str | None] = mapped_column(String(64))
    exercise_counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    vocabulary_focus: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ContentRun(Base):
    """One generation batch for a spec; its id is the content graph's thread id."""

    __tablename__ = "content_runs"
    __table_args__ = (Index("ix_content_runs_spec", "spec_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    spec_id: Mapped[int] = mapped_column(ForeignKey("curriculum_specs.id", ondelete="CASCADE"))
    # running | review | published | failed
    status: Mapped[str] = mapped_column(String(16), default="running")
    model: Mapped[str | None] = mapped_column(String(200))
    concurrency: Mapped[int] = mapped_column(Integer, default=1)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None]


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        Index("ix_attempts_learner_created", "learner_id", "created_at"),
        # A channel turn replayed after a crash must not count its answer twice.
        Index("ux_attempts_learner_turn", "learner_id", "turn_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    item_type: Mapped[str] = mapped_column(String(16))  # exercise | vocab
    item_id: Mapped[int] = mapped_column(Integer)
    context: Mapped[str] = mapped_column(String(16))  # lesson | review | placement
    answer: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(16))  # correct | accent | typo | wrong | skipped
    correct: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    turn_key: Mapped[str | None] = mapped_column(String(200))  # channel turn id + item


class LessonProgress(Base):
    __tablename__ = "lesson_progress"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    correct: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class ReviewCard(Base):
    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("learner_id", "item_type", "item_id", name="uq_review_cards_item"),
        Index("ix_review_cards_learner_due", "learner_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    item_type: Mapped[str] = mapped_column(String(16))  # exercise | vocab
    item_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))  # missed | new_word
    fsrs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    due: Mapped[datetime]
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_review: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StreakDay(Base):
    __tablename__ = "streak_days"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    activities: Mapped[int] = mapped_column(Integer, default=0)


class InboxMessage(Base):
    """A verified inbound channel message, stored before the webhook answers."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_id", name="uq_inbox_provider_message"),
        Index("ix_inbox_thread_status", "thread_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    provider_message_id: Mapped[str] = mapped_column(String(128))
    thread_id: Mapped[str] = mapped_column(String(64))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="received")
    turn_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """One provider send, keyed so that a replayed turn never sends twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_thread_status", "thread_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    thread_id: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class TurnRecord(Base):
    """What one graph turn saw and did: the raw material of evals and analytics."""

    __tablename__ = "turns"
    __table_args__ = (Index("ix_turns_thread_created", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[str] = mapped_column(String(64))
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(32))
    nodes: Mapped[list[Any]] = mapped_column(default=list)
    verdict: Mapped[str | None] = mapped_column(String(16))
    replies: Mapped[list[Any]] = mapped_column(default=list)
    latency_ms: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
