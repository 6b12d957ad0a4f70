"""Every query, named for what it answers. Handlers and jobs use these, never raw SQL."""

from __future__ import annotations

import weakref
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Integer,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    event,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, Session, attributes
from sqlalchemy.sql.elements import BindParameter

from bot.db.models import (
    Conversation,
    Delivery,
    PlanChange,
    ProcessedUpdate,
    User,
    UTCDateTime,
    Workout,
    utcnow,
)
from bot.handling import UpdateTakenOver, current


@dataclass(frozen=True)
class History:
    """Facts about all of a user's past sessions that a log's feedback needs."""

    seen: bool  # any session stored before
    full_week: bool  # a finished week moved the plan on (or finished it)


def _history_statement() -> Any:
    """Built once (each /log runs it); two index probes, whatever the history's length."""
    user_id: BindParameter[Any] = bindparam("h_user")
    return select(
        exists().where(Workout.user_id == user_id),
        exists().where(
            PlanChange.user_id == user_id, PlanChange.decision.in_(("advance", "finish"))
        ),
    )


_HISTORY = _history_statement()
# Rows every update reads, fresh from the database: built once, not per call as get() does.
_FRESH = {"populate_existing": True}
# On SQLite, the user's row with their open conversation (if any): nearly every update asks
# for both, and the write lock taken at BEGIN makes the pair current, so one statement
# answers and `get_conversation` needs no second one in this transaction. Not on PostgreSQL:
# a SELECT ... FOR UPDATE that waited for another transaction's lock re-reads the locked row
# only, so the joined conversation could be the one that transaction just finished.
_USER_WITH_CONVERSATION = (
    select(User, Conversation)
    .outerjoin(Conversation, Conversation.user_id == User.id)
    .where(User.id == bindparam("u_id"))
)
_LOCK_USER_PG = select(User).where(User.id == bindparam("u_id")).with_for_update()
_WORKOUTS_BETWEEN = (
    select(Workout)
    .where(
        Workout.user_id == bindparam("w_user"),
        Workout.local_date >= bindparam("w_first"),
        Workout.local_date <= bindparam("w_last"),
    )
    .order_by(Workout.logged_at, Workout.id)
)
_CONVERSATION = select(Conversation).where(Conversation.user_id == bindparam("c_user"))

USER_TABLES: tuple[type[Any], ...] = (Workout, Conversation, Delivery, PlanChange)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


_INBOX = _table(ProcessedUpdate)
_USERS = _table(User)
_WORKOUTS = _table(Workout)
_DELIVERIES = _table(Delivery)
# Statements every update runs, built once with bound parameters (building one costs more
# than running it on SQLite); table statements, so no ORM bookkeeping.
_FINISH_UPDATE = (
    update(_INBOX)
    .where(
        _INBOX.c.update_id == bindparam("f_id"),
        _INBOX.c.state == "new",
        _INBOX.c.owner == bindparam("f_owner"),
    )
    .values(state="done", payload=None, owner=None, lease_until=None)
)
_COUNT_IN = (
    update(_USERS)
    .where(_USERS.c.id == bindparam("t_user"), _USERS.c.totals_days.is_not(None))
    .values(
        totals_days=_USERS.c.totals_days + bindparam("t_day"),
        totals_backward_s=_USERS.c.totals_backward_s + bindparam("t_s"),
        totals_distance_m=_USERS.c.totals_distance_m + bindparam("t_m"),
        totals_longest_s=case(
            (
                _USERS.c.totals_longest_s < bindparam("t_day_s", type_=Integer),
                bindparam("t_day_s", type_=Integer),
            ),
            else_=_USERS.c.totals_longest_s,
        ),
    )
)

_FINISH_DELIVERY = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        message_id=bindparam("b_mid"),
        claimed_by=None,
        lease_until=None,
    )
)

_STARTS: dict[str, tuple[Any, Any]] = {}


def _start_statements(dialect: str) -> tuple[Any, Any]:
    """The two statements of a batch of starts, built once per dialect (run for every few
    messages of a fan-out, they cost more to build than to run): "sending" for those that
    may go, "skipped" for the rest. Table statements, without the ORM's bulk bookkeeping.
    On PostgreSQL the ids are one array (`= ANY`), one statement text for any batch size,
    so asyncpg prepares it once; `IN (...)` would be a new statement for each length."""
    if dialect in _STARTS:
        return _STARTS[dialect]
    d, w, u = _DELIVERIES.c, _WORKOUTS.c, _USERS.c
    if dialect == "postgresql":
        among = d.id == any_(bindparam("s_ids", type_=ARRAY(Integer)))
    else:
        among = d.id.in_(bindparam("s_ids", expanding=True))
    now = bindparam("s_now", type_=UTCDateTime())
    logged = exists().where(w.user_id == d.user_id, w.local_date == d.local_date)
    reachable = exists().where(
        u.id == d.user_id,
        u.active.is_(True),
        u.reminders_on.is_(True),
        or_(u.paused_until.is_(None), u.paused_until <= now),
    )
    start = (
        update(_DELIVERIES)
        .where(
            among,
            d.status == "queued",
            or_(d.kind == "summary", ~logged),
            reachable,
            or_(d.due_at.is_(None), d.due_at >= bindparam("s_oldest", type_=UTCDateTime())),
        )
        .values(
            status="sending", sent_at=now, lease_until=bindparam("s_until", type_=UTCDateTime())
        )
        .returning(d.id)
    )
    skip = (
        update(_DELIVERIES)
        .where(among, d.status == "queued")
        .values(status="skipped", claimed_by=None, lease_until=None)
    )
    _STARTS[dialect] = (start, skip)
    return start, skip


# Sessions stored through Repo.add_workout, which adds them to the user's totals itself.
_COUNTED: weakref.WeakSet[Workout] = weakref.WeakSet()


@event.listens_for(Session, "after_flush")
def _forget_totals(session: Session, _context: Any) -> None:
    """Any other change to a session (an edit, an undo, a raw insert) makes the user's
    stored totals unknown; the next /progress sums them again, once."""
    changed = [
        *(w for w in session.new if isinstance(w, Workout) and w not in _COUNTED),
        *(w for w in session.dirty if isinstance(w, Workout) and session.is_modified(w)),
        *(w for w in session.deleted if isinstance(w, Workout)),
    ]
    user_ids = {w.user_id for w in changed}
    if not user_ids:
        return
    session.connection().execute(update(User).where(User.id.in_(user_ids)).values(totals_days=None))
    for user_id in user_ids:
        user = session.identity_map.get(session.identity_key(User, user_id))
        if user is not None:
            attributes.set_committed_value(user, "totals_days", None)


def _plus(stored: Any, amount: Any) -> Any:
    return None if stored is None else stored + amount


class Repo:
    """Queries inside one unit of work (one transaction)."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect
        # conversations read with their user's row in this transaction (None: there is none)
        self._conversations: dict[int, Conversation | None] = {}

    def _insert(self, model: Any) -> Any:
        """The dialect's INSERT (for ON CONFLICT); imported here, so a process loads one."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(model)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(model)

    async def _lease(
        self, free: Select[tuple[int]], key: InstrumentedAttribute[int], **lease: object
    ) -> list[int]:
        """Lock the rows a claim query finds (on PostgreSQL, skipping rows another claimer has
        locked) and write the lease into them; their ids, in the query's order."""
        if self.dialect == "postgresql":
            free = free.with_for_update(skip_locked=True)
        ids = list(await self.session.scalars(free))
        if ids:
            await self.session.execute(update(key.class_).where(key.in_(ids)).values(**lease))
        return ids

    async def commit(self) -> None:
        """Commit; while an update is handled, its first commit also marks it done."""
        self._conversations.clear()  # after the commit, read them afresh
        handling = current()
        if handling is None or handling.done:
            await self.session.commit()
            return
        if not await self.finish_update(handling.update_id, handling.owner):
            await self.session.rollback()
            raise UpdateTakenOver(f"update {handling.update_id} was handled elsewhere")
        await self.session.commit()
        handling.done = True

    # --- updates (the inbox) ----------------------------------------------------------------
    async def store_updates(
        self, rows: Sequence[tuple[int, int | None, dict[str, Any]]], owner: str, lease: datetime
    ) -> set[int]:
        """Store (update id, chat, JSON) rows as "new", owned by `owner` until `lease`; the
        ids that were not stored before (a redelivered update is already there)."""
        if not rows:
            return set()
        now = utcnow()
        values = [
            {
                "update_id": uid,
                "received_at": now,
                "state": "new",
                "chat_key": chat,
                "payload": payload,
                "owner": owner,
                "lease_until": lease,
            }
            for uid, chat, payload in rows
        ]
        # one statement compiled once for any batch size (a multi-VALUES insert was compiled
        # again for each new size); SQLAlchemy sends it as batched VALUES with RETURNING
        stmt = self._insert(_INBOX).on_conflict_do_nothing().returning(_INBOX.c.update_id)
        result = await self.session.execute(stmt, values)
        return set(result.scalars().all())

    async def finish_update(self, update_id: int, owner: str) -> bool:
        """Mark an update handled, in the transaction of its first effect. False when it is
        not ours to finish (already done, or taken over after our lease ran out): the caller
        must then roll back instead of acting on it twice."""
        result = await self.session.execute(_FINISH_UPDATE, {"f_id": update_id, "f_owner": owner})
        return bool(getattr(result, "rowcount", 0) == 1)

    async def renew_leases(self, owner: str, update_ids: Sequence[int], lease: datetime) -> None:
        if update_ids:
            await self.session.execute(
                update(ProcessedUpdate)
                .where(
                    ProcessedUpdate.owner == owner,
                    ProcessedUpdate.state == "new",
                    ProcessedUpdate.update_id.in_(update_ids),
                )
                .values(lease_until=lease)
            )

    async def take_unhandled(
        self, owner: str, now: datetime, lease: datetime, *, everything: bool, limit: int = 500
    ) -> list[tuple[int, dict[str, Any]]]:
        """Claim stored updates nobody is working on (their owner's lease ran out, or
        `everything` when this process is the only one polling), oldest first."""
        query = select(ProcessedUpdate.update_id).where(ProcessedUpdate.state == "new")
        if everything:
            query = query.where(ProcessedUpdate.owner.is_distinct_from(owner))
        else:
            query = query.where(
                or_(ProcessedUpdate.lease_until.is_(None), ProcessedUpdate.lease_until < now)
            )
        query = query.order_by(ProcessedUpdate.update_id).limit(limit)
        ids = await self._lease(query, ProcessedUpdate.update_id, owner=owner, lease_until=lease)
        if not ids:
            return []
        rows = await self.session.execute(
            select(ProcessedUpdate.update_id, ProcessedUpdate.payload)
            .where(ProcessedUpdate.update_id.in_(ids))
            .order_by(ProcessedUpdate.update_id)
        )
        return [(int(uid), dict(payload or {})) for uid, payload in rows.all()]

    async def forget_updates_before(self, cutoff: datetime) -> int:
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.received_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # --- users ---------------------------------------------------------------------------
    async def get_user(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def ensure_user(
        self, user_id: int, chat_id: int, first_name: str, timezone: str
    ) -> tuple[User, bool]:
        """The user row, created if missing, and held for the rest of the transaction: on
        PostgreSQL it is locked (SELECT ... FOR UPDATE), so whatever reads and then changes
        a user's state runs for one update at a time, across replicas. Safe when two
        replicas race on the first /start."""
        user = await self.lock_user(user_id)
        if user is not None:
            return user, False
        stmt = self._insert(User).values(
            id=user_id,
            chat_id=chat_id,
            first_name=first_name[:128],
            timezone=timezone,
            created_at=utcnow(),
        )
        result = await self.session.execute(stmt.on_conflict_do_nothing())
        created = getattr(result, "rowcount", 0) == 1
        user = await self.lock_user(user_id)
        assert user is not None
        return user, created

    async def lock_user(self, user_id: int) -> User | None:
        """The user's row, fresh from the database and locked until commit on PostgreSQL
        (SQLite transactions take the whole database's write lock at BEGIN)."""
        if self.dialect == "postgresql":
            result = await self.session.execute(
                _LOCK_USER_PG, {"u_id": user_id}, execution_options=_FRESH
            )
            found: User | None = result.scalar_one_or_none()
            return found
        result = await self.session.execute(
            _USER_WITH_CONVERSATION, {"u_id": user_id}, execution_options=_FRESH
        )
        row = result.one_or_none()
        if row is None:
            return None
        user: User = row[0]
        self._conversations[user_id] = row[1]
        return user

    async def delete_user(self, user_id: int) -> None:
        """Every row about the user, child tables first so it holds without FK cascades too."""
        self._conversations.pop(user_id, None)
        for model in USER_TABLES:
            await self.session.execute(delete(model).where(model.user_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))

    async def mark_inactive(self, user_id: int) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(active=False, next_reminder_at=None, next_summary_at=None, snooze_until=None)
        )

    # --- workouts ------------------------------------------------------------------------
    async def add_workout(
        self, workout: Workout, day_before: tuple[int, int] | None = None
    ) -> Workout:
        """Store a session and count it into the user's totals in the same statement order
        on every replica (an atomic UPDATE; unknown totals stay unknown).

        ``day_before``: (sessions, backward seconds) already stored on its local day, when
        the caller read them in this transaction with the user's row held; else summed here.
        """
        _COUNTED.add(workout)
        self.session.add(workout)
        await self.session.flush()
        held = None
        if day_before is not None:
            held = self.session.identity_map.get(self.session.identity_key(User, workout.user_id))
        if held is not None and day_before is not None:
            await self._count_in(held, workout, day_before[0] + 1, day_before[1])
            return workout
        day = await self.session.execute(
            select(func.count(), func.coalesce(func.sum(Workout.duration_s), 0)).where(
                Workout.user_id == workout.user_id, Workout.local_date == workout.local_date
            )
        )
        logs, day_s = day.one()
        await self.session.execute(
            update(User)
            .where(User.id == workout.user_id, User.totals_days.is_not(None))
            .values(
                totals_days=User.totals_days + (1 if logs == 1 else 0),
                totals_backward_s=User.totals_backward_s + (workout.duration_s or 0),
                totals_distance_m=User.totals_distance_m + (workout.distance_m or 0.0),
                totals_longest_s=case(
                    (User.totals_longest_s < int(day_s), int(day_s)),
                    else_=User.totals_longest_s,
                ),
            )
            .execution_options(synchronize_session="fetch")
        )
        return workout

    async def _count_in(self, user: User, workout: Workout, logs: int, before_s: int) -> None:
        """The same atomic UPDATE for a user row this transaction holds: as a table statement
        (no ORM bookkeeping), with the loaded row's new values worked out alongside, as the
        database works them out (NULL stays NULL)."""
        day_s = before_s + (workout.duration_s or 0)
        new_day = 1 if logs == 1 else 0
        await self.session.execute(
            _COUNT_IN,
            {
                "t_user": user.id,
                "t_day": new_day,
                "t_s": workout.duration_s or 0,
                "t_m": workout.distance_m or 0.0,
                "t_day_s": day_s,
            },
        )
        if user.totals_days is None:
            return
        for name, value in (
            ("totals_days", user.totals_days + new_day),
            ("totals_backward_s", _plus(user.totals_backward_s, workout.duration_s or 0)),
            ("totals_distance_m", _plus(user.totals_distance_m, workout.distance_m or 0.0)),
            (
                "totals_longest_s",
                None if user.totals_longest_s is None else max(user.totals_longest_s, day_s),
            ),
        ):
            attributes.set_committed_value(user, name, value)

    async def get_workout(self, user_id: int, workout_id: int) -> Workout | None:
        """Only the owner's row: a forged id from another user finds nothing."""
        found: Workout | None = await self.session.scalar(
            select(Workout).where(Workout.id == workout_id, Workout.user_id == user_id)
        )
        return found

    async def last_workout(self, user_id: int) -> Workout | None:
        found: Workout | None = await self.session.scalar(
            select(Workout)
            .where(Workout.user_id == user_id)
            .order_by(Workout.logged_at.desc(), Workout.id.desc())
            .limit(1)
        )
        return found

    async def delete_workout(self, workout: Workout) -> None:
        await self.session.delete(workout)
        await self.session.flush()

    async def recent_workouts(self, user_id: int, limit: int = 10) -> Sequence[Workout]:
        result = await self.session.scalars(
            select(Workout)
            .where(Workout.user_id == user_id)
            .order_by(Workout.logged_at.desc(), Workout.id.desc())
            .limit(limit)
        )
        return result.all()

    async def workouts_between(self, user_id: int, first: date, last: date) -> Sequence[Workout]:
        """Sessions whose local date is in [first, last], oldest first."""
        result = await self.session.scalars(
            _WORKOUTS_BETWEEN, {"w_user": user_id, "w_first": first, "w_last": last}
        )
        return result.all()

    async def all_workouts(self, user_id: int) -> Sequence[Workout]:
        result = await self.session.scalars(
            select(Workout)
            .where(Workout.user_id == user_id)
            .order_by(Workout.logged_at, Workout.id)
        )
        return result.all()

    async def history(self, user_id: int) -> History:
        """What a log's feedback asks of the whole history, in one statement: any session
        at all, and a finished week that moved the plan on. (Its longest day is kept on the
        user row: see workout_totals.)"""
        row = (await self.session.execute(_HISTORY, {"h_user": user_id})).one()
        seen = bool(row[0])
        return History(seen, seen and bool(row[1]))

    async def workout_totals(self, user: User) -> tuple[int, int, float, int]:
        """(training days, backward seconds, metres, longest day's seconds).

        Kept on the user row as sessions are logged; summed in the database only when
        unknown (the first time, or after an edit or undo), then kept again.
        """
        if user.totals_days is not None:
            return (
                user.totals_days,
                user.totals_backward_s or 0,
                user.totals_distance_m or 0.0,
                user.totals_longest_s or 0,
            )
        summed = await self._sum_totals(user.id)
        (
            user.totals_days,
            user.totals_backward_s,
            user.totals_distance_m,
            user.totals_longest_s,
        ) = summed
        return summed

    async def _sum_totals(self, user_id: int) -> tuple[int, int, float, int]:
        row = (
            await self.session.execute(
                select(
                    func.count(func.distinct(Workout.local_date)),
                    func.coalesce(func.sum(Workout.duration_s), 0),
                    func.coalesce(func.sum(Workout.distance_m), 0.0),
                ).where(Workout.user_id == user_id)
            )
        ).one()
        return int(row[0]), int(row[1]), float(row[2]), await self.longest_day_s(user_id)

    async def longest_day_s(self, user_id: int) -> int:
        """The most backward seconds on one local day."""
        per_day = (
            select(func.sum(Workout.duration_s).label("s"))
            .where(Workout.user_id == user_id)
            .group_by(Workout.local_date)
        )
        sub = per_day.subquery()
        return int(await self.session.scalar(select(func.max(sub.c.s))) or 0)

    async def logged_on(self, user_id: int, local_date: date) -> bool:
        found = await self.session.scalar(
            select(Workout.id)
            .where(Workout.user_id == user_id, Workout.local_date == local_date)
            .limit(1)
        )
        return found is not None

    # --- conversations -------------------------------------------------------------------
    async def get_conversation(self, user_id: int) -> Conversation | None:
        if user_id in self._conversations:  # read with the user's row (SQLite)
            return self._conversations[user_id]
        result = await self.session.execute(
            _CONVERSATION, {"c_user": user_id}, execution_options=_FRESH
        )
        found: Conversation | None = result.scalar_one_or_none()
        return found

    async def set_conversation(
        self, user_id: int, flow: str, step: str, data: dict[str, Any]
    ) -> None:
        convo = await self.session.get(Conversation, user_id)
        if convo is None:
            self.session.add(
                Conversation(
                    user_id=user_id, flow=flow, step=step, data=dict(data), updated_at=utcnow()
                )
            )
        else:
            convo.flow, convo.step, convo.data, convo.updated_at = flow, step, dict(data), utcnow()
        self._conversations.pop(user_id, None)
        await self.session.flush()

    async def forget_conversations_before(self, cutoff: datetime) -> int:
        self._conversations.clear()
        result = await self.session.execute(
            delete(Conversation).where(Conversation.updated_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def clear_conversation(self, user_id: int) -> bool:
        self._conversations[user_id] = None
        result = await self.session.execute(
            delete(Conversation).where(Conversation.user_id == user_id)
        )
        return bool(getattr(result, "rowcount", 0))

    # --- reminders -----------------------------------------------------------------------
    async def claim_due(self, now: datetime, limit: int) -> Sequence[User]:
        """Up to `limit` users whose reminder, snooze or summary is due, most overdue first,
        locked on PostgreSQL (SKIP LOCKED) so no other replica takes them. Each instant is
        read from its own index only as far as the claim needs: a scan of every user in id
        order walked past all those claimed before, so each claim of a long backlog cost
        more than the last."""
        found: dict[int, tuple[datetime, User]] = {}
        for column in (User.next_reminder_at, User.snooze_until, User.next_summary_at):
            stmt = (
                select(User)
                .where(User.active.is_(True), column <= now)
                .order_by(column)
                .limit(limit)
            )
            if self.dialect == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            for user in await self.session.scalars(stmt):
                due = min(
                    t
                    for t in (user.next_reminder_at, user.snooze_until, user.next_summary_at)
                    if t is not None and t <= now
                )
                found[user.id] = (due, user)
        ranked = sorted(found.values(), key=lambda pair: (pair[0], pair[1].id))
        return [user for _, user in ranked[:limit]]

    # --- the reminder outbox (bot/dispatcher.py): set-based, a statement per batch ----------
    async def workouts_of(
        self, user_ids: Collection[int], first: date, last: date
    ) -> Sequence[Workout]:
        """Sessions of several users whose local date is in [first, last], oldest first."""
        if not user_ids:
            return []
        result = await self.session.scalars(
            select(Workout)
            .where(
                Workout.user_id.in_(user_ids),
                Workout.local_date >= first,
                Workout.local_date <= last,
            )
            .order_by(Workout.user_id, Workout.logged_at, Workout.id)
        )
        return result.all()

    async def logged_days(self, pairs: Collection[tuple[int, date]]) -> set[tuple[int, date]]:
        """Which of these (user, local date) pairs have a session."""
        if not pairs:
            return set()
        users = {u for u, _ in pairs}
        days = {d for _, d in pairs}
        rows = await self.session.execute(
            select(Workout.user_id, Workout.local_date)
            .where(Workout.user_id.in_(users), Workout.local_date.in_(days))
            .distinct()
        )
        return {(int(u), d) for u, d in rows} & set(pairs)

    async def record_plan_changes(self, changes: Sequence[PlanChange]) -> None:
        """Store many weeks' decisions at once; a week already decided is left as it is."""
        if not changes:
            return
        now = utcnow()
        values = [
            {
                "user_id": c.user_id,
                "week_start": c.week_start,
                "from_week": c.from_week,
                "to_week": c.to_week,
                "decision": c.decision,
                "reason": c.reason,
                "created_at": now,
            }
            for c in changes
        ]
        await self.session.execute(self._insert(PlanChange).values(values).on_conflict_do_nothing())

    async def queue_deliveries(self, rows: Sequence[dict[str, Any]]) -> list[tuple[int, int, str]]:
        """Insert queued deliveries; returns (id, user_id, kind) of those that were new (the
        unique key drops a second one for the same user, local date and kind). A table
        statement, batched and compiled once: the ORM's bulk insert cost as much again."""
        if not rows:
            return []
        d = _DELIVERIES.c
        stmt = self._insert(_DELIVERIES).on_conflict_do_nothing().returning(d.id, d.user_id, d.kind)
        result = await self.session.execute(stmt, list(rows))
        return [(int(i), int(u), str(k)) for i, u, k in result]

    async def expire_sending(self, now: datetime) -> int:
        """Requests whose sender died mid-flight may have arrived: unconfirmed, never resent."""
        result = await self.session.execute(
            update(Delivery)
            .where(self._ours_to_change(Delivery.status == "sending", Delivery.lease_until < now))
            .values(status="unconfirmed", claimed_by=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def claim_queued(
        self, now: datetime, claimer: str, until: datetime, limit: int
    ) -> Sequence[Delivery]:
        """Queued deliveries nobody holds (released, or the claimer's lease ran out)."""
        free = select(Delivery.id).where(
            Delivery.status == "queued",
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
        )
        free = free.order_by(Delivery.id).limit(limit)
        ids = await self._lease(free, Delivery.id, claimed_by=claimer, lease_until=until)
        if not ids:
            return []
        result = await self.session.scalars(
            select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)
        )
        return result.all()

    async def start_deliveries(
        self, ids: Collection[int], now: datetime, oldest_due: datetime, until: datetime
    ) -> set[int]:
        """Mark these deliveries "sending" (their requests start now) under a fresh lease
        until `until`, unless since the claim the user logged a session that day, paused,
        stopped reminders, blocked the bot or left, or the reminder has become too late.
        Returns the ids that may go out; the others are skipped."""
        if not ids:
            return set()
        start, skip = _start_statements(self.dialect)
        params = {"s_ids": list(ids), "s_now": now, "s_oldest": oldest_due, "s_until": until}
        going = {int(i) for (i,) in await self.session.execute(start, params)}
        rest = [i for i in ids if i not in going]
        if rest:
            await self.session.execute(skip, {"s_ids": rest})
        return going

    async def finish_deliveries(self, results: Iterable[tuple[int, str, int | None]]) -> None:
        """Store (id, status, message_id) of finished sends in one statement (in id order, as
        a start takes its rows)."""
        params = [{"b_id": i, "b_status": s, "b_mid": m} for i, s, m in sorted(results)]
        if params:
            await self.session.execute(_FINISH_DELIVERY, params)

    def _ours_to_change(self, *where: Any) -> Any:
        """Ids of deliveries matching `where`, for an UPDATE of many. On PostgreSQL rows that
        another transaction is changing right now (a start, an outcome, a takeover) are
        skipped, not waited for: each of those sets or clears the lease itself, and a renewal
        that waited for an outcome while the outcome waited for it was a deadlock."""
        ids = select(Delivery.id).where(*where)
        if self.dialect == "postgresql":
            ids = ids.with_for_update(skip_locked=True)
        return Delivery.id.in_(ids.scalar_subquery())

    async def renew_delivery_leases(self, claimer: str, until: datetime) -> None:
        await self.session.execute(
            update(Delivery)
            .where(
                self._ours_to_change(
                    Delivery.claimed_by == claimer, Delivery.status.in_(("queued", "sending"))
                )
            )
            .values(lease_until=until)
            .execution_options(synchronize_session=False)
        )

    async def release_deliveries(self, claimer: str, ids: Collection[int] | None = None) -> int:
        """Give queued deliveries back at once (shutting down): another replica, or this one
        after a restart, sends them."""
        cond = and_(Delivery.claimed_by == claimer, Delivery.status == "queued")
        if ids is not None:
            cond = and_(cond, Delivery.id.in_(ids))
        result = await self.session.execute(
            update(Delivery).where(cond).values(claimed_by=None, lease_until=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def mark_unconfirmed(self, ids: Collection[int]) -> None:
        if ids:
            await self.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.status == "sending")
                .values(status="unconfirmed", claimed_by=None, lease_until=None)
            )

    async def mark_inactive_many(self, user_ids: Collection[int]) -> None:
        if user_ids:
            await self.session.execute(
                update(User)
                .where(User.id.in_(user_ids))
                .values(
                    active=False, next_reminder_at=None, next_summary_at=None, snooze_until=None
                )
            )

    async def forget_deliveries_before(self, day: date) -> int:
        """Finished deliveries of days long gone: their key can no longer stop a double send."""
        result = await self.session.execute(
            delete(Delivery).where(
                Delivery.local_date < day, Delivery.status.not_in(("queued", "sending"))
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def deliveries(self, user_id: int) -> Sequence[Delivery]:
        result = await self.session.scalars(
            select(Delivery).where(Delivery.user_id == user_id).order_by(Delivery.id)
        )
        return result.all()

    # --- plan ----------------------------------------------------------------------------
    async def record_plan_change(self, change: PlanChange) -> bool:
        """Store a week's decision once; False if this week was already decided."""
        given = {c.key: getattr(change, c.key) for c in PlanChange.__table__.c if c.key != "id"}
        stmt = self._insert(PlanChange).values({**given, "created_at": utcnow()})
        result = await self.session.execute(stmt.on_conflict_do_nothing())
        return bool(getattr(result, "rowcount", 0) == 1)

    async def recent_steps(self, user_id: int, limit: int) -> list[tuple[date, int, int, str]]:
        """(week_start, from_week, to_week, decision) of the newest ``limit`` decisions, oldest
        first: plain rows, no objects, for the streak and the chart's targets."""
        result = await self.session.execute(
            select(
                PlanChange.week_start, PlanChange.from_week, PlanChange.to_week, PlanChange.decision
            )
            .where(PlanChange.user_id == user_id)
            .order_by(PlanChange.week_start.desc())
            .limit(limit)
        )
        return [(r[0], r[1], r[2], r[3]) for r in reversed(result.all())]

    async def recent_steps_of(
        self, user_ids: Collection[int], limit: int
    ) -> dict[int, list[tuple[date, int, int, str]]]:
        """`recent_steps` of many users in one statement (a window over each user's rows)."""
        if not user_ids:
            return {}
        newest = func.row_number().over(
            partition_by=PlanChange.user_id, order_by=PlanChange.week_start.desc()
        )
        ranked = (
            select(
                PlanChange.user_id,
                PlanChange.week_start,
                PlanChange.from_week,
                PlanChange.to_week,
                PlanChange.decision,
                newest.label("n"),
            )
            .where(PlanChange.user_id.in_(list(user_ids)))
            .subquery()
        )
        rows = await self.session.execute(
            select(
                ranked.c.user_id,
                ranked.c.week_start,
                ranked.c.from_week,
                ranked.c.to_week,
                ranked.c.decision,
            )
            .where(ranked.c.n <= limit)
            .order_by(ranked.c.user_id, ranked.c.week_start)
        )
        steps: dict[int, list[tuple[date, int, int, str]]] = {int(u): [] for u in user_ids}
        for uid, week_start, from_week, to_week, decision in rows:
            steps[int(uid)].append((week_start, from_week, to_week, decision))
        return steps

    async def had_week_on_target(self, user_id: int) -> bool:
        """Whether any finished week moved the plan on (or finished it): a full week."""
        found = await self.session.scalar(
            select(PlanChange.id)
            .where(PlanChange.user_id == user_id, PlanChange.decision.in_(("advance", "finish")))
            .limit(1)
        )
        return found is not None
