"""Reading a resident's text message or e-mail: what the problem is, where, in which language.

One reader serves SMS and e-mail alike. It finds the place first (an address, a corner or coordinates)
and recognises the request type in the rest of the text, so that a street called "Park St" never makes
a pothole a park complaint. Types come from the catalogue's keywords and names, public types only; a few
Spanish words are mapped onto those English keywords, so an operator's catalogue edits apply to both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from civic311_backbone.contracts.events import Language, Location
from civic311_city.catalogue import Catalogue
from civic311_intake.domain.messages.places import find_place
from civic311_intake.domain.messages.vocabulary import ENGLISH_WORDS, SPANISH_KEYWORDS, SPANISH_WORDS

Command = Literal["stop", "help"]

_COMMANDS: dict[str, Command] = {
    **dict.fromkeys(["stop", "stopall", "unsubscribe", "cancel", "end", "quit"], "stop"),
    **dict.fromkeys(["alto", "parar", "cancelar", "baja", "fin"], "stop"),
    **dict.fromkeys(["help", "info", "ayuda"], "help"),
}

_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class ReadMessage:
    """What one message says, as far as it can be read."""

    text: str
    service_code: str | None
    location: Location | None
    language: Language | None
    command: Command | None


def read_message(text: str, catalogue: Catalogue) -> ReadMessage:
    """Read one message: a command (STOP, HELP), or the type, place and language it gives, if any."""
    cleaned = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    command = command_in(cleaned)
    location, rest = find_place(cleaned)
    return ReadMessage(
        text=cleaned,
        service_code=None if command else _type_in(rest, cleaned, catalogue),
        location=location,
        language=guess_language(rest),
        command=command,
    )


def _type_in(rest: str, whole: str, catalogue: Catalogue) -> str | None:
    """The type named outside the place, else anywhere ("Main Street light is out")."""
    return recognise_type(rest, catalogue) or recognise_type(whole, catalogue)


def command_in(text: str) -> Command | None:
    """STOP or HELP (in English or Spanish), when that word is the whole message."""
    word = plain_text(text).strip(" .!¡?¿")
    return _COMMANDS.get(word)


def guess_language(text: str) -> Language | None:
    """es or en, by counting each language's common words; None when the text does not tell."""
    words = _words(text)
    spanish = sum(w in SPANISH_WORDS for w in words) + 2 * len(re.findall(r"[ñ¿¡áéíóú]", text.lower()))
    english = sum(w in ENGLISH_WORDS for w in words)
    if spanish == english:
        return None
    return "es" if spanish > english else "en"


def recognise_type(text: str, catalogue: Catalogue) -> str | None:
    """The public request type whose keywords and name the text matches best; None if none matches.

    The most matched words win; on a tie, the type named first ("rats in the park": rodents).
    """
    words = _words(text)
    found: dict[str, int] = {}  # an English keyword -> where a Spanish word for it appears
    for spanish, english in SPANISH_KEYWORDS.items():
        at = _find(words, spanish.split())
        if at is not None:
            found[english] = min(at, found.get(english, at))
    best: tuple[int, int, str] | None = None
    for request_type in catalogue.public():
        score, first = 0, len(words)
        for phrase in {k.lower() for k in request_type.keywords} | {request_type.name.lower()}:
            at = found.get(phrase, _find(words, _words(phrase)))
            if at is not None:
                score, first = score + len(phrase.split()), min(first, at)
        if score and (best is None or (score, -first) > best[:2]):
            best = (score, -first, request_type.code)
    return best[2] if best else None


def _find(words: list[str], phrase: list[str]) -> int | None:
    """Where the phrase first appears as whole words (its last word may carry a plural ending)."""
    n = len(phrase)
    if n == 0:
        return None
    for i in range(len(words) - n + 1):
        window = words[i : i + n]
        if window[:-1] == phrase[:-1] and window[-1] in (phrase[-1], phrase[-1] + "s", phrase[-1] + "es"):
            return i
    return None


def _words(text: str) -> list[str]:
    return _WORD.findall(plain_text(text))


def plain_text(text: str) -> str:
    """Lower case without accents: "Semáforo" and "semaforo" read the same."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
