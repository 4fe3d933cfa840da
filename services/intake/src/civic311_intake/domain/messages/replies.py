"""What the gateway answers a resident who wrote by SMS or e-mail, in English or Spanish.

Short on purpose: an SMS answer should fit one or two segments.
"""

from __future__ import annotations

from civic311_backbone.contracts.events import Language, Location
from civic311_city.catalogue import Catalogue
from civic311_intake.domain.messages.conversation import Answer, Ask, Report

_ASK = {
    ("type", "en"): "Thanks. What is the problem? For example: pothole, street light out, graffiti, "
    "missed trash.",
    ("type", "es"): "Gracias. ¿Cuál es el problema? Por ejemplo: bache, farola apagada, grafiti, basura.",
    ("place", "en"): "Thanks. Where is it? Reply with the street address or the nearest corner, "
    "e.g. 12 Main St.",
    ("place", "es"): "Gracias. ¿Dónde está? Responda con la dirección o la esquina más cercana, "
    "p. ej. 12 Main St.",
}
_ANSWER = {
    ("help", "en"): '311: text us the problem and the place, e.g. "pothole outside 12 Main St", and we '
    "reply with a tracking number. Reply STOP to end.",
    ("help", "es"): '311: escríbanos el problema y el lugar, p. ej. "bache frente al 12 Main St", y le '
    "respondemos con un número de seguimiento. Responda ALTO para terminar.",
    ("stopped", "en"): "OK, we stopped: nothing more was filed. Write again at any time to report a problem.",
    ("stopped", "es"): "De acuerdo, terminamos: no se registró nada más. Escríbanos cuando quiera "
    "reportar un problema.",
    # STOP by text also stops the notifier's texts to that phone, for every request.
    ("unsubscribed", "en"): "OK, we stopped: you will get no more texts from 311, and nothing more was "
    "filed. Write again at any time to report a problem.",
    ("unsubscribed", "es"): "De acuerdo, terminamos: no recibirá más mensajes del 311 y no se registró "
    "nada más. Escríbanos cuando quiera reportar un problema.",
    ("empty", "en"): 'Your message was empty. Tell us the problem and the place, e.g. "pothole outside '
    '12 Main St".',
    ("empty", "es"): 'Su mensaje estaba vacío. Díganos el problema y el lugar, p. ej. "bache frente al '
    '12 Main St".',
    ("too_long", "en"): "Your message is too long: please keep it under 4,000 characters. Nothing was filed.",
    ("too_long", "es"): "Su mensaje es demasiado largo: use menos de 4.000 caracteres. No se registró nada.",
    ("not_taken", "en"): "We could not take this report as written, so nothing was filed. Please write it "
    "again, or call 311.",
    ("not_taken", "es"): "No pudimos registrar este reporte tal como está escrito. Escríbalo de nuevo, o "
    "llame al 311.",
}
_SUBJECT = {
    ("filed", "en"): "Your 311 report {number}",
    ("filed", "es"): "Su reporte al 311 {number}",
    ("ask", "en"): "Your 311 report: one question",
    ("ask", "es"): "Su reporte al 311: una pregunta",
    ("answer", "en"): "Your message to 311",
    ("answer", "es"): "Su mensaje al 311",
}


_HINT = {
    ("singlevaluelist", "en"): "Reply with a number: {choices}.",
    ("singlevaluelist", "es"): "Responda con un número: {choices}.",
    ("multivaluelist", "en"): "Reply with one or more numbers: {choices}.",
    ("multivaluelist", "es"): "Responda con uno o más números: {choices}.",
    ("number", "en"): "Reply with a number.",
    ("number", "es"): "Responda con un número.",
    ("datetime", "en"): "Reply with a time, e.g. 7:30am or yesterday 18:00.",
    ("datetime", "es"): "Responda con una hora, p. ej. 7:30 o ayer 18:00.",
}
_AGAIN = {"en": "Sorry, we could not read that.", "es": "Perdón, no pudimos leer eso."}


def ask_text(ask: Ask, catalogue: Catalogue) -> str:
    """The question, a type's question in the catalogue's words for the conversation's language."""
    if ask.attribute is None:
        return _ASK[(ask.missing, ask.language)]
    attribute = ask.attribute
    wording = catalogue.wording(ask.language)
    request_type = catalogue.get(ask.conversation.service_code or "")
    question, names = attribute.question, [v.name for v in attribute.values]
    if request_type is not None:
        question = wording.question(request_type, attribute)
        names = [wording.choice(request_type, attribute, v.key) for v in attribute.values]
    choices = ", ".join(f"{n} = {name}" for n, name in enumerate(names, start=1))
    hint = _HINT.get((attribute.datatype, ask.language), "").format(choices=choices)
    again = _AGAIN[ask.language] + " " if ask.again else ""
    return f"{again}{question} {hint}".strip()


def answer_text(answer: Answer) -> str:
    return _ANSWER[(answer.kind, answer.language)]


def filed_text(report: Report, type_name: str, tracking_number: str) -> str:
    place = _place(report.location)
    if report.language == "es":
        return (
            f"Gracias: recibimos su reporte ({type_name}, {place}). "
            f"Su número de seguimiento es {tracking_number}."
        )
    return (
        f"Thank you: we have your report ({type_name}, {place}). Your tracking number is {tracking_number}."
    )


def subject(kind: str, language: Language, tracking_number: str | None = None) -> str:
    """An e-mail subject: kind is filed, ask or answer."""
    return _SUBJECT[(kind, language)].format(number=tracking_number or "")


def _place(location: Location) -> str:
    if location.address_string:
        return location.address_string
    return f"{location.lat}, {location.long}"
