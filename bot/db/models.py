"""Typed ORM models. Instants are stored in UTC; local dates follow the user's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """One Telegram user (private chat: chat id == user id) and their coaching settings."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    onboarded: Mapped[bool] = mapped_column(Boolean, default=False)
    track: Mapped[str] = mapped_column(String(16), default="beginner")
    training_days: Mapped[str] = mapped_column(String(32), default="mon,wed,fri")
    remind_time: Mapped[str] = mapped_column(String(5), default="18:00")
    reminders_on: Mapped[bool] = mapped_column(Boolean, default=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    plan_week: Mapped[int] = mapped_column(Integer, default=1)
    plan_week_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    plan_reason: Mapped[str] = mapped_column(String(300), default="")  # a reason code
    # Pain flagged in a log stays in mind until the user says it is better.
    pain_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    pain_parts: Mapped[str] = mapped_column(String(200), default="")
    # All-time totals for /progress, kept up to date as sessions are logged (NULL: unknown,
    # summed again on next use), so /progress never reads every session.
    totals_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    totals_backward_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    totals_distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    totals_longest_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    next_reminder_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, nullable=True, index=True
    )
    next_summary_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    snooze_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    recent_tips: Mapped[str] = mapped_column(String(400), default="")

    workouts: Mapped[list[Workout]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Workout(Base):
    """One logged backward-running session."""

    __tablename__ = "workouts"
    # Every query about sessions names the user, then a day range or the newest first.
    __table_args__ = (
        Index("ix_workouts_user_day", "user_id", "local_date"),
        Index("ix_workouts_user_logged", "user_id", "logged_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    local_date: Mapped[date] = mapped_column(Date)
    duration_s: Mapped[int | None] = mapped_column(Integer, nullable=True)  # backward total
    distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)  # backward total
    forward_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    forward_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    reps: Mapped[int | None] = mapped_column(Integer, nullable=True)  # backward repetitions
    mode: Mapped[str | None] = mapped_column(String(8), nullable=True)  # walk/run/sprint/mixed
    # The session's parts: coach.sessions.blocks_to_data, in the order done.
    blocks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    feeling: Mapped[str | None] = mapped_column(String(8), nullable=True)
    pain: Mapped[bool] = mapped_column(Boolean, default=False)
    body_parts: Mapped[str] = mapped_column(String(200), default="")
    sore: Mapped[str] = mapped_column(String(200), default="")  # ";"-separated, not pain
    red_flags: Mapped[str] = mapped_column(String(200), default="")
    # Notes as codes with parameters (coach.types.Note), rendered at reply time.
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    plan_week: Mapped[int | None] = mapped_column(Integer, nullable=True)
    plan_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="log")

    user: Mapped[User] = relationship(back_populates="workouts")


class Conversation(Base):
    """A half-finished guided step (guided log, edit, onboarding): lives here, not in memory."""

    __tablename__ = "conversations"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """A reminder or summary: the outbox row it is sent from, and the record that it went.

    The unique key (user, local date, kind) is what makes "never twice" hold. Status moves
    queued -> sending -> sent | blocked | failed | unconfirmed, or queued -> skipped. A queued
    row carries its message, so any replica can send it once the claimer's lease ran out.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "local_date", "kind"),
        Index("ix_deliveries_status_lease", "status", "lease_until"),
        Index("ix_deliveries_local_date", "local_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    local_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="sent")
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    markup: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PlanChange(Base):
    """One weekly progression decision; unique per user and week so it is applied once."""

    __tablename__ = "plan_changes"
    __table_args__ = (UniqueConstraint("user_id", "week_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    week_start: Mapped[date] = mapped_column(Date)
    from_week: Mapped[int] = mapped_column(Integer)
    to_week: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300))  # a reason code (coach/plan.py)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcessedUpdate(Base):
    """The inbox: every update received, stored before Telegram is told we have it.

    state "new" holds the update's JSON until a worker handles it; "done" keeps only the id,
    so a redelivered update does nothing the second time. `owner` and `lease_until` say which
    process is working on a new update; a lease that ran out means its owner died.
    """

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    state: Mapped[str] = mapped_column(String(8), default="done", index=True)
    chat_key: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    owner: Mapped[str | None] = mapped_column(String(40), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SendBudget(Base):
    """The bot's Telegram send budget, shared by every replica on one PostgreSQL database.

    `tat` is the theoretical arrival time (epoch seconds) of the next
    message allowed: a replica takes n slots by moving it n intervals on (see ratelimit.py).
    """

    __tablename__ = "send_budget"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    tat: Mapped[float] = mapped_column(Float)
