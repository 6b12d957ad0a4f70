"""build_application(): the handler table, jobs and start-up work, in one readable place."""

from __future__ import annotations

import logging
from datetime import UTC

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import dispatcher, housekeeping, observe, profile
from bot.commands import COMMANDS
from bot.content import DEFAULT_ROOT
from bot.deps import KEY, Deps
from bot.handlers import (
    basics,
    buttons,
    chat,
    errors,
    guide,
    log,
    onboarding,
    privacy,
    progress,
    tips,
)
from bot.handlers import plan as plan_handlers
from bot.handlers import reminders as reminder_handlers
from bot.http_pools import PooledRequest
from bot.intake.guard import CommitFirst
from bot.ratelimit import SHARED_HEADROOM, CoachRateLimiter, SharedBudget

logger = logging.getLogger(__name__)


def build_application(
    deps: Deps, token: str, request: BaseRequest | None = None, with_rate_limiter: bool = True
) -> Application:  # type: ignore[type-arg]
    """The bot: settings and services in, a configured PTB Application out."""
    settings = deps.settings
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=UTC))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.request(PooledRequest())  # small pools: see bot/http_pools.py
    # Every request first commits the update's open work (bot/intake/guard.py), then is paced.
    limiter = rate_limiter(deps, token) if with_rate_limiter else None
    builder = builder.rate_limiter(CommitFirst(limiter))
    app = builder.build()
    app.bot_data[KEY] = deps
    add_handlers(app)
    observe.instrument(app)
    return app


def rate_limiter(deps: Deps, token: str) -> CoachRateLimiter:
    """One Telegram budget per bot: in PostgreSQL when replicas may share it, else in memory."""
    rate = deps.settings.telegram_rate_limit
    budget = None
    if deps.db.dialect == "postgresql":
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 0
        budget = SharedBudget(deps.db.engine, bot_id, rate * SHARED_HEADROOM)
    limiter = CoachRateLimiter(rate=rate, budget=budget)

    async def blocked(chat_id: int) -> None:
        await dispatcher.mark_blocked(deps.db, chat_id)

    limiter.on_blocked = blocked
    return limiter


def add_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """The handler table. Lower groups run first; ApplicationHandlerStop ends an update."""
    # Duplicates never get here: the inbox (bot/intake/) hands each update out once.
    # -2: the user blocked or unblocked the bot
    app.add_handler(
        ChatMemberHandler(basics.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER), group=-2
    )
    # -1: the coach works in private chats only
    app.add_handler(TypeHandler(Update, basics.private_only), group=-1)
    # 0: commands, buttons, then free text; the first match wins
    commands = {
        "start": onboarding.start,
        "help": basics.help_command,
        "cancel": basics.cancel,
        "log": log.log_command,
        "undo": log.undo_command,
        "history": log.history_command,
        "remind": reminder_handlers.remind_command,
        "timezone": reminder_handlers.timezone_command,
        "pause": reminder_handlers.pause_command,
        "resume": reminder_handlers.resume_command,
        "settings": onboarding.settings_command,
        "tip": tips.tip_command,
        "safety": tips.safety_command,
        "plan": plan_handlers.plan_command,
        "progress": progress.progress_command,
        "export": privacy.export_command,
        "deleteme": privacy.deleteme_command,
        "privacy": privacy.privacy_command,
        "go": guide.go_command,
        "calendar": guide.calendar_command,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=~filters.UpdateType.EDITED_MESSAGE))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, basics.edited))
    app.add_handler(MessageHandler(filters.COMMAND, basics.unknown_command))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(MessageHandler(filters.LOCATION, onboarding.on_location))
    app.add_handler(MessageHandler(filters.ALL, chat.on_message))
    app.add_error_handler(errors.on_error)
    register_buttons()


def register_buttons() -> None:
    """Button actions (see bot/actions.py) and the handler each one reaches."""
    buttons.register(log.on_undo_button, "un")
    buttons.register(log.on_edit_button, "ed", "eD", "eF", "eY", "eN", "eP", "es", "ef", "ey", "ep")
    buttons.register(log.on_question_button, "aq")
    buttons.register(log.on_guided_button, "gd", "gf", "gn")
    buttons.register(log.on_offer_button, "ol", "on")
    buttons.register(reminder_handlers.on_zone_button, "tz")
    buttons.register(reminder_handlers.on_reminder_button, "rd", "rz", "rs")
    buttons.register(onboarding.on_onboarding_button, *onboarding.ACTIONS)
    buttons.register(tips.on_tip_button, "tp")
    buttons.register(plan_handlers.on_plan_button, *plan_handlers.ACTIONS)
    buttons.register(privacy.on_delete_button, "dy", "dn")
    buttons.register(guide.on_guide_button, "ag")


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    """Register the command menu from the same table /help prints; start the periodic jobs."""
    await app.bot.set_my_commands([BotCommand(c.name, c.summary) for c in COMMANDS])
    deps = app.bot_data[KEY]
    await profile.sync(app.bot, profile.load(deps.settings.content_dir or DEFAULT_ROOT))
    if app.job_queue is not None and deps.settings.reminder_interval_s > 0:
        app.job_queue.run_repeating(
            observe.timed_job(dispatcher.dispatch_job),
            interval=deps.settings.reminder_interval_s,
            first=1,
            name="reminders",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )
        app.job_queue.run_repeating(
            observe.timed_job(housekeeping.prune_job),
            interval=housekeeping.INTERVAL_S,
            first=60,
            name="housekeeping",
        )
    logger.info("Bot @%s ready", app.bot.username)


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    deps = app.bot_data.get(KEY)
    if isinstance(deps, Deps):
        await deps.db.dispose()
