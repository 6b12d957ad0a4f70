"""build_application(): the handler table, jobs and start-up work, in one readable place.

bot/startup.py runs it: initialize, post_init, start, and the reverse on the way out."""

from __future__ import annotations

import logging
from datetime import UTC

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
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

from bot import actions, dispatcher, housekeeping, observe, profile
from bot.commands import COMMANDS
from bot.context import CONTEXT_TYPES, CoachApp, Services, services_of
from bot.handlers import (
    basics,
    buttons,
    chat,
    edit,
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
from bot.http_pools import PooledRequest, updates_request
from bot.intake.guard import CommitFirst
from bot.ratelimit import PER_CHAT_RATE, SHARED_HEADROOM, CoachRateLimiter, SharedBudget

logger = logging.getLogger(__name__)


def build_application(
    deps: Services,
    token: str,
    request: BaseRequest | None = None,
    with_rate_limiter: bool = True,
    chat_rate: float = PER_CHAT_RATE,
) -> CoachApp:
    """The bot: settings and services in, a configured PTB Application out. `chat_rate` is
    Telegram's per-chat pace (see bot/ratelimit.py); the test harness raises it."""
    settings = deps.settings
    builder = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .token(token)
        .base_url(settings.telegram_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=UTC))
        .post_init(_post_init)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Small pools (see bot/http_pools.py), every client on one TLS context.
        builder = builder.request(PooledRequest()).get_updates_request(updates_request())
    # Every request first commits the update's open work (bot/intake/guard.py), then is paced.
    limiter = rate_limiter(deps, token, chat_rate) if with_rate_limiter else None
    builder = builder.rate_limiter(CommitFirst(limiter))
    app = builder.build()
    app.bot_data.services = deps
    add_handlers(app)
    observe.instrument(app)
    return app


def rate_limiter(deps: Services, token: str, chat_rate: float = PER_CHAT_RATE) -> CoachRateLimiter:
    """One Telegram budget per bot: in PostgreSQL when replicas may share it, else in memory."""
    rate = deps.settings.telegram_rate_limit
    budget = None
    if deps.db.dialect == "postgresql":
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 0
        budget = SharedBudget(deps.db.engine, bot_id, rate * SHARED_HEADROOM)
    limiter = CoachRateLimiter(rate=rate, budget=budget, chat_rate=chat_rate)

    async def blocked(chat_id: int) -> None:
        await dispatcher.mark_blocked(deps.db, chat_id)

    limiter.on_blocked = blocked
    return limiter


def add_handlers(app: CoachApp) -> None:
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
        "undo": edit.undo_command,
        "history": edit.history_command,
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
    buttons.route(actions.Undo, edit.on_undo)
    buttons.route(actions.EditMenu, edit.on_edit_menu)
    buttons.route(actions.EditAmount, edit.on_edit_amount)
    buttons.route(actions.EditFeeling, edit.on_edit_feeling)
    buttons.route(actions.EditDay, edit.on_edit_day)
    buttons.route(actions.EditNote, edit.on_edit_note)
    buttons.route(actions.EditDirection, edit.on_edit_direction)
    buttons.route(actions.SetAmount, edit.on_set)
    buttons.route(actions.SetFeeling, edit.on_set)
    buttons.route(actions.SetDay, edit.on_set)
    buttons.route(actions.FlipPart, edit.on_set)
    buttons.route(actions.GuidedAmount, log.on_guided_amount)
    buttons.route(actions.GuidedFeeling, log.on_guided_feeling)
    buttons.route(actions.GuidedNote, log.on_guided_note)
    buttons.route(actions.Answer, log.on_answer)
    buttons.route(actions.OfferAccept, log.on_offer_accept)
    buttons.route(actions.OfferDecline, log.on_offer_decline)
    buttons.route(actions.Zone, reminder_handlers.on_zone)
    buttons.route(actions.ReminderDone, reminder_handlers.on_reminder_done)
    buttons.route(actions.ReminderSnooze, reminder_handlers.on_reminder_snooze)
    buttons.route(actions.ReminderSkip, reminder_handlers.on_reminder_skip)
    buttons.route(actions.PickTrack, onboarding.on_pick_track)
    buttons.route(actions.PickDays, onboarding.on_pick_days)
    buttons.route(actions.PickTime, onboarding.on_pick_time)
    buttons.route(actions.PickZone, onboarding.on_pick_zone)
    buttons.route(actions.SkipStep, onboarding.on_skip_step)
    buttons.route(actions.OpenSetting, onboarding.on_open_setting)
    buttons.route(actions.TogglePause, onboarding.on_toggle_pause)
    buttons.route(actions.Tip, tips.on_tip_button)
    buttons.route(actions.PainBetter, plan_handlers.on_pain_better)
    buttons.route(actions.PainStill, plan_handlers.on_pain_still)
    buttons.route(actions.FinishChoice, plan_handlers.on_finish_choice)
    buttons.route(actions.NewTrack, plan_handlers.on_new_track)
    buttons.route(actions.Guide, guide.on_guide_button)
    buttons.route(actions.DeleteYes, privacy.on_delete_yes)
    buttons.route(actions.DeleteNo, privacy.on_delete_no)


async def _post_init(app: CoachApp) -> None:
    """Register the command menu from the same table /help prints; start the periodic jobs."""
    await app.bot.set_my_commands([BotCommand(c.name, c.summary) for c in COMMANDS])
    deps = services_of(app)
    await profile.sync(app.bot, deps.profile)
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
