"""Staff sign in over HTTP to the running gateway; without a live session, nothing of the desk answers."""

from __future__ import annotations

from civic311_intake.adapters.access import add_staff_account
from tests.intake.desk_support import PASSWORD, PUBLIC_WORKS, RunningDesk


async def test_a_staff_member_signs_in_works_and_signs_out(desk: RunningDesk) -> None:
    await add_staff_account(
        desk.pool,
        username="ana",
        password=PASSWORD,
        display_name="Ana Ruiz",
        role="department_staff",
        department=PUBLIC_WORKS,
    )

    signed_in = await desk.client.post("/api/staff/sessions", json={"username": "ana", "password": PASSWORD})
    assert signed_in.status_code == 201
    session = signed_in.json()
    assert session["token_type"] == "bearer"
    assert session["staff"] == {
        "username": "ana",
        "display_name": "Ana Ruiz",
        "role": "department_staff",
        "department": PUBLIC_WORKS,
    }
    headers = {"Authorization": f"Bearer {session['token']}"}
    me = await desk.client.get("/api/staff/me", headers=headers)
    assert me.json()["username"] == "ana"

    signed_out = await desk.client.delete("/api/staff/sessions", headers=headers)
    assert signed_out.status_code == 204
    after = await desk.client.get("/api/staff/queue", headers=headers)
    assert after.status_code == 401


async def test_a_wrong_password_and_an_unknown_user_get_the_same_401(desk: RunningDesk) -> None:
    await desk.staff("agent")
    await add_staff_account(desk.pool, username="ben", password=PASSWORD, display_name="Ben", role="agent")

    wrong = await desk.client.post(
        "/api/staff/sessions", json={"username": "ben", "password": PASSWORD + "x"}
    )
    unknown = await desk.client.post("/api/staff/sessions", json={"username": "nobody", "password": PASSWORD})
    empty = await desk.client.post("/api/staff/sessions", json={"username": "ben"})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "unknown username or wrong password"}
    assert "token" not in wrong.text
    assert empty.status_code == 422


STAFF_ROUTES = [
    ("GET", "/api/staff/queue"),
    ("GET", "/api/staff/me"),
    ("GET", "/api/staff/requests/BCD-FGHJK"),
    ("POST", "/api/staff/requests"),
    ("POST", "/api/staff/requests/BCD-FGHJK/acknowledge"),
    ("POST", "/api/staff/requests/BCD-FGHJK/status"),
    ("POST", "/api/staff/requests/BCD-FGHJK/cost"),
    ("POST", "/api/staff/requests/BCD-FGHJK/transfer"),
    ("POST", "/api/staff/requests/BCD-FGHJK/close"),
    ("DELETE", "/api/staff/sessions"),
]


async def test_every_staff_route_wants_a_session(desk: RunningDesk) -> None:
    for method, path in STAFF_ROUTES:
        no_token = await desk.client.request(method, path, json={})
        made_up = await desk.client.request(
            method, path, json={}, headers={"Authorization": "Bearer made-up"}
        )
        basic = await desk.client.request(method, path, json={}, headers={"Authorization": "Basic YW5hOng="})

        assert no_token.status_code == made_up.status_code == basic.status_code == 401, (method, path)
        assert no_token.headers["WWW-Authenticate"] == "Bearer"


async def test_an_expired_or_closed_session_is_refused(desk: RunningDesk) -> None:
    expiring = await desk.staff("supervisor", PUBLIC_WORKS)
    closed = await desk.staff("supervisor", PUBLIC_WORKS)
    assert (await desk.client.get("/api/staff/me", headers=expiring)).status_code == 200

    # Ten hours on, as far as its session is concerned (sessions are stored by the token's SHA-256).
    token = expiring["Authorization"].removeprefix("Bearer ")
    expired = await desk.pool.execute(
        "UPDATE staff_sessions SET expires_at = now() - interval '1 second'"
        " WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
        token,
    )
    assert expired == "UPDATE 1"
    await desk.client.delete("/api/staff/sessions", headers=closed)

    assert (await desk.client.get("/api/staff/me", headers=expiring)).status_code == 401
    assert (await desk.client.get("/api/staff/me", headers=closed)).status_code == 401
