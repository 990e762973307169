"""the person search's index: folded name words and canonical contacts beside their fields

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 09:30:00

Filled by `charte db upgrade` after the migrations (the policy says which fields are searched,
which a migration does not read) and kept by every write of those fields afterwards. Its state row
says whether it holds every person's terms (not when persons were on file before it existed) and
for which fields: a search refuses an index built for other fields than the policy's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_search",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column(
            "term",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id", "field"],
            ["person_fields.person_id", "person_fields.field"],
            name=op.f("fk_person_search_person_id_person_fields"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "field", "term", name=op.f("pk_person_search")),
    )
    op.create_index(
        op.f("ix_person_search_term_field_person_id"), "person_search", ["term", "field", "person_id"]
    )

    state = op.create_table(
        "person_search_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("built_for", sa.String(length=2000), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_person_search_state_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_search_state")),
    )
    unindexed = op.get_bind().execute(sa.text("SELECT 1 FROM persons LIMIT 1")).first() is not None
    op.bulk_insert(state, [{"id": 1, "complete": not unindexed, "built_for": None}])


def downgrade() -> None:
    op.drop_table("person_search_state")
    op.drop_index(op.f("ix_person_search_term_field_person_id"), table_name="person_search")
    op.drop_table("person_search")
