"""What route handlers ask for: the store, the pool, the settings, the credentials checkers."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from civic311_backbone.store import EventStore
from civic311_city.catalogue import Catalogue
from civic311_intake.adapters.access import ApiKeys, StaffAccounts
from civic311_intake.settings import IntakeSettings


async def _store(request: Request) -> EventStore:
    store: EventStore = request.app.state.store
    return store


async def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def _settings(request: Request) -> IntakeSettings:
    settings: IntakeSettings = request.app.state.settings
    return settings


async def _api_keys(request: Request) -> ApiKeys:
    keys: ApiKeys = request.app.state.api_keys
    return keys


async def _staff_accounts(request: Request) -> StaffAccounts:
    accounts: StaffAccounts = request.app.state.staff_accounts
    return accounts


async def _catalogue(request: Request) -> Catalogue:
    """The service catalogue of the city the gateway loaded at start."""
    catalogue: Catalogue = request.app.state.city.catalogue
    return catalogue


Store = Annotated[EventStore, Depends(_store)]
Pool = Annotated[asyncpg.Pool, Depends(_pool)]
Settings = Annotated[IntakeSettings, Depends(_settings)]
ApiKeysDep = Annotated[ApiKeys, Depends(_api_keys)]
StaffAccountsDep = Annotated[StaffAccounts, Depends(_staff_accounts)]
CatalogueDep = Annotated[Catalogue, Depends(_catalogue)]
