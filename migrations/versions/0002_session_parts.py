"""session parts: blocks, forward totals, reps, mode, soreness; notes as codes

Existing sessions become one backward block holding their stored time and distance, and
their free-text notes become one ("text", ...) note code.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_workouts = sa.table(
    "workouts",
    sa.column("id", sa.Integer),
    sa.column("duration_s", sa.Integer),
    sa.column("distance_m", sa.Float),
    sa.column("old_notes", sa.String),
    sa.column("notes", sa.JSON),
    sa.column("blocks", sa.JSON),
    sa.column("mode", sa.String),
)


def _block(duration_s: int | None, distance_m: float | None) -> list[dict[str, Any]]:
    s = duration_s if duration_s and duration_s > 0 else None
    m = distance_m if distance_m and distance_m > 0 else None
    if s is None and m is None:
        return []
    part = {"dir": "backward", "mode": "run", "s": s, "m": m}
    return [{"rounds": 1, "parts": [part]}]


def upgrade() -> None:
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.alter_column("notes", new_column_name="old_notes")
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forward_s", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("forward_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("reps", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mode", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("blocks", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("sore", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("notes", sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            _workouts.c.id, _workouts.c.duration_s, _workouts.c.distance_m, _workouts.c.old_notes
        )
    ).all()
    for wid, duration_s, distance_m, old in rows:
        blocks = _block(duration_s, distance_m)
        conn.execute(
            _workouts.update()
            .where(_workouts.c.id == wid)
            .values(
                blocks=blocks,
                mode="run" if blocks else None,
                notes=[["text", old]] if old else [],
            )
        )
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.drop_column("old_notes")
        batch_op.alter_column("blocks", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("notes", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("sore", existing_type=sa.String(length=200), server_default=None)


def upgrade_rows_note(codes: Any) -> str:
    """The words of stored note codes, for the downgrade (English, "; "-separated)."""
    if not isinstance(codes, list):
        return ""
    words = [" ".join(str(x) for x in c[1:]) for c in codes if isinstance(c, list) and c]
    return "; ".join(w for w in words if w)[:1000]


def downgrade() -> None:
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.alter_column("notes", new_column_name="note_codes")
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notes", sa.String(length=1000), nullable=False, server_default="")
        )
    codes = sa.table(
        "workouts",
        sa.column("id", sa.Integer),
        sa.column("note_codes", sa.JSON),
        sa.column("notes", sa.String),
    )
    conn = op.get_bind()
    for wid, value in conn.execute(sa.select(codes.c.id, codes.c.note_codes)).all():
        conn.execute(codes.update().where(codes.c.id == wid).values(notes=upgrade_rows_note(value)))
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.alter_column("notes", existing_type=sa.String(length=1000), server_default=None)
        batch_op.drop_column("note_codes")
        batch_op.drop_column("sore")
        batch_op.drop_column("blocks")
        batch_op.drop_column("mode")
        batch_op.drop_column("reps")
        batch_op.drop_column("forward_m")
        batch_op.drop_column("forward_s")
