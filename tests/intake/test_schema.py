"""The operators' commands migrate intake's tables under the same ledger as the process's start-up."""

from __future__ import annotations

from civic311_intake.adapters.schema import LEDGER, MIGRATIONS
from civic311_intake.wiring import SERVICE


def test_the_commands_and_the_runner_keep_one_ledger_of_the_same_migrations() -> None:
    assert SERVICE.ledger == LEDGER == "intake_migrations"
    assert SERVICE.migrations == MIGRATIONS
