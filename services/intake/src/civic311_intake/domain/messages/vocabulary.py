"""The words the message reader knows besides the catalogue's: common words of each language, and
Spanish names of problems mapped onto the English keywords of the shipped catalogue."""

from __future__ import annotations

SPANISH_WORDS = frozenset([
    "el", "la", "los", "las", "un", "una", "unos", "unas", "hay", "en", "de", "del", "al", "y", "con",
    "por", "para", "que", "esta", "estan", "muy", "calle", "avenida", "frente", "esquina", "cerca",
    "entre", "desde", "hace", "dias", "semana", "favor", "hola", "gracias", "mi", "casa", "se",
    "roto", "rota", "tirado", "tirada", "lleno", "llena", "grande", "pequeno"
])  # fmt: skip
ENGLISH_WORDS = frozenset([
    "the", "an", "is", "are", "there", "on", "at", "in", "of", "and", "with", "by", "for", "to",
    "this", "that", "near", "outside", "corner", "street", "avenue", "please", "hi", "hello", "thanks",
    "my", "house", "not", "broken", "been", "has", "have", "days", "week", "big", "small", "front"
])  # fmt: skip

# Spanish words and phrases (without accents) -> an English keyword of the shipped catalogue.
SPANISH_KEYWORDS: dict[str, str] = {
    "bache": "pothole", "hoyo": "hole", "hueco": "hole", "farola": "street light",
    "luminaria": "street light", "alumbrado": "street light", "poste de luz": "street light",
    "acera": "sidewalk", "banqueta": "sidewalk", "vereda": "sidewalk", "bordillo": "curb",
    "grafiti": "graffiti", "pintada": "graffiti", "basura": "trash", "recoleccion": "pickup",
    "reciclaje": "recycling", "hojas": "leaves", "mueble": "furniture", "colchon": "mattress",
    "escombros": "dumping", "vertido": "dumping", "animal muerto": "dead", "semaforo": "traffic light",
    "letrero": "street sign", "senal de alto": "stop sign", "senal de pare": "stop sign",
    "mal estacionado": "parked", "estacionado": "parked", "abandonado": "abandoned",
    "coche abandonado": "abandoned", "parquimetro": "meter", "bicicleta": "bicycle",
    "arbol caido": "tree down", "rama": "branch", "podar": "prune", "parque": "park",
    "columpio": "swing", "tobogan": "slide", "fuga de agua": "leak", "fuga": "leak",
    "sin agua": "no water", "hidrante": "hydrant", "boca de incendio": "hydrant",
    "alcantarilla": "drain", "coladera": "drain", "desague": "drain", "aguas negras": "sewage",
    "tapa": "cover", "rata": "rat", "raton": "mice", "ratones": "mice", "roedor": "rodent",
    "ruido": "noise", "musica": "music", "fiesta": "party", "perro": "dog", "ladrando": "barking",
    "mordida": "bite", "mordio": "bitten", "nieve": "snow", "hielo": "ice", "mosquito": "mosquito",
    "agua estancada": "standing water", "jeringa": "syringe", "aguja": "needle", "maleza": "weeds",
    "casero": "landlord", "calefaccion": "heat", "moho": "mold", "restaurante": "restaurant",
}  # fmt: skip
