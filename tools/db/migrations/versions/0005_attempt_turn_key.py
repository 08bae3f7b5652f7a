"""attempts remember their channel turn, so a replayed turn is not counted twice

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("turn_key", sa.String(length=200), nullable=True))
        batch_op.create_index("ux_attempts_learner_turn", ["learner_id", "turn_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index("ux_attempts_learner_turn")
        batch_op.drop_column("turn_key")
