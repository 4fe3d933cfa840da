"""The catalogue in the residents' languages: names, descriptions, questions and choices per language.

A language's words live beside the catalogue in `catalogue.<language>.toml` (`[groups]` and
`[services.<CODE>]` tables); what a language leaves out is said in the catalogue's own words, so a new
type is never missing from a page or a message, only untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # the catalogue holds its translations: only the names are needed here
    from civic311_city.catalogue import Attribute, RequestType


class _Words(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AttributeWords(_Words):
    question: str | None = None
    values: Mapping[str, str] = Field(default_factory=dict)


class ServiceWords(_Words):
    name: str | None = None
    description: str | None = None
    attributes: Mapping[str, AttributeWords] = Field(default_factory=dict)


class Translation(_Words):
    """One language's words for the catalogue."""

    groups: Mapping[str, str] = Field(default_factory=dict)
    services: Mapping[str, ServiceWords] = Field(default_factory=dict)


NO_TRANSLATION = Translation()


class Wording:
    """How the catalogue reads in one language (the catalogue's own words where it has none)."""

    def __init__(self, translation: Translation = NO_TRANSLATION) -> None:
        self._translation = translation

    def _service(self, code: str) -> ServiceWords | None:
        return self._translation.services.get(code)

    def service_name(self, request_type: RequestType) -> str:
        words = self._service(request_type.code)
        return (words and words.name) or request_type.name

    def service_description(self, request_type: RequestType) -> str:
        words = self._service(request_type.code)
        return (words and words.description) or request_type.description

    def group(self, name: str) -> str:
        return self._translation.groups.get(name, name)

    def _attribute(self, request_type: RequestType, attribute: Attribute) -> AttributeWords | None:
        words = self._service(request_type.code)
        return words.attributes.get(attribute.code) if words else None

    def question(self, request_type: RequestType, attribute: Attribute) -> str:
        words = self._attribute(request_type, attribute)
        return (words and words.question) or attribute.question

    def choice(self, request_type: RequestType, attribute: Attribute, key: str) -> str:
        words = self._attribute(request_type, attribute)
        own = {v.key: v.name for v in attribute.values}
        return (words and words.values.get(key)) or own.get(key, key)
