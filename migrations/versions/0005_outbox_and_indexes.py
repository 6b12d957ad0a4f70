"""deliveries as an outbox with leases, composite indexes, the shared send budget

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("markup", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_deliveries_status_lease", ["status", "lease_until"])
        batch_op.create_index("ix_deliveries_local_date", ["local_date"])
    # Rows left "sending" by the old dispatcher may have reached Telegram: never resent.
    op.execute("UPDATE deliveries SET status = 'unconfirmed' WHERE status = 'sending'")

    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.drop_index("ix_workouts_user_id")
        batch_op.drop_index("ix_workouts_local_date")
        batch_op.create_index("ix_workouts_user_day", ["user_id", "local_date"])
        batch_op.create_index("ix_workouts_user_logged", ["user_id", "logged_at", "id"])

    op.create_table(
        "send_budget",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", name=op.f("pk_send_budget")),
    )


def downgrade() -> None:
    op.drop_table("send_budget")
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.drop_index("ix_workouts_user_logged")
        batch_op.drop_index("ix_workouts_user_day")
        batch_op.create_index("ix_workouts_local_date", ["local_date"])
        batch_op.create_index("ix_workouts_user_id", ["user_id"])
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_local_date")
        batch_op.drop_index("ix_deliveries_status_lease")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("due_at")
        batch_op.drop_column("markup")
        batch_op.drop_column("text")
        batch_op.drop_column("chat_id")
