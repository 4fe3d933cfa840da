"""The operator's credential commands, run as an operator runs them, on a real database."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from typer.testing import CliRunner, Result

from civic311.cli import app
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.plugin import settings_env
from civic311_intake.adapters.access import ApiKeys, StaffAccounts


@pytest.fixture(autouse=True)
def environment(settings: BackboneSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)


async def invoke(args: list[str], input_text: str | None = None) -> Result:
    # The command runs its own event loop, so it runs in a thread beside the test's loop.
    runner = CliRunner()
    return await asyncio.to_thread(lambda: runner.invoke(app, args, input=input_text))


async def test_an_issued_key_works_and_a_revoked_one_does_not(pool: asyncpg.Pool) -> None:
    issued = await invoke(["api-keys", "issue", "--to", "Neighbourhood app"])
    assert issued.exit_code == 0, issued.output
    key = issued.stdout.strip()
    assert await ApiKeys(pool).holder(key) == "Neighbourhood app"

    revoked = await invoke(["api-keys", "revoke", key.split(".")[0]])
    assert revoked.exit_code == 0, revoked.output
    assert await ApiKeys(pool).holder(key) is None
    assert (await invoke(["api-keys", "revoke", key.split(".")[0]])).exit_code == 1


async def test_staff_add_asks_for_the_password_twice_and_the_member_can_sign_in(pool: asyncpg.Pool) -> None:
    password = "a long enough secret"
    added = await invoke(
        [
            "staff",
            "add",
            "rosa",
            "--role",
            "department_staff",
            "--department",
            "Parks and Recreation",
            "--name",
            "Rosa",
        ],
        input_text=f"{password}\n{password}\n",
    )
    assert added.exit_code == 0, added.output
    assert "added rosa (department_staff, Parks and Recreation)" in added.output
    member = await StaffAccounts(pool).authenticate("rosa", password)
    assert member is not None and member.department == "Parks and Recreation"


async def test_department_staff_without_a_department_is_refused(pool: asyncpg.Pool) -> None:
    refused = await invoke(
        ["staff", "add", "tom", "--role", "department_staff", "--name", "Tom", "--password", "x" * 12]
    )
    assert refused.exit_code == 2
    assert "department" in refused.output
    assert await StaffAccounts(pool).authenticate("tom", "x" * 12) is None
