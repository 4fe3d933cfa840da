"""deploy/compose.yaml names no setting that the code does not read, and leaves out none it must give.

The settings classes ignore variables they do not know (`extra="ignore"`), so a misspelt or stale name
in the compose file would be silently dropped: a city would think it configured something it did not.
For each civic311 container the test finds its process's settings class from the container's command
(`python -m civic311_X` -> `civic311_X.wiring.SERVICE.settings`, the relay's from its `__main__`) and
checks the environment it is given against the class's fields (pydantic-settings reads a field from the
variable of its name, upper-cased). `docker compose config` needs an engine; this needs none.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic_settings import BaseSettings

from civic311_city import CitySettings

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (a dev dependency: pyyaml==6.0.3)")

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

READ_BY_LIBRARIES = {
    "PGPASSWORD": "asyncpg takes the password from it when DATABASE_URL has none (libpq's convention)",
}
"""Variables a process reads that are no settings field, each with who reads it."""


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return document


def _environment(container: dict[str, Any]) -> dict[str, str | None]:
    """The container's variables; a name without a value is passed through from deploy/.env if set."""
    environment = container.get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.split("=", 1) for item in environment)
        return {pair[0]: (pair[1] if len(pair) > 1 else None) for pair in pairs}
    return {name: (None if value is None else str(value)) for name, value in environment.items()}


def _settings_class(command: list[str]) -> type[BaseSettings]:
    """The settings class of the process a container's command starts."""
    assert command[:2] == ["python", "-m"] and len(command) == 3, command
    package = command[2]
    module = importlib.import_module(
        f"{package}.wiring" if package != "civic311_backbone.relay" else f"{package}.__main__"
    )
    settings: type[BaseSettings] = module.SERVICE.settings
    return settings


def _env_names(settings: type[BaseSettings]) -> dict[str, bool]:
    """Each variable the class reads, and whether it is required (no default)."""
    assert not settings.model_config.get("env_prefix"), "the table below assumes no prefix"
    return {
        (field.alias or name).upper(): field.is_required() for name, field in settings.model_fields.items()
    }


def _civic311_containers() -> dict[str, tuple[type[BaseSettings], dict[str, str | None]]]:
    services: dict[str, Any] = _compose()["services"]
    return {
        name: (_settings_class(container["command"]), _environment(container))
        for name, container in services.items()
        if container.get("command", [None])[0] == "python"
    }


def test_every_civic311_process_has_a_container() -> None:
    assert set(_civic311_containers()) == {"relay", "intake", "routing", "dedup", "notifier", "reporting"}


def test_every_variable_a_container_is_given_is_read_by_its_process() -> None:
    unread = {
        f"{name}: {variable}"
        for name, (settings, environment) in _civic311_containers().items()
        for variable in environment
        if variable not in _env_names(settings) and variable not in READ_BY_LIBRARIES
    }

    assert unread == set()


def test_every_required_setting_is_given_a_value() -> None:
    missing = {
        f"{name}: {variable}"
        for name, (settings, environment) in _civic311_containers().items()
        for variable, required in _env_names(settings).items()
        if required and environment.get(variable) is None
    }

    assert missing == set()


def test_every_service_that_reads_the_city_is_offered_the_whole_city_block() -> None:
    city = set(_env_names(CitySettings))
    readers = {
        name for name, (settings, _) in _civic311_containers().items() if issubclass(settings, CitySettings)
    }

    assert readers == {"intake", "routing", "dedup", "notifier", "reporting"}
    for name in readers:
        _, environment = _civic311_containers()[name]
        assert city <= set(environment), f"{name} lacks {city - set(environment)}"


def test_the_city_block_is_passed_through_not_defaulted_twice() -> None:
    """Unset in deploy/.env, a city variable stays unset, so the code's default (the sample city) holds:
    a second default written here could drift from it."""
    for name, (_, environment) in _civic311_containers().items():
        for variable in _env_names(CitySettings):
            assert environment.get(variable) is None, f"{name}: {variable}={environment[variable]!r}"


def test_the_image_sets_only_variables_every_process_reads() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    runtime = dockerfile.split("uv sync", 1)[1]
    names = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", runtime)) - {"PATH"}

    assert names, "no ENV after the sync: the image's runtime variables moved"
    for name, (settings, _) in _civic311_containers().items():
        assert names <= set(_env_names(settings)), f"{name} does not read {names - set(_env_names(settings))}"
