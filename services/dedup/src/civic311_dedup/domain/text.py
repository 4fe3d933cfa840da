"""How two residents' words are compared: normalised the same way, then scored by rapidfuzz.

Residents write the same problem in different words and languages ("Deep pothole by the bus stop",
"hay un bache enorme junto a la parada"). The text is folded (case, accents, punctuation), a few
common words of each language are mapped to one vocabulary so that English and Spanish reports of
one problem share tokens, and the similarity itself is rapidfuzz's, not hand-written.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

MAX_CHARS = 400
"""Only the first characters of a description are compared: enough to say what the problem is, and
it bounds the time a 4,000-character description takes."""

_WORD = re.compile(r"[a-z0-9]+")

# One word for each thing, whatever the language or the spelling a resident chose.
_SAME = {
    "bache": "pothole",
    "baches": "pothole",
    "potholes": "pothole",
    "hoyo": "hole",
    "hueco": "hole",
    "agujero": "hole",
    "holes": "hole",
    "farola": "light",
    "luz": "light",
    "lamp": "light",
    "lampara": "light",
    "streetlight": "light",
    "lights": "light",
    "poste": "pole",
    "basura": "trash",
    "garbage": "trash",
    "rubbish": "trash",
    "grafiti": "graffiti",
    "pintadas": "graffiti",
    "arbol": "tree",
    "trees": "tree",
    "rama": "branch",
    "branches": "branch",
    "semaforo": "signal",
    "agua": "water",
    "fuga": "leak",
    "leaking": "leak",
    "calle": "street",
    "st": "street",
    "ave": "avenue",
    "avenida": "avenue",
    "acera": "sidewalk",
    "banqueta": "sidewalk",
    "coche": "car",
    "carro": "car",
    "vehicle": "car",
    "auto": "car",
    "parada": "stop",
    "autobus": "bus",
    "grande": "big",
    "enorme": "big",
    "huge": "big",
    "large": "big",
    "deep": "big",
    "profundo": "big",
    "roto": "broken",
    "rota": "broken",
    "apagada": "out",
    "apagado": "out",
    "dark": "out",
    "escuela": "school",
    "esquina": "corner",
    "frente": "front",
    "delante": "front",
    "biblioteca": "library",
    "iglesia": "church",
    "parque": "park",
    "entrada": "gate",
    "farmacia": "pharmacy",
    "panaderia": "bakery",
    "banco": "bank",
    "correo": "post",
    "hidrante": "hydrant",
    "lavanderia": "laundromat",
    "numero": "number",
    "colchon": "mattress",
    "abandonado": "abandoned",
    "abandonada": "abandoned",
    "semanas": "weeks",
    "pared": "wall",
    "muro": "wall",
    "senal": "sign",
    "letrero": "sign",
    "doblada": "bent",
    "doblado": "bent",
    "tiraron": "dumped",
    "tirada": "dumped",
    "tirado": "dumped",
    "placas": "plates",
}
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "by",
        "to",
        "is",
        "it",
        "its",
        "there",
        "this",
        "that",
        "and",
        "near",
        "next",
        "from",
        "for",
        "with",
        "very",
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "de",
        "del",
        "en",
        "hay",
        "junto",
        "al",
        "y",
        "es",
        "muy",
        "por",
        "con",
        "cerca",
        "que",
    ]
)


def normalise(text: str | None) -> str:
    """The words that carry meaning, folded and mapped to one vocabulary, in order."""
    if not text:
        return ""
    folded = text[:MAX_CHARS].casefold()
    if not folded.isascii():  # most reports are plain ASCII: decomposing them changes nothing
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = folded
    words = (_SAME.get(word, word) for word in _WORD.findall(plain))
    return " ".join(word for word in words if word not in _FILLER)


def similarity(a: str, b: str) -> float | None:
    """How alike two normalised texts are (0..1); None when either says nothing."""
    if not a or not b:
        return None
    # token_set_ratio: a short report inside a longer one ("pothole" within "big pothole outside
    # the school") counts as alike; the plain ratio keeps it from being the whole story.
    return (0.7 * fuzz.token_set_ratio(a, b) + 0.3 * fuzz.ratio(a, b)) / 100.0


def address_similarity(a: str, b: str) -> float | None:
    """How alike two normalised addresses are (0..1), house numbers included; None when either lacks one."""
    if not a or not b:
        return None
    numbers_a = {w for w in a.split() if w.isdigit()}
    numbers_b = {w for w in b.split() if w.isdigit()}
    alike = fuzz.token_sort_ratio(a, b) / 100.0
    if numbers_a and numbers_b and not numbers_a & numbers_b:
        # "12 Main St" and "120 Main St" read alike and are a block apart.
        return alike * 0.5
    return alike
