"""Logging sessions: /log <text>, the guided /log, plain-text offers, edit, /undo, /history."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from telegram import Update

from bot import render
from bot.callbacks import Press, cb
from bot.coach.parsing import looks_like_log, parse_log
from bot.coach.types import Feeling, LogDraft, ParseError
from bot.coaching import record_session
from bot.db.models import User, Workout
from bot.db.repo import Repo
from bot.handlers.common import Context, get_deps, load_user, say

PRESETS_S = (60, 120, 180, 300, 600, 900)
FEELINGS = (Feeling.GREAT, Feeling.GOOD, Feeling.OK, Feeling.HARD)
FEELING_VALUES = frozenset(f.value for f in Feeling)


def summary_of(w: Workout) -> str:
    parts = tuple(p for p in w.body_parts.split(";") if p)
    return render.session_line(w.duration_s, w.distance_m, w.feeling, w.pain, parts)


def draft_summary(d: LogDraft) -> str:
    feeling = d.feeling.value if d.feeling else None
    return render.session_line(d.duration_s, d.distance_m, feeling, d.pain, d.body_parts)


def session_buttons(workout_id: int) -> render.Keyboard:
    return render.keyboard([[("↩️ Undo", cb("un", workout_id)), ("✏️ Edit", cb("ed", workout_id))]])


def duration_buttons(action: str, *prefix: object) -> render.Keyboard:
    row = [(render.duration(s), cb(action, *prefix, s)) for s in PRESETS_S]
    return render.keyboard([row[:3], row[3:]])


def feeling_buttons(action: str, *prefix: object, skip: bool = False) -> render.Keyboard:
    rows = [[(render.FEELING_WORDS[f.value], cb(action, *prefix, f.value)) for f in FEELINGS]]
    if skip:
        rows.append([("Skip", cb(action, *prefix, "skip"))])
    return render.keyboard(rows)


async def _store_and_reply(
    update: Update, context: Context, repo_user: tuple[Repo, User], draft: LogDraft, source: str
) -> None:
    repo, user = repo_user
    deps = get_deps(context)
    logged = await record_session(repo, deps.content, user, draft, datetime.now(UTC), source)
    await repo.commit()  # the log is safe before we talk to Telegram
    fb, w = logged.feedback, logged.workout
    text = render.logged(
        summary_of(w),
        w.local_date,
        fb.lines,
        fb.milestones,
        fb.caution,
        (fb.tip.title, fb.tip.summary) if fb.tip else None,
    )
    await say(update, context, text, session_buttons(w.id))


# --- /log ----------------------------------------------------------------------------------
async def log_command(update: Update, context: Context) -> None:
    text = " ".join(context.args or [])
    if update.message and update.message.text:
        # keep the user's own spacing and line breaks, minus the command itself
        text = update.message.text.partition(" ")[2] if " " in update.message.text else ""
    async with get_deps(context).db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        if not text.strip():
            await repo.set_conversation(user.id, "log", "duration", {})
            await repo.commit()
            await say(update, context, render.ask_duration(), duration_buttons("gd"))
            return
        result = parse_log(text)
        if isinstance(result, ParseError):
            await say(update, context, render.parse_error(result.code))
            return
        await repo.clear_conversation(user.id)
        await _store_and_reply(update, context, (repo, user), result, "log")


# --- guided flow ---------------------------------------------------------------------------
async def guided_text(
    update: Update,
    context: Context,
    repo: Repo,
    user: User,
    step: str,
    data: dict[str, Any],
    text: str,
) -> None:
    """A typed answer to the guided step the user is on."""
    if step == "duration":
        result = parse_log(text)
        if isinstance(result, ParseError) or result.duration_s is None:
            await say(update, context, render.duration_not_understood(), duration_buttons("gd"))
            return
        await _guided_duration(update, context, repo, user, result.duration_s)
    elif step == "feeling":
        result = parse_log(f"1 min {text}")
        feeling = result.feeling.value if isinstance(result, LogDraft) and result.feeling else None
        await _guided_feeling(update, context, repo, user, data, feeling)
    else:
        await _guided_finish(update, context, repo, user, data, text)


async def _guided_duration(
    update: Update, context: Context, repo: Repo, user: User, seconds: int
) -> None:
    await repo.set_conversation(user.id, "log", "feeling", {"duration_s": seconds})
    await repo.commit()
    await say(
        update,
        context,
        render.ask_feeling(render.duration(seconds) + " backward"),
        feeling_buttons("gf", skip=True),
    )


async def _guided_feeling(
    update: Update,
    context: Context,
    repo: Repo,
    user: User,
    data: dict[str, Any],
    feeling: str | None,
) -> None:
    await repo.set_conversation(user.id, "log", "note", {**data, "feeling": feeling})
    await repo.commit()
    await say(update, context, render.ask_note(), render.keyboard([[("Skip", cb("gn", "skip"))]]))


async def _guided_finish(
    update: Update, context: Context, repo: Repo, user: User, data: dict[str, Any], note: str
) -> None:
    """Build the session from the answers; the note is read by the parser for pain and surface."""
    seconds = int(data.get("duration_s") or 0)
    if seconds <= 0:
        await repo.clear_conversation(user.id)
        await say(update, context, render.stale_button())
        return
    parsed = parse_log(f"{seconds}s {note}".strip()[:500])
    base = parsed if isinstance(parsed, LogDraft) else LogDraft(text="")
    feeling = data.get("feeling")
    draft = LogDraft(
        text=note.strip() or f"{render.duration(seconds)} (guided)",
        duration_s=seconds,
        feeling=Feeling(feeling)
        if isinstance(feeling, str) and feeling in FEELING_VALUES
        else base.feeling,
        pain=base.pain,
        body_parts=base.body_parts,
        sore_parts=base.sore_parts,
        red_flags=base.red_flags,
        surface=base.surface,
        notes=base.notes,
    )
    await repo.clear_conversation(user.id)
    await _store_and_reply(update, context, (repo, user), draft, "guided")


async def _current_step(repo: Repo, user: User, flow: str, step: str) -> dict[str, Any] | None:
    convo = await repo.get_conversation(user.id)
    if convo is None or convo.flow != flow or convo.step != step:
        return None
    return dict(convo.data)


async def on_guided_button(update: Update, context: Context, press: Press) -> None:
    async with get_deps(context).db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        step = {"gd": "duration", "gf": "feeling", "gn": "note"}[press.action]
        data = await _current_step(repo, user, "log", step)
        if data is None:
            await say(update, context, render.stale_button())
            return
        if press.action == "gd":
            seconds = press.int_arg(0)
            if seconds is None or seconds not in PRESETS_S:
                await say(update, context, render.stale_button())
                return
            await _guided_duration(update, context, repo, user, seconds)
        elif press.action == "gf":
            value = press.args[0] if press.args else ""
            feeling = value if value in FEELING_VALUES else None
            await _guided_feeling(update, context, repo, user, data, feeling)
        else:
            await _guided_finish(update, context, repo, user, data, "")


# --- plain text offers ---------------------------------------------------------------------
async def offer_from_text(
    update: Update, context: Context, repo: Repo, user: User, text: str
) -> bool:
    """Offer to log chat text that reads like a session; never logs without the button."""
    if not looks_like_log(text):
        return False
    result = parse_log(text)
    if isinstance(result, ParseError):
        return False
    nonce = secrets.token_hex(4)
    await repo.set_conversation(user.id, "offer", "confirm", {"text": text, "nonce": nonce})
    await repo.commit()
    markup = render.keyboard([[("✅ Log it", cb("ol", nonce)), ("No thanks", cb("on", nonce))]])
    await say(update, context, render.offer_log(draft_summary(result)), markup)
    return True


async def on_offer_button(update: Update, context: Context, press: Press) -> None:
    async with get_deps(context).db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        data = await _current_step(repo, user, "offer", "confirm")
        if data is None or not press.args or data.get("nonce") != press.args[0]:
            await say(update, context, render.stale_button())
            return
        await repo.clear_conversation(user.id)
        await _clear_buttons(update)
        if press.action == "on":
            await repo.commit()
            await say(update, context, render.offer_declined())
            return
        result = parse_log(str(data.get("text", "")))
        if isinstance(result, ParseError):
            await say(update, context, render.parse_error(result.code))
            return
        await _store_and_reply(update, context, (repo, user), result, "text")


async def _clear_buttons(update: Update) -> None:
    """Take the buttons off a pressed message so it can't be pressed twice."""
    query = update.callback_query
    if query is not None and query.message is not None and query.message.is_accessible:
        await query.edit_message_reply_markup(reply_markup=None)


# --- undo, edit, history -------------------------------------------------------------------
async def undo_command(update: Update, context: Context) -> None:
    async with get_deps(context).db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        workout = await repo.last_workout(user.id)
        if workout is None:
            await say(update, context, render.nothing_to_undo())
            return
        summary, day = summary_of(workout), workout.local_date
        await repo.delete_workout(workout)
    await say(update, context, render.undone(summary, day))


async def on_undo_button(update: Update, context: Context, press: Press) -> None:
    wid = press.int_arg(0)
    async with get_deps(context).db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        workout = await repo.get_workout(user.id, wid) if wid is not None else None
        if workout is None:
            await say(update, context, render.session_gone())
            return
        summary, day = summary_of(workout), workout.local_date
        await repo.delete_workout(workout)
    await _clear_buttons(update)
    await say(update, context, render.undone(summary, day))


async def on_edit_button(update: Update, context: Context, press: Press) -> None:
    """ed: menu; eD/eF: choices; es/ef: apply a chosen duration or feeling."""
    wid = press.int_arg(0)
    async with get_deps(context).db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        workout = await repo.get_workout(user.id, wid) if wid is not None else None
        if workout is None:
            await say(update, context, render.session_gone())
            return
        if press.action == "ed":
            markup = render.keyboard(
                [[("⏱ Duration", cb("eD", workout.id)), ("🙂 Feeling", cb("eF", workout.id))]]
            )
            await say(update, context, render.edit_menu(summary_of(workout)), markup)
        elif press.action == "eD":
            await repo.set_conversation(user.id, "edit", "duration", {"id": workout.id})
            await repo.commit()
            await say(
                update, context, render.ask_new_duration(), duration_buttons("es", workout.id)
            )
        elif press.action == "eF":
            await say(update, context, render.ask_new_feeling(), feeling_buttons("ef", workout.id))
        elif press.action == "es":
            seconds = press.int_arg(1)
            if seconds is None or seconds not in PRESETS_S:
                await say(update, context, render.stale_button())
                return
            await _apply_edit(update, context, repo, workout, duration_s=seconds)
        else:
            value = press.args[1] if len(press.args) > 1 else ""
            if value not in FEELING_VALUES:
                await say(update, context, render.stale_button())
                return
            await _apply_edit(update, context, repo, workout, feeling=value)


async def _apply_edit(
    update: Update,
    context: Context,
    repo: Repo,
    workout: Workout,
    duration_s: int | None = None,
    feeling: str | None = None,
) -> None:
    if duration_s is not None:
        workout.duration_s = duration_s
    if feeling is not None:
        workout.feeling = feeling
    await repo.clear_conversation(workout.user_id)
    await repo.commit()
    await _clear_buttons(update)
    await say(
        update, context, render.edited_session(summary_of(workout)), session_buttons(workout.id)
    )


async def edit_text(
    update: Update,
    context: Context,
    repo: Repo,
    user: User,
    step: str,
    data: dict[str, Any],
    text: str,
) -> None:
    """A typed new duration for the session being edited."""
    wid = data.get("id")
    workout = await repo.get_workout(user.id, int(wid)) if isinstance(wid, int) else None
    if workout is None:
        await repo.clear_conversation(user.id)
        await say(update, context, render.session_gone())
        return
    result = parse_log(text)
    if isinstance(result, ParseError) or result.duration_s is None:
        await say(update, context, render.duration_not_understood())
        return
    await _apply_edit(update, context, repo, workout, duration_s=result.duration_s)


async def history_command(update: Update, context: Context) -> None:
    async with get_deps(context).db.uow() as repo:
        user, _ = await load_user(repo, update, context)
        rows = await repo.recent_workouts(user.id, 10)
        lines = [(w.local_date, summary_of(w)) for w in rows]
    await say(update, context, render.history(lines))
