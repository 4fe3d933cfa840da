"""A generated city of reports with known truth, for dedup's precision and recall.

Each true problem has a spot, a type and a landmark; it draws one or more reports over time, each at
the spot plus GPS noise (a per-report accuracy of 5 to 50 m), in English or Spanish, in one of several
phrasings, sometimes with typos, sometimes without the landmark. The set mixes: lone problems, clusters
of several reports, busy streets (distinct problems of one type 40 to 200 m apart, each with its own
landmark), different types at one corner, and the same place reported again weeks after a fix.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

CENTRE = (42.3601, -71.0589)

PHRASES: dict[str, dict[str, list[str]]] = {
    "POTHOLE": {
        "en": [
            "Deep pothole {at}",
            "big hole in the road {at}",
            "pothole {at}, my tyre burst",
            "huge pothole {at}, cars swerving",
            "road surface broken {at}",
        ],
        "es": ["hay un bache enorme {at}", "bache grande {at}", "hoyo en la calle {at}"],
    },
    "STREET_LIGHT_OUT": {
        "en": [
            "Street light out {at}",
            "the lamp {at} is dark",
            "streetlight not working {at}",
            "light pole {at} has been out for days",
        ],
        "es": ["farola apagada {at}", "la luz de la calle no funciona {at}"],
    },
    "ILLEGAL_DUMPING": {
        "en": [
            "someone dumped a mattress and bags {at}",
            "illegal dumping {at}: sofa and trash",
            "pile of rubbish dumped {at}",
        ],
        "es": ["tiraron basura y un colchon {at}", "basura tirada {at}"],
    },
    "GRAFFITI": {
        "en": ["graffiti on the wall {at}", "spray paint tags {at}", "new graffiti {at}"],
        "es": ["grafiti en la pared {at}", "pintadas {at}"],
    },
    "STREET_SIGN": {
        "en": ["street sign bent {at}", "sign knocked over {at}"],
        "es": ["señal doblada {at}"],
    },
    "ABANDONED_VEHICLE": {
        "en": ["abandoned car {at}, flat tyres", "car parked for weeks {at}", "vehicle with no plates {at}"],
        "es": ["coche abandonado {at}", "carro abandonado hace semanas {at}"],
    },
}
LANDMARKS = {
    "en": [
        "by the bus stop",
        "outside the school",
        "in front of the bakery",
        "at the corner by the bank",
        "next to the fire hydrant",
        "outside number {n}",
        "across from the church",
        "near the park gate",
        "by the pharmacy",
        "outside the laundromat",
        "near the library steps",
        "by the post office",
    ],
    "es": [
        "junto a la parada del autobus",
        "frente a la escuela",
        "delante de la panaderia",
        "en la esquina del banco",
        "junto al hidrante",
        "frente al numero {n}",
        "frente a la iglesia",
        "cerca de la entrada del parque",
        "junto a la farmacia",
        "frente a la lavanderia",
        "cerca de la biblioteca",
        "junto al correo",
    ],
}
WINDOW_DAYS = {
    "POTHOLE": 60,
    "STREET_LIGHT_OUT": 30,
    "ILLEGAL_DUMPING": 14,
    "GRAFFITI": 30,
    "STREET_SIGN": 14,
    "ABANDONED_VEHICLE": 30,
}


@dataclass(frozen=True)
class Report:
    problem: int
    code: str
    lat: float
    lon: float
    description: str
    at: datetime
    gps_m: float


def _moved(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_195.0, lon + east_m / (111_195.0 * math.cos(math.radians(lat)))


def _typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(1, len(chars) - 1)
        match rng.randrange(3):
            case 0:
                del chars[i]
            case 1:
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            case _:
                chars.insert(i, chars[i])
    return "".join(chars)


def _words(rng: random.Random, code: str, landmark: int, number: int) -> str:
    language = "es" if rng.random() < 0.3 else "en"
    at = LANDMARKS[language][landmark].format(n=number) if rng.random() < 0.8 else ""
    text = rng.choice(PHRASES[code][language]).format(at=at).strip()
    return _typo(rng, text) if rng.random() < 0.3 else text


def generate(seed: int = 311, problems: int = 1500) -> list[Report]:
    """Reports in the order they arrive."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    reports: list[Report] = []
    spots: list[tuple[int, str, float, float, datetime, int]] = []  # problem, code, lat, lon, first, landmark
    codes = list(PHRASES)
    pid = 0

    def spot(code: str, lat: float, lon: float, first: datetime, landmark: int | None = None) -> None:
        nonlocal pid
        spots.append((pid, code, lat, lon, first, rng.randrange(12) if landmark is None else landmark))
        pid += 1

    for _ in range(problems):  # lone problems and clusters across a 6 km square
        lat, lon = _moved(*CENTRE, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
        spot(rng.choice(codes), lat, lon, start + timedelta(days=rng.uniform(0, 90)))
    for _ in range(40):  # busy streets: one type, distinct problems along a street, each its own landmark
        code = rng.choice(["POTHOLE", "STREET_LIGHT_OUT", "GRAFFITI"])
        lat, lon = _moved(*CENTRE, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
        landmarks = rng.sample(range(12), 6)
        for landmark in landmarks:
            lat, lon = _moved(lat, lon, 0, rng.uniform(40, 200))
            spot(code, lat, lon, start + timedelta(days=rng.uniform(0, 90)), landmark)
    for _ in range(60):  # different types at one corner, the same day
        lat, lon = _moved(*CENTRE, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
        first = start + timedelta(days=rng.uniform(0, 90))
        for code in rng.sample(codes, 3):
            spot(code, lat, lon, first + timedelta(hours=rng.uniform(0, 6)))
    for _ in range(60):  # the same place, weeks apart: fixed, then broken again (a new problem)
        lat, lon = _moved(*CENTRE, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000))
        code = rng.choice(["POTHOLE", "STREET_LIGHT_OUT"])
        first = start + timedelta(days=rng.uniform(0, 40))
        spot(code, lat, lon, first)
        spot(code, lat, lon, first + timedelta(days=WINDOW_DAYS[code] + rng.uniform(5, 20)))

    for problem, code, lat, lon, first, landmark in spots:
        count = 1 if rng.random() < 0.5 else min(8, 2 + int(rng.expovariate(0.6)))
        number = rng.randrange(2, 400)
        for k in range(count):
            delay = timedelta(0) if k == 0 else timedelta(hours=rng.expovariate(1 / 30))
            delay = min(delay, timedelta(days=WINDOW_DAYS[code] * 0.8))
            gps = rng.uniform(5, 50)
            angle = rng.uniform(0, 2 * math.pi)
            # GPS error: the stated accuracy is a radius within which the fix usually falls.
            error = abs(rng.gauss(0, gps / 2))
            rlat, rlon = _moved(lat, lon, error * math.sin(angle), error * math.cos(angle))
            reports.append(
                Report(problem, code, rlat, rlon, _words(rng, code, landmark, number), first + delay, gps)
            )
    reports.sort(key=lambda r: r.at)
    return reports
