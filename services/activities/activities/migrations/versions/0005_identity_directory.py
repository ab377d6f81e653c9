"""The identity read model becomes the chassis directory (chassis.directory): `users` gains
roles, team_ids and manager_id and its display name is capped at 200 (the gateway's limit),
`teams` is created, and each user's time zone (this service's own setting, not identity's)
moves to `user_settings`, so identity updates never touch it.

Data: every stored zone is copied to `user_settings`; the placeholder users that setting a
zone used to create before the identity events had described the user (version 0, no name,
no e-mail) are deleted, as the zone no longer needs a `users` row. The downgrade puts zones
back into `users` (placeholders again for zones of users the directory does not know).

The new JSON-list and manager columns are filled for existing rows through a server default
that is then dropped: the chassis directory writes every column on each upsert.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_users = sa.table(
    "users",
    sa.column("id", sa.String),
    sa.column("display_name", sa.String),
    sa.column("email", sa.String),
    sa.column("language", sa.String),
    sa.column("time_zone", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("version", sa.Integer),
)
_settings = sa.table("user_settings", sa.column("user_id", sa.String), sa.column("time_zone", sa.String))

_NEW_USER_COLUMNS = (("roles", sa.Text(), "[]"), ("team_ids", sa.Text(), "[]"), ("manager_id", sa.String(64), ""))


def upgrade() -> None:
    op.create_table(
        "user_settings",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_settings")),
    )
    op.execute(
        _settings.insert().from_select(
            ["user_id", "time_zone"],
            sa.select(_users.c.id, _users.c.time_zone).where(
                _users.c.time_zone.is_not(None), _users.c.time_zone != ""
            ),
        )
    )
    op.execute(
        _users.delete().where(_users.c.version == 0, _users.c.email == "", _users.c.display_name == "")
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        for name, type_, default in _NEW_USER_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=default))
        batch_op.alter_column(
            "display_name", existing_type=sa.String(length=300), type_=sa.String(length=200), existing_nullable=False
        )
        batch_op.drop_column("time_zone")
    with op.batch_alter_table("users", schema=None) as batch_op:
        for name, type_, default in _NEW_USER_COLUMNS:
            batch_op.alter_column(name, existing_type=type_, existing_nullable=False, server_default=None)
    op.create_table(
        "teams",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("manager_id", sa.String(length=64), nullable=False),
        sa.Column("parent_team_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )


def downgrade() -> None:
    op.drop_table("teams")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "display_name", existing_type=sa.String(length=200), type_=sa.String(length=300), existing_nullable=False
        )
        for name, _, _ in reversed(_NEW_USER_COLUMNS):
            batch_op.drop_column(name)
    zone = sa.select(_settings.c.time_zone).where(_settings.c.user_id == _users.c.id).scalar_subquery()
    op.execute(_users.update().values(time_zone=zone))
    known = sa.select(_users.c.id).where(_users.c.id == _settings.c.user_id)
    op.execute(
        _users.insert().from_select(
            ["id", "display_name", "email", "language", "time_zone", "active", "version"],
            sa.select(
                _settings.c.user_id,
                sa.literal(""),
                sa.literal(""),
                sa.literal("th"),
                _settings.c.time_zone,
                sa.true(),
                sa.literal(0),
            ).where(~sa.exists(known)),
        )
    )
    op.drop_table("user_settings")
