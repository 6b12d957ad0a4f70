"""The reminder dispatcher: decides in sets, sends at the full budget, survives a crash.

**Deciding.** A claim takes up to CLAIM_BATCH users whose reminder, snooze or weekly summary
is due, most overdue first, each instant read from its own index no further than the claim
needs (on PostgreSQL with FOR UPDATE SKIP LOCKED, so replicas never take the same row), and
decides for all of them with a handful of statements: their plan catch-up, who logged that
day, the summaries' weeks and streaks. Each message is rendered and stored as a *queued*
delivery (the outbox row, unique per user, local date and kind: the "never twice" key)
leased to this process; the schedules move on; one commit.

**Sending.** Queued deliveries go out as fast as the shared budget allows (bot/ratelimit.py).
Right before its request starts, a delivery is marked *sending* under a fresh lease, in one
statement for the requests starting within the same few milliseconds (GATHER_S), re-checking
that the user did not log that day, pause, stop reminders or block the bot since the claim;
otherwise it is *skipped*. The outcomes (*sent*, *blocked*, *failed*, *unconfirmed*) are
stored in one statement every FLUSH_S.

**Crashes.** The claimer renews its lease while it works. A queued delivery whose lease ran
out (its claimer died) is taken by another replica, or by this one after a restart, and sent
once. A delivery left *sending* by a dead claimer may have reached Telegram: it becomes
*unconfirmed* and is never resent. So only requests in flight at a crash can be lost.

**Pace.** A backlog is worked continuously: the next claim is made while the previous one is
still being sent, keeping about what can be sent before the next tick in hand, topped up in
claims of half a CLAIM_BATCH or more (each claim is a transaction: the fewer, the cheaper).
The JobQueue tick only wakes the worker, so a long fan-out never overlaps itself. On shutdown
the worker stops claiming, lets requests in flight finish (STOP_GRACE_S at most) and hands
the rest back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import metrics
from bot.coach import plan
from bot.coach.progress import MAX_STREAK_WEEKS, PlanStep, streak_from
from bot.coach.schedule import local_date_of
from bot.content import Content
from bot.context import CoachContext
from bot.db.models import PlanChange, User, Workout
from bot.db.session import Database
from bot.ratelimit import Broadcast, Cancelled, surely_unsent
from bot.render import coaching as coaching_msgs
from bot.render import reminders as reminder_msgs
from bot.render.plan import pain_buttons
from bot.service import (
    apply_catch_up,
    catch_up_range,
    fact,
    is_paused,
    local_now,
    pain_open,
    pain_parts,
    reschedule,
    today_target,
    track_weeks,
    user_zone,
    week_target,
)

log = logging.getLogger(__name__)

LATE_LIMIT = timedelta(hours=2)  # a reminder missed by more than this is skipped, not sent
MAX_ATTEMPTS = 4  # tries per message for 5xx and connection errors (a 429 waits its retry_after)
RETRY_BASE_S = 0.25  # back-off between those tries: 0.5 s, 1 s, 2 s, ... capped at 5 s
CLAIM_BATCH = 500  # users decided per claim (one transaction)
AHEAD_S = 2.0  # besides what the next tick needs, keep this much of the budget claimed ahead
STOP_GRACE_S = 5.0  # on shutdown, how long requests in flight may take to finish
FLUSH_S = 0.1  # outcomes are stored at least this often
GATHER_S = 0.01  # starts asked for within this long are marked in one statement


@dataclass
class Outgoing:
    user_id: int
    chat_id: int
    kind: str  # "reminder", "snooze" or "summary"
    local_date: date
    text: str
    markup: dict[str, Any] | None
    due_at: datetime | None = None
    delivery_id: int = 0
    started: bool = field(default=False, compare=False)
    keyboard: Any = field(default=None, compare=False)  # `markup` as sent, when at hand


Keyboards = dict[tuple[date, bool], tuple[dict[str, Any], Any]]


def _keyboard(keyboards: Keyboards, day: date, snooze: bool) -> tuple[dict[str, Any], Any]:
    """A claim's reminders share a handful of keyboards: each is built once (the stored dict
    and the object sent; neither is changed after)."""
    found = keyboards.get((day, snooze))
    if found is None:
        markup = reminder_msgs.reminder_keyboard(day, snooze=snooze)
        found = keyboards[(day, snooze)] = (markup.to_dict(), markup)
    return found


# --- what is due -----------------------------------------------------------------------------
def _reminder(
    content: Content, user: User, day: date, kind: str, due: datetime, keyboards: Keyboards
) -> Outgoing:
    if pain_open(user):  # the coach holds back until the user says the pain is better
        text = coaching_msgs.pain_reminder(user.first_name, pain_parts(user))
        return Outgoing(user.id, user.chat_id, kind, day, text, pain_buttons().to_dict(), due)
    target = today_target(content, user, day) or week_target(content, user)
    text = coaching_msgs.reminder(user.first_name, user.plan_week, target, kind == "snooze")
    markup, keyboard = _keyboard(keyboards, day, kind != "snooze")
    return Outgoing(user.id, user.chat_id, kind, day, text, markup, due, keyboard=keyboard)


def _summary(
    content: Content,
    user: User,
    day: date,
    week: Sequence[Workout],
    steps: Sequence[PlanStep],
    due: datetime,
) -> Outgoing:
    """This week so far (never called "last week" on its own Sunday) and next week's focus."""
    monday = plan.week_starting(day)
    target = week_target(content, user)
    review = plan.review_week(
        [fact(r) for r in week], user.plan_week, target, pain_open=pain_open(user)
    )
    preview = plan.decide_progression(review)
    on_target = review.sessions_done >= review.sessions_target > 0 and not review.pain
    streak = streak_from(steps, monday, on_target)
    nxt = plan.target_for_week(track_weeks(content, user), preview.new_week) or target
    text = coaching_msgs.weekly_summary(
        review.sessions_done,
        review.days,
        review.sessions_target,
        review.backward_s,
        review.pain,
        streak,
        preview.reason,
        nxt.week,
        nxt.focus,
    )
    return Outgoing(user.id, user.chat_id, "summary", day, text, None, due)


def _due_items(user: User, now: datetime) -> list[tuple[str, date, datetime]]:
    """What is due for the user now (kind, local date, due instant), schedules moved on;
    reminders too late or during a pause are dropped here."""
    tz = user_zone(user)
    due_items: list[tuple[str, datetime]] = []
    if user.snooze_until is not None and user.snooze_until <= now:
        if user.reminders_on:  # /remind off after a snooze: the snooze goes too
            due_items.append(("snooze", user.snooze_until))
        user.snooze_until = None
    if user.next_reminder_at is not None and user.next_reminder_at <= now:
        due_items.append(("reminder", user.next_reminder_at))
    if user.next_summary_at is not None and user.next_summary_at <= now:
        due_items.append(("summary", user.next_summary_at))
    reschedule(user, now)
    return [
        (kind, local_date_of(due, tz), due)
        for kind, due in due_items
        if now - due <= LATE_LIMIT and not is_paused(user, now)
    ]


async def collect_due(
    db: Database,
    content: Content,
    now: datetime,
    *,
    claimer: str = "",
    lease: timedelta = timedelta(minutes=1),
    limit: int | None = None,
) -> list[Outgoing]:
    """Claim due users, decide for all of them at once, queue their messages, one commit."""
    limit = CLAIM_BATCH if limit is None else limit
    async with db.uow() as repo:
        users = await repo.claim_due(now, limit)
        if not users:
            return []
        by_id = {u.id: u for u in users}
        today = {u.id: local_now(u, now).date() for u in users}
        # The weekly progression first: the reminder names this week's workout.
        ranges = {u.id: r for u in users if (r := catch_up_range(u, today[u.id])) is not None}
        facts: dict[int, list[Workout]] = {uid: [] for uid in ranges}
        if ranges:
            first = min(r[0] for r in ranges.values())
            last = max(r[1] for r in ranges.values())
            for w in await repo.workouts_of(list(ranges), first, last):
                facts[w.user_id].append(w)
        changes: list[PlanChange] = []
        for u in users:
            rows = [fact(w) for w in facts.get(u.id, ())]
            changes += apply_catch_up(content, u, today[u.id], rows)
        await repo.record_plan_changes(changes)

        due = {u.id: _due_items(u, now) for u in users}
        logged = await repo.logged_days(
            {(uid, d) for uid, items in due.items() for k, d, _ in items if k != "summary"}
        )
        # A summary reviews its own week and reads the stored weekly decisions for the streak.
        since = {
            uid: plan.week_starting(d)
            for uid, items in due.items()
            for k, d, _ in items
            if k == "summary"
        }
        history: dict[int, list[Workout]] = {uid: [] for uid in since}
        steps: dict[int, list[PlanStep]] = {}
        if since:
            newest = max(d for items in due.values() for k, d, _ in items if k == "summary")
            for w in await repo.workouts_of(list(since), min(since.values()), newest):
                history[w.user_id].append(w)
            recent = await repo.recent_steps_of(list(since), MAX_STREAK_WEEKS)
            steps = {uid: [PlanStep(*row) for row in rows] for uid, rows in recent.items()}
        out: list[Outgoing] = []
        keyboards: Keyboards = {}
        for n, (uid, items) in enumerate(due.items()):
            if n % 50 == 49:
                await asyncio.sleep(0)  # let the sends already under way go out on time
            user = by_id[uid]
            for kind, day, at in items:
                if kind == "summary":
                    window = [w for w in history[uid] if since[uid] <= w.local_date <= day]
                    out.append(_summary(content, user, day, window, steps[uid], at))
                elif (uid, day) not in logged:
                    out.append(_reminder(content, user, day, kind, at, keyboards))
        until = now + lease
        queued = await repo.queue_deliveries(
            [
                {
                    "user_id": o.user_id,
                    "local_date": o.local_date,
                    "kind": o.kind,
                    "status": "queued",
                    "sent_at": now,
                    "chat_id": o.chat_id,
                    "text": o.text,
                    "markup": o.markup,
                    "due_at": o.due_at,
                    "claimed_by": claimer,
                    "lease_until": until,
                }
                for o in out
            ]
        )
    ids = {(u, k): i for i, u, k in queued}
    kept = []
    for o in out:
        o.delivery_id = ids.get((o.user_id, o.kind), 0)
        if o.delivery_id:
            kept.append(o)
    return kept


async def reclaim(
    db: Database, now: datetime, claimer: str, lease: timedelta, limit: int
) -> list[Outgoing]:
    """Deliveries a dead claimer left: "sending" ones become unconfirmed, queued ones are
    taken over (and sent once, unless too late by then)."""
    async with db.uow() as repo:
        lost = await repo.expire_sending(now)
        rows = await repo.claim_queued(now, claimer, now + lease, limit)
    if lost:
        log.warning("%s reminders were in flight when their sender stopped: unconfirmed", lost)
    if rows:
        log.info("Taking over %s queued reminders from a stopped sender", len(rows))
    return [
        Outgoing(
            r.user_id,
            r.chat_id or r.user_id,
            r.kind,
            r.local_date,
            r.text or "",
            r.markup,
            r.due_at,
            r.id,
        )
        for r in rows
    ]


# --- sending ---------------------------------------------------------------------------------
async def send_one(
    bot: Bot, item: Outgoing, started: Callable[[], Any], paid: bool = False
) -> tuple[str, int | None]:
    """Send with bounded retries; returns (status, message id).

    "sent", "blocked" (403, or the chat is gone), "failed" (gave up after MAX_ATTEMPTS or a
    permanent error), "unconfirmed" (the request may have reached Telegram; not repeated) or
    "skipped" (no longer wanted when its turn came).
    """
    limiter = getattr(bot, "rate_limiter", None)
    markup = item.keyboard or reminder_msgs.stored_markup(item.markup)
    extra: dict[str, Any] = {"rate_limit_args": Broadcast(started)} if limiter else {}
    if paid:
        extra["allow_paid_broadcast"] = True
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            if limiter is None and not await started():
                return "skipped", None
            msg = await bot.send_message(item.chat_id, item.text, reply_markup=markup, **extra)
            return "sent", msg.message_id
        except Cancelled:
            return "skipped", None
        except Forbidden:
            return "blocked", None
        except RetryAfter as err:
            seconds = float(err._retry_after.total_seconds()) + 0.1
            log.warning("Telegram asked to wait %.0f s before the next reminder", seconds)
            if attempt < MAX_ATTEMPTS:
                await asyncio.sleep(seconds)
        except BadRequest as err:
            log.warning("Reminder to user %s rejected: %s", item.user_id, err.message)
            return ("blocked" if "chat not found" in err.message.lower() else "failed"), None
        except NetworkError as err:
            if not surely_unsent(err):
                log.warning("Reminder to user %s may not have arrived: %r", item.user_id, err)
                return "unconfirmed", None
            log.warning("Reminder to user %s failed (attempt %s): %r", item.user_id, attempt, err)
            if attempt < MAX_ATTEMPTS:
                await asyncio.sleep(min(2**attempt * RETRY_BASE_S, 5))
        except TelegramError as err:
            log.warning("Reminder to user %s failed: %r", item.user_id, err)
            return "failed", None
    log.error("Gave up on the %s for user %s", item.kind, item.user_id)
    return "failed", None


class _Batcher:
    """Group commit: the starts asked for within GATHER_S, or while the last statement ran,
    go in one statement; outcomes are stored every FLUSH_S."""

    def __init__(self, db: Database, lease: timedelta) -> None:
        self.db = db
        self.lease = lease
        self.starts: dict[int, asyncio.Future[bool]] = {}
        self.results: list[tuple[Outgoing, str, int | None]] = []
        self._start_task: asyncio.Task[None] | None = None
        self._flush_task: asyncio.Task[None] | None = None

    async def start(self, item: Outgoing) -> bool:
        """Mark the delivery "sending" right before its request; False: skip it."""
        if item.started:
            return True  # a retry of the same delivery
        item.started = True
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.starts[item.delivery_id] = fut
        if self._start_task is None or self._start_task.done():
            self._start_task = asyncio.create_task(self._mark_starts())
        return await asyncio.shield(fut)

    async def _mark_starts(self) -> None:
        while self.starts:
            await asyncio.sleep(GATHER_S)  # the starts of the next few slots come along
            batch, self.starts = self.starts, {}
            now = datetime.now(UTC)
            try:
                async with self.db.uow() as repo:
                    going = await repo.start_deliveries(
                        list(batch), now, now - LATE_LIMIT, now + self.lease
                    )
            except Exception as err:  # the database is away: send nothing we can't record
                log.warning("Could not mark %s reminders as sending: %r", len(batch), err)
                going = set()
            for delivery_id, fut in batch.items():
                if not fut.done():
                    fut.set_result(delivery_id in going)

    def done(self, item: Outgoing, status: str, message_id: int | None) -> None:
        self.results.append((item, status, message_id))
        if self._flush_task is None or self._flush_task.done():
            self._flush_task = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        """One statement per FLUSH_S at most: outcomes that come in while one is written wait
        for the next (writing each time the last write ended made a statement per handful)."""
        await asyncio.sleep(FLUSH_S)
        batch, self.results = self.results, []
        await self._write(batch)
        if self.results:
            self._flush_task = asyncio.create_task(self._flush_soon())

    async def flush(self) -> None:
        """Store every outcome known, the one being written included (at the end of a pass,
        on shutdown)."""
        while True:
            pending = self._flush_task
            if pending is not None and not pending.done() and pending is not asyncio.current_task():
                await asyncio.wait([pending])
                continue
            if not self.results:
                return
            batch, self.results = self.results, []
            await self._write(batch)

    async def _write(self, batch: list[tuple[Outgoing, str, int | None]]) -> None:
        finished = [(o.delivery_id, s, m) for o, s, m in batch if s != "skipped"]
        blocked = {o.user_id for o, s, _ in batch if s == "blocked"}
        if not finished and not blocked:
            return
        for _ in range(3):
            try:
                async with self.db.uow() as repo:
                    await repo.finish_deliveries(finished)
                    await repo.mark_inactive_many(blocked)
                return
            except Exception as err:
                log.warning("Could not store %s reminder outcomes: %r", len(batch), err)
                await asyncio.sleep(0.5)


class Dispatcher:
    """Claims and sends; `run_once` for one pass at an instant, `run` as the long-lived worker."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        content: Content,
        *,
        rate: float = 30.0,
        tick_s: float = 20.0,
    ) -> None:
        self.bot = bot
        self.db = db
        self.content = content
        self.rate = rate
        self.tick_s = tick_s
        self.claimer = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = timedelta(seconds=min(max(3 * tick_s, 5.0), 60.0))
        self.batch = _Batcher(db, self.lease)
        self.statuses: list[str] = []
        self._queue: deque[Outgoing] = deque()
        self._sending: dict[asyncio.Task[None], Outgoing] = {}
        self._sent_at: deque[float] = deque(maxlen=256)
        self._renewed = time.monotonic()
        self._reclaimed = 0.0
        self._dry_until = 0.0  # the last claim found less than it asked for: none till then
        self._wake = asyncio.Event()
        self._changed = asyncio.Event()

    # how much to hold: what this process can send before the next tick, plus a little
    def _ahead(self) -> int:
        rate = self.rate
        if len(self._sent_at) >= 32:
            span = self._sent_at[-1] - self._sent_at[0]
            if span > 0:
                rate = min(rate, len(self._sent_at) / span)
        return max(10, int(rate * min(self.tick_s, AHEAD_S) + CLAIM_BATCH / 2))

    @property
    def _claim_size(self) -> int:
        """About a second of the budget per claim: its decisions run on the event loop, and
        smaller claims keep the pauses they cause short."""
        return min(CLAIM_BATCH, max(20, int(self.rate)))

    @property
    def _concurrency(self) -> int:
        """Sends under way at once: enough to keep the budget busy, well inside the HTTP
        connection pool (256), so a burst never waits for a connection."""
        return min(128, max(32, int(self.rate / 4)))

    def _held(self) -> int:
        return len(self._queue) + len(self._sending)

    async def _claim(self, now: datetime) -> int:
        """Top the queue up; returns how many deliveries were added. While some are held,
        only in claims of half a claim's size or more, and not again for a second once the
        due users ran out: each claim is a transaction, cheaper per user the more it takes."""
        held = self._held()
        want = self._ahead() - held
        if want <= 0:
            return 0
        if held and (want < self._claim_size // 2 or time.monotonic() < self._dry_until):
            return 0
        items: list[Outgoing] = []
        if time.monotonic() - self._reclaimed >= 1.0:
            self._reclaimed = time.monotonic()
            items = await reclaim(self.db, now, self.claimer, self.lease, want)
        if len(items) < want:
            asked = min(self._claim_size, want - len(items))
            due = await collect_due(
                self.db,
                self.content,
                now,
                claimer=self.claimer,
                lease=self.lease,
                limit=asked,
            )
            if len(due) < asked:
                self._dry_until = time.monotonic() + 1.0
            items += due
        self._queue.extend(items)
        if items:
            metrics.reminders_claimed(len(items))
        return len(items)

    def _pump(self) -> None:
        paid = self.rate > 30
        while self._queue and len(self._sending) < self._concurrency:
            item = self._queue.popleft()
            task = asyncio.create_task(self._send(item, paid))
            self._sending[task] = item
            task.add_done_callback(self._finished)

    async def _send(self, item: Outgoing, paid: bool) -> None:
        status, message_id = await send_one(
            self.bot, item, lambda: self.batch.start(item), paid=paid
        )
        self.statuses.append(status)
        metrics.reminder_outcome(status)
        self._sent_at.append(time.monotonic())
        self.batch.done(item, status, message_id)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._sending.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("Reminder send crashed", exc_info=task.exception())
        self._changed.set()

    async def _renew(self, force: bool = False) -> None:
        if not self._held():
            return
        if not force and time.monotonic() - self._renewed < self.lease.total_seconds() / 3:
            return
        self._renewed = time.monotonic()
        async with self.db.uow() as repo:
            await repo.renew_delivery_leases(self.claimer, datetime.now(UTC) + self.lease)

    async def _wait_change(self, seconds: float) -> None:
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), seconds)

    async def run_once(self, now: datetime) -> list[str]:
        """Everything due at `now`: claim until nothing is left, send it all, store it all."""
        self.statuses = []
        while True:
            claimed = await self._claim(now)
            self._pump()
            if not claimed and not self._held():
                break
            if not claimed or self._held() >= self._ahead():
                await self._wait_change(0.5)
            await self._renew()
        await self.batch.flush()
        return self.statuses

    def wake(self) -> None:
        self._wake.set()

    async def run(self, running: Callable[[], bool]) -> None:
        """The worker: drain whatever is due whenever woken, until `running()` turns False."""
        try:
            while running():
                self._wake.clear()
                try:
                    await self._drain(running)
                except Exception:
                    log.exception("Reminder dispatch failed; trying again at the next tick")
                    await asyncio.sleep(1)
                while running() and not self._wake.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), 0.2)
        finally:
            await self.stop()

    async def _drain(self, running: Callable[[], bool]) -> None:
        while running():
            claimed = await self._claim(datetime.now(UTC))
            self._pump()
            if not claimed and not self._held():
                return
            await self._wait_change(0.2)
            await self._renew()

    async def stop(self) -> None:
        """Stop claiming; requests in flight finish (or are marked unconfirmed), the rest is
        handed back for another replica or the next start."""
        waiting = [t for t, item in self._sending.items() if not item.started]
        for task in waiting:
            task.cancel()
        flying = [t for t in self._sending if t not in waiting]
        if flying:
            await asyncio.wait(flying, timeout=STOP_GRACE_S)
        late = [item.delivery_id for t, item in self._sending.items() if item.started]
        await asyncio.gather(*waiting, return_exceptions=True)
        await self.batch.flush()
        try:
            async with self.db.uow() as repo:
                await repo.mark_unconfirmed(late)
                released = await repo.release_deliveries(self.claimer)
        except Exception as err:
            log.warning("Could not hand back queued reminders (their lease will): %r", err)
            return
        self._queue.clear()
        if released:
            metrics.reminders_claimed(-released)  # handed back: no longer this process's backlog
        if released or late:
            log.info("Handed back %s queued reminders; %s unconfirmed", released, len(late))


async def mark_blocked(db: Database, chat_id: int) -> None:
    """A 403 on a reply: the user (private chat id == user id) gets no more reminders."""
    try:
        async with db.uow() as repo:
            await repo.mark_inactive(chat_id)
    except Exception as err:
        log.warning("Could not mark user %s inactive after a 403: %r", chat_id, err)


async def dispatch_job(context: CoachContext) -> None:
    """The JobQueue tick: wake the worker (started on the first tick), never wait for it."""
    app = context.application
    dispatcher = app.bot_data.dispatcher
    if dispatcher is None:
        d = context.services
        dispatcher = Dispatcher(
            app.bot,
            d.db,
            d.content,
            rate=d.settings.telegram_rate_limit,
            tick_s=d.settings.reminder_interval_s,
        )
        app.bot_data.dispatcher = dispatcher
        app.create_task(dispatcher.run(lambda: app.running), name="reminder-dispatcher")
    dispatcher.wake()
