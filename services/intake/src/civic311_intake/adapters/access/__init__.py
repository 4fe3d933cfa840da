"""Credentials: Open311 api keys and staff accounts with their sessions. No secret is ever stored."""

from civic311_intake.adapters.access.api_keys import ApiKeys, issue_api_key, revoke_api_key
from civic311_intake.adapters.access.staff_accounts import (
    AccountExists,
    StaffAccounts,
    add_staff_account,
)

__all__ = [
    "AccountExists",
    "ApiKeys",
    "StaffAccounts",
    "add_staff_account",
    "issue_api_key",
    "revoke_api_key",
]
