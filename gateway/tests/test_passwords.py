"""Argon2id hashing: minimum parameters, and re-hashing at login when parameters change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from gateway.adapters.tables import users
from gateway.auth.passwords import PasswordHashing


def _stored_hash(app, email):
    with app.extensions["crm_gateway"].database.read() as session:
        return session.execute(sa.select(users.c.password_hash).where(users.c.email == email)).scalar_one()


def test_hashes_are_argon2id_with_the_configured_parameters():
    hashed = PasswordHashing(time_cost=2, memory_kib=19 * 1024, parallelism=1).hash("Some-Passw0rd!")
    assert hashed.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in hashed


@pytest.mark.parametrize(
    ("time_cost", "memory_kib", "parallelism"), [(1, 65536, 1), (2, 8192, 1), (2, 19456, 0)]
)
def test_parameters_below_the_owasp_minimum_are_refused(time_cost, memory_kib, parallelism):
    with pytest.raises(ValueError, match="argon2id"):
        PasswordHashing(time_cost=time_cost, memory_kib=memory_kib, parallelism=parallelism)


def test_login_rehashes_a_password_hashed_with_older_parameters(make_app, login):
    old = make_app()
    assert "t=2" in _stored_hash(old, "admin@example.co.th")
    stronger = make_app(argon2_time_cost=3, argon2_memory_kib=20 * 1024)
    login(stronger.test_client())
    rehashed = _stored_hash(stronger, "admin@example.co.th")
    assert "m=20480,t=3,p=1" in rehashed
    # The new hash still verifies, through either app.
    login(old.test_client())


def test_wrong_password_changes_nothing(make_app):
    app = make_app(argon2_time_cost=3)
    before = _stored_hash(app, "admin@example.co.th")
    response = app.test_client().post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "username": "admin@example.co.th", "password": "wrong-password"},
    )
    assert response.status_code == 401
    assert _stored_hash(app, "admin@example.co.th") == before
