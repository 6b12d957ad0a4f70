"""plan reasons stored as codes; pain kept in mind until it is better; all-time totals

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:50:00

Plan decision reasons (plan_changes.reason, users.plan_reason) were English sentences; they
become codes with parameters ("advance done=3 target=3 week=2", see bot/coach/plan.py),
worded at reply time. Sentences written by earlier versions are read back into codes; one
that matches no known sentence takes the code of its decision. Downgrade writes the English
sentences back. The patterns live here, not in bot/, so this file never changes meaning.
The users' all-time totals start unknown (NULL) and are summed on first use.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_N = r"(\d+)"
_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("start", re.compile(r"^You started the plan this week\.$"), ()),
    (
        "pain",
        re.compile(rf"^You flagged pain last week, so we stay in week {_N} until it settles\.$"),
        ("week",),
    ),
    (
        "rest",
        re.compile(rf"^Last week was a pause, so you stay in week {_N}; no ground lost\.$"),
        ("week",),
    ),
    (
        "finish",
        re.compile(rf"^{_N} of {_N} sessions? in week {_N}: plan complete"),
        ("done", "target", "week"),
    ),
    (
        "advance",
        re.compile(
            rf"^{_N} of {_N} sessions? last week and no pain, so you move up to week {_N}\.$"
        ),
        ("done", "target", "week"),
    ),
    (
        "repeat",
        re.compile(rf"^Only {_N} of {_N} sessions? last week, so we repeat week {_N}\.$"),
        ("done", "target", "week"),
    ),
    (
        "hold",
        re.compile(
            rf"^{_N} of {_N} sessions? last week, close to target, so we stay in week {_N} "
            r"one more time\.$"
        ),
        ("done", "target", "week"),
    ),
)
_CODES = {"start", "pain", "rest", "finish", "advance", "repeat", "hold"}


def to_code(text: str | None, decision: str | None = None, week: int | None = None) -> str:
    """The code form of a stored sentence (already a code: unchanged)."""
    text = (text or "").strip()
    if text.split(" ", 1)[0] in _CODES and "." not in text:
        return text
    for code, pattern, names in _PATTERNS:
        found = pattern.match(text)
        if found:
            params = sorted(zip(names, found.groups(), strict=True))
            return " ".join([code, *(f"{k}={v}" for k, v in params)])
    if decision in _CODES:
        return decision + (f" week={week}" if week else "")
    return "start"


def _plural(n: str) -> str:
    return f"{n} session" if n == "1" else f"{n} sessions"


def to_text(code: str) -> str:
    """The sentence earlier versions stored, for a downgrade."""
    name, *rest = (code or "start").split()
    p = dict(item.partition("=")[::2] for item in rest)
    week, done, target = p.get("week", "1"), p.get("done", "0"), p.get("target", "0")
    tally = f"{done} of {_plural(target)}"
    return {
        "pain": f"You flagged pain last week, so we stay in week {week} until it settles.",
        "rest": f"Last week was a pause, so you stay in week {week}; no ground lost.",
        "finish": f"{tally} in week {week}: plan complete, well done! "
        f"Keep the week-{week} routine going.",
        "advance": f"{tally} last week and no pain, so you move up to week {week}.",
        "repeat": f"Only {tally} last week, so we repeat week {week}.",
        "hold": f"{tally} last week, close to target, so we stay in week {week} one more time.",
    }.get(name, "You started the plan this week.")


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pain_since", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("pain_parts", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("totals_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("totals_backward_s", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("totals_distance_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("totals_longest_s", sa.Integer(), nullable=True))
    bind = op.get_bind()
    changes = bind.execute(
        sa.text("SELECT id, reason, decision, to_week FROM plan_changes")
    ).fetchall()
    for row in changes:
        bind.execute(
            sa.text("UPDATE plan_changes SET reason = :r WHERE id = :i"),
            {"r": to_code(row[1], row[2], row[3]), "i": row[0]},
        )
    users = bind.execute(sa.text("SELECT id, plan_reason, plan_week FROM users")).fetchall()
    for row in users:
        bind.execute(
            sa.text("UPDATE users SET plan_reason = :r WHERE id = :i"),
            {"r": to_code(row[1], None, row[2]) if row[1] else "", "i": row[0]},
        )


def downgrade() -> None:
    bind = op.get_bind()
    for table, column in (("plan_changes", "reason"), ("users", "plan_reason")):
        rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table}")).fetchall()
        for row in rows:
            bind.execute(
                sa.text(f"UPDATE {table} SET {column} = :r WHERE id = :i"),
                {"r": to_text(row[1]) if row[1] else "", "i": row[0]},
            )
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of "users" would cascade-delete the
    # rows that reference it.
    for column in (
        "totals_longest_s",
        "totals_distance_m",
        "totals_backward_s",
        "totals_days",
        "pain_parts",
        "pain_since",
    ):
        op.drop_column("users", column)
