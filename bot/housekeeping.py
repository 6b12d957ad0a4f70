"""Periodic clean-up, so tables that only grow stay small.

Telegram redelivers an update for at most a day, so remembering processed update ids for two
days is enough; a guided step nobody answered for a day is forgotten rather than catching some
unrelated message much later. A finished delivery only matters while its reminder could still
be due (at most a day either side of its local date, two hours late at most): after a week its
"never twice" key has nothing left to stop, and the row goes. Queued and sending rows stay until
the dispatcher has settled them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.context import CoachContext
from bot.db.session import Database

log = logging.getLogger(__name__)

UPDATE_MEMORY = timedelta(days=2)
STEP_MEMORY = timedelta(days=1)
DELIVERY_MEMORY = timedelta(days=7)
INTERVAL_S = 6 * 3600


async def prune(db: Database, now: datetime) -> tuple[int, int, int]:
    """(update ids forgotten, unfinished steps forgotten, old deliveries forgotten)."""
    async with db.uow() as repo:
        updates = await repo.forget_updates_before(now - UPDATE_MEMORY)
        steps = await repo.forget_conversations_before(now - STEP_MEMORY)
        deliveries = await repo.forget_deliveries_before((now - DELIVERY_MEMORY).date())
    if updates or steps or deliveries:
        log.info(
            "Housekeeping: forgot %s update ids, %s unfinished steps and %s old deliveries",
            updates,
            steps,
            deliveries,
        )
    return updates, steps, deliveries


async def prune_job(context: CoachContext) -> None:
    await prune(context.db, datetime.now(UTC))
