"""/go, the ▶️ Audio guide button and /calendar through the fake Bot API, on SQLite (a handler
flow: see tests/e2e/conftest.py).

A runner in week 5 (1 min back / 2 min forward), a team player in week 3 (sprints with rest),
a rest day, pain, a typed session, and the plan in a calendar across a DST change.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from icalendar import Calendar

from bot import guide_audio
from bot.coach.guide import COUNT_IN_S, Cue, build_guide, rest_after_rep
from bot.coach.plan import week_starting
from bot.coach.sessions import Mode
from bot.coach.types import WeekTarget
from bot.coach.units import format_distance, format_duration
from bot.db.models import Workout
from bot.render.guide import seconds as seconds_text
from tests.audio import decode, listen
from tests.e2e.harness import Harness
from tests.e2e.reminder_helpers import CLOCK, UID, dispatch_at, load, signup, utc
from tests.fakes import SentMessage

C = COUNT_IN_S


@pytest.fixture(autouse=True)
def _forget_uploads() -> Iterator[None]:
    """Each test has its own fake Telegram, which knows none of the last one's file ids."""
    guide_audio._uploaded.clear()
    yield
    guide_audio._uploaded.clear()


WEDNESDAY = CLOCK.date()  # 2026-06-10
THURSDAY = WEDNESDAY + timedelta(days=1)


async def athlete(
    h: Harness, track: str, week: int, zone: str = "UTC", remind: str = "mon wed fri 07:30"
) -> None:
    """A user who set their zone and days in the chat and is in `week` of `track`."""
    await signup(h, zone=zone, remind=remind)
    async with h.db.uow() as repo:
        user = await repo.get_user(UID)
        assert user is not None
        user.track, user.plan_week = track, week
        user.plan_week_start = week_starting(datetime.now(UTC).date())


def heard(voice: SentMessage) -> list[tuple[Cue | None, float]]:
    assert voice.kind == "voice" and voice.voice is not None
    samples, rate = decode(voice.voice)
    return [(x.cue, round(x.at_s, 1)) for x in listen(samples, rate)]


def voice_seconds(voice: SentMessage) -> float:
    assert voice.voice is not None
    samples, rate = decode(voice.voice)
    return len(samples) / rate


def plan_week(h: Harness, track: str, week: int) -> WeekTarget:
    return h.deps.content.tracks[track].weeks[week - 1]


async def test_go_plays_the_runners_intervals(coach: Harness) -> None:
    target = plan_week(coach, "runner", 5)
    [block] = target.blocks  # rounds of (backward, forward): worked out here from them
    back_s, fwd_s = (p.seconds or 0 for p in block.parts)
    n, period = block.rounds, back_s + fwd_s
    await athlete(coach, "runner", 5)
    [voice] = await coach.say("/go")
    assert voice.kind == "voice"
    assert voice.data["voice"]["mime_type"] == "audio/ogg"
    assert f"Week 5 · {target.phase}" in voice.text
    assert f"{n} × ({format_duration(back_s)} back / {format_duration(fwd_s)} forward)" in (
        voice.text
    )
    assert "rising tones: turn and go backward" in voice.text
    assert "10 s left" in voice.text and "pocket the phone" in voice.text
    # the intervals after the count-in; the file ends less than 1 s after "done"
    assert 0 <= voice_seconds(voice) - (C + n * period) < 1
    [call] = coach.server.calls("sendVoice")
    assert call.params["duration"] == math.ceil(voice_seconds(voice))
    cues = heard(voice)
    backs = [t for cue, t in cues if cue is Cue.BACK]
    forwards = [t for cue, t in cues if cue is Cue.FORWARD]
    assert backs == [C + period * k for k in range(n)]
    assert forwards == [C + back_s + period * k for k in range(n)]
    assert cues[-1] == (Cue.DONE, C + n * period)
    assert (UID, "upload_voice") in coach.server.chat_actions


async def test_go_for_a_team_player_rests_between_sprints(coach: Harness) -> None:
    sprints_block = plan_week(coach, "team", 3).blocks[0]
    [sprint] = sprints_block.parts
    assert sprint.mode is Mode.SPRINT and sprint.seconds
    await athlete(coach, "team", 3)
    [voice] = await coach.say("/go")
    rest = rest_after_rep(sprints_block)
    assert f"{sprints_block.rounds} × {format_distance(sprint.metres or 0)} back sprint" in (
        voice.text
    )
    assert f"{seconds_text(rest)} rest between" in voice.text
    assert rest >= 20 and rest >= 8 * sprint.seconds - 5  # a full recovery, not a jog
    cues = heard(voice)
    n, gap = sprints_block.rounds, sprint.seconds + rest
    backs = [t for cue, t in cues if cue is Cue.BACK][:n]
    assert backs == [round(C + gap * k, 1) for k in range(n)]
    rests = [t for cue, t in cues if cue is Cue.FORWARD][: n - 1]
    assert rests == [round(C + sprint.seconds + gap * k, 1) for k in range(n - 1)]
    # three pips into each sprint after the first: time to get back on the line
    pips = [t for cue, t in cues if cue is Cue.PIP]
    assert pips[3:6] == [round(C + gap - k, 1) for k in (3, 2, 1)]


async def test_a_rest_day_offers_the_session_anyway(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await athlete(coach, "runner", 5)
    clock.move_to(datetime.combine(THURSDAY, time(9, 0), UTC))
    [reply] = await coach.say("/go")
    assert reply.kind == "text"
    assert "rest day" in reply.text
    target = plan_week(coach, "runner", 5)
    assert target.workout in reply.text
    assert coach.server.calls("sendVoice") == []
    [voice] = await coach.press(reply, "Play this week's session")
    assert voice.kind == "voice" and f"Week 5 · {target.phase}" in voice.text
    assert 0 <= voice_seconds(voice) - (C + build_guide(target.blocks).workout_s) < 1


async def test_go_with_a_typed_session(coach: Harness) -> None:
    await coach.say("/start")
    [voice] = await coach.say("/go 6x30s")
    assert "Your session" in voice.text
    assert "6 × 30 s back, 30 s rest between" in voice.text
    cues = heard(voice)
    assert [t for cue, t in cues if cue is Cue.BACK] == [C + 60 * k for k in range(6)]
    assert [t for cue, t in cues if cue is Cue.FORWARD] == [C + 30 + 60 * k for k in range(5)]
    assert 0 <= voice_seconds(voice) - (C + 330) < 1

    [team] = await coach.say("/go 8 x 10m sprints")
    assert "8 × 10 m back sprint, 25 s rest between" in team.text
    assert "estimates" in team.text


async def test_go_with_something_it_cannot_guide(coach: Harness) -> None:
    await coach.say("/start")
    [what] = await coach.say("/go lol idk")
    assert "/go 6x30s" in what.text
    [long] = await coach.say("/go 40x5min")
    assert "longer than 90 minutes" in long.text
    [huge] = await coach.say("/go " + "6x30s " * 200)
    assert "under 500 characters" in huge.text
    [absurd] = await coach.say("/go 500 min")
    assert "longer than 90 minutes" in absurd.text
    assert coach.server.calls("sendVoice") == []


async def test_the_reminder_carries_the_audio_guide(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await athlete(coach, "runner", 6)
    due = (await load(coach.db)).next_reminder_at
    assert due is not None and due == utc(2026, 6, 10, 7, 30)
    assert await dispatch_at(coach, clock, due + timedelta(seconds=5)) == ["sent"]
    reminder = coach.messages()[-1]
    assert "▶️ Audio guide" in reminder.button_texts()
    [voice] = await coach.press(reminder, "▶️ Audio guide")
    assert voice.kind == "voice" and "Week 6 · " in voice.text
    # the reminder keeps Done for afterwards
    assert "✅ Done" in coach.messages()[-2].button_texts()


async def test_plan_has_the_audio_guide_button(coach: Harness) -> None:
    await athlete(coach, "general", 2)
    [plan] = await coach.say("/plan")
    [voice] = await coach.press(plan, "▶️ Audio guide")
    assert voice.kind == "voice" and "Week 2 · " in voice.text


async def test_pain_today_means_no_guide_and_pain_lately_an_easy_one(coach: Harness) -> None:
    await athlete(coach, "runner", 5)
    yesterday = WEDNESDAY - timedelta(days=1)
    async with coach.db.uow() as repo:
        await repo.add_workout(
            Workout(
                user_id=UID,
                logged_at=datetime.combine(yesterday, time(8), UTC),
                local_date=yesterday,
                duration_s=300,
                pain=True,
                body_parts="knee",
                text="5 min knee pain",
                plan_week=5,
                plan_day=1,
                source="test",
            )
        )
        user = await repo.get_user(UID)
        assert user is not None
        user.pain_since, user.pain_parts = yesterday, "knee"  # as logging it would have left it
    easy_note, voice = await coach.say("/go")
    assert "easy backward walk instead of the full session" in easy_note.text
    assert voice.kind == "voice" and "Easy version" in voice.text
    walk_s = max(60, min(plan_week(coach, "runner", 5).min_s, 300))
    assert f"{format_duration(walk_s)} back walk" in voice.text
    assert 0 <= voice_seconds(voice) - (C + walk_s) < 1

    await coach.say("/log 3 min, sharp pain in my knee")
    [stop] = await coach.say("/go")
    assert stop.kind == "text" and "no audio guide today" in stop.text
    [typed] = await coach.say("/go 6x30s")  # the coach stays consistent about pain
    assert "no audio guide today" in typed.text
    assert len(coach.server.calls("sendVoice")) == 1


async def test_calendar_holds_the_plan_across_the_dst_change(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    clock.move_to(datetime(2026, 3, 18, 9, 0, tzinfo=UTC))  # a Wednesday, before 29 March
    await athlete(coach, "runner", 3, zone="Europe/Berlin", remind="mon wed fri 07:30")
    [doc] = await coach.say("/calendar")
    assert doc.kind == "document" and doc.filename == "backward-running-plan.ics"
    assert doc.mime_type == "text/calendar"
    assert doc.document is not None
    assert "through week 8: 17 sessions" in doc.text and "07:30 (Europe/Berlin)" in doc.text
    cal = Calendar.from_ical(doc.document)
    events = cal.walk("VEVENT")
    days = [e.decoded("dtstart").date() for e in events]
    assert len(events) == 17 and days[0] == date(2026, 3, 18) and days[-1] == date(2026, 4, 24)
    assert all(d.weekday() in (0, 2, 4) for d in days)
    starts = {e.decoded("dtstart").date(): e.decoded("dtstart") for e in events}
    assert starts[date(2026, 3, 27)].astimezone(UTC).time() == time(6, 30)  # CET
    assert starts[date(2026, 3, 30)].astimezone(UTC).time() == time(5, 30)  # CEST
    assert {s.strftime("%H:%M") for s in starts.values()} == {"07:30"}
    by_day = {e.decoded("dtstart").date(): str(e["description"]) for e in events}
    week3, week5 = plan_week(coach, "runner", 3), plan_week(coach, "runner", 5)
    assert f"Week 3 · {week3.phase}" in by_day[date(2026, 3, 18)]
    assert f"Week 5 · {week5.phase}" in by_day[date(2026, 3, 30)]
    assert week5.workout in by_day[date(2026, 3, 30)]

    clock.move_to(datetime(2026, 3, 19, 9, 0, tzinfo=UTC))
    [again] = await coach.say("/calendar")
    assert again.document is not None
    later = Calendar.from_ical(again.document).walk("VEVENT")
    old = {str(e["uid"]): int(e["sequence"]) for e in events}
    new = {str(e["uid"]): int(e["sequence"]) for e in later}
    assert set(new) == set(old) - {next(iter(old))}  # today (Wed) has gone; the rest match
    assert all(new[u] > old[u] for u in new)


async def test_help_and_the_menu_list_go_and_calendar(coach: Harness) -> None:
    [help_text] = await coach.say("/help")
    assert "/go" in help_text.text and "/go 6x30s" in help_text.text
    assert "/calendar" in help_text.text
    names = {c["command"] for c in coach.server.commands}
    assert {"go", "calendar"} <= names


async def test_a_second_runner_in_the_same_week_gets_the_file_without_an_upload(
    coach: Harness,
) -> None:
    await athlete(coach, "runner", 5)
    [first] = await coach.say("/go")
    await coach.say("/start", user_id=2002)
    async with coach.db.uow() as repo:
        other = await repo.get_user(2002)
        assert other is not None
        other.track, other.plan_week, other.training_days = "runner", 5, "mon,wed,fri"
    before = len(coach.server.messages(2002))
    coach.server.send_text("/go", user_id=2002)
    await coach.settle()
    [second] = coach.server.messages(2002)[before:]
    upload, by_id = coach.server.calls("sendVoice")
    assert "voice" in upload.files and "voice" not in by_id.files
    assert by_id.params["voice"] == first.data["voice"]["file_id"]
    assert second.kind == "voice" and second.voice == first.voice
    assert second.text == first.text


async def test_calendar_when_paused_and_after_the_plan(
    coach: Harness, clock: time_machine.Traveller
) -> None:
    await athlete(coach, "beginner", 8)
    await coach.say("/pause")
    [paused] = await coach.say("/calendar")
    assert paused.kind == "text" and "paused until you send /resume" in paused.text
    await coach.say("/resume")
    clock.move_to(datetime(2026, 6, 13, 9, 0, tzinfo=UTC))  # Saturday of week 8: none left
    [done] = await coach.say("/calendar")
    assert "the plan ends with this week" in done.text
    assert coach.server.calls("sendDocument") == []


async def test_someone_who_refuses_voice_messages_gets_the_guide_as_a_file(
    coach: Harness,
) -> None:
    await coach.say("/start")
    coach.server.forbid_voice(UID)
    [doc] = await coach.say("/go 4x20s")
    assert doc.kind == "document" and doc.filename == "audio-guide.ogg"
    assert doc.document is not None and doc.document[28:36] == b"OpusHead"
    assert "4 × 20 s back" in doc.text and "as an audio file" in doc.text
    assert len(doc.text) <= 1024
    [refused] = coach.server.errors  # the one sendVoice Telegram refused, as designed
    assert refused.method == "sendVoice"
    coach.server.errors.clear()
    # a guide uploaded before (for someone else) is tried by id once, then sent as a file
    await coach.say("/start", user_id=2002)
    before = len(coach.server.messages(2002))
    coach.server.send_text("/go 5x20s", user_id=2002)
    await coach.settle()
    [voice] = coach.server.messages(2002)[before:]
    assert voice.kind == "voice"
    [again] = await coach.say("/go 5x20s")
    assert again.kind == "document"
    assert [e.method for e in coach.server.errors] == ["sendVoice"]
    coach.server.errors.clear()


async def test_when_the_guide_cannot_be_built_the_session_comes_as_text(
    coach: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(guide: object) -> object:
        raise RuntimeError("libsndfile without Opus")

    monkeypatch.setattr("bot.guide_audio.voice", broken)
    await athlete(coach, "runner", 5)
    [reply] = await coach.say("/go")
    assert "couldn't make the audio guide" in reply.text
    assert plan_week(coach, "runner", 5).workout in reply.text
    assert coach.server.calls("sendVoice") == []
