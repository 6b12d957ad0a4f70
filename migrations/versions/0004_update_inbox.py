"""processed_updates becomes the inbox: state, chat, payload and lease of each update

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        # Rows from before the inbox were all handled.
        batch_op.add_column(
            sa.Column("state", sa.String(length=8), nullable=False, server_default="done")
        )
        batch_op.add_column(sa.Column("chat_key", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("owner", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_processed_updates_state"), ["state"], unique=False)
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_updates_state"))
        batch_op.drop_column("lease_until")
        batch_op.drop_column("owner")
        batch_op.drop_column("payload")
        batch_op.drop_column("chat_key")
        batch_op.drop_column("state")
