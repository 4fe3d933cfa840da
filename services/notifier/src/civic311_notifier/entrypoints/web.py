"""The notifier's HTTP app: residents' unsubscribe links (RFC 8058 one-click) and the admin API.

GET  /unsubscribe?t=...          a page confirming, with a choice of this request or every request
POST /unsubscribe?t=...          one-click (body List-Unsubscribe=One-Click) or the page's form
GET  /admin/notifications        the outbox by state (?state=parked), bearer token
POST /admin/notifications/retry  send parked notifications again ({"ids": [...]})
GET  /admin/notifications/counts how many in each state
POST /admin/webhooks             subscribe another system (its secret is in this answer only)
GET  /admin/webhooks             the subscriptions, their state and deliveries (never the secrets)
DELETE /admin/webhooks/{id}      disable a subscription
"""

from __future__ import annotations

import hmac
import uuid
from html import escape
from typing import Annotated, Any

import asyncpg
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from civic311_backbone.store import EventStore
from civic311_notifier.adapters import outbox
from civic311_notifier.adapters import webhooks as webhook_store
from civic311_notifier.application.unsubscribe import Scope, unsubscribe
from civic311_notifier.application.webhooks import RefusedSubscription
from civic311_notifier.application.webhooks import subscribe as subscribe_webhook
from civic311_notifier.domain.links import InvalidLink, LinkClaims, verify
from civic311_notifier.domain.webhooks import Subscription

OutboxId = Annotated[int, Field(strict=True, ge=1, le=2**63 - 1)]
"""An outbox row's id: a PostgreSQL bigint, given as a JSON integer."""


class _Retry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[OutboxId] = Field(max_length=10_000)


_WORDS = {
    "en": {
        "title": "Unsubscribe",
        "ask": "Stop e-mails to {address}?",
        "request": "Only about this request",
        "all": "About every request",
        "done_request": "Done: {address} will get no more e-mails about this request.",
        "done_all": "Done: {address} will get no more e-mails from us.",
        "bad": "This link is not valid (it may have been cut short). Copy the whole link from the e-mail.",
    },
    "es": {
        "title": "Cancelar suscripción",
        "ask": "¿Dejar de enviar correos a {address}?",
        "request": "Solo sobre esta solicitud",
        "all": "Sobre todas las solicitudes",
        "done_request": "Listo: {address} no recibirá más correos sobre esta solicitud.",
        "done_all": "Listo: {address} no recibirá más correos nuestros.",
        "bad": "Este enlace no es válido (puede estar incompleto). Copie el enlace completo del correo.",
    },
}


_Name = Annotated[str, Field(min_length=1, max_length=200)]


class WebhookRequest(BaseModel):
    """What another system asks for when it subscribes."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    event_types: list[_Name] = Field(min_length=1, max_length=50)
    departments: list[_Name] = Field(default_factory=list, max_length=200)
    service_codes: list[_Name] = Field(default_factory=list, max_length=1000)
    personal_data: bool = False
    confidential: bool = False

    @field_validator("url")
    @classmethod
    def _plain_url(cls, url: AnyHttpUrl) -> AnyHttpUrl:
        if len(str(url)) > 2000:
            raise ValueError("at most 2,000 characters")
        if url.username or url.password:
            # It would be shown in every listing: the signature with the subscription's secret
            # is what authenticates a delivery.
            raise ValueError("must not carry a user name or password")
        if url.host is None or any(len(label) > 63 for label in url.host.split(".")):
            raise ValueError("not a valid host name")
        return url

    def subscription(self) -> Subscription:
        return Subscription(
            id="",
            url=str(self.url),
            event_types=frozenset(self.event_types),
            departments=frozenset(self.departments),
            service_codes=frozenset(self.service_codes),
            personal_data=self.personal_data,
            confidential=self.confidential,
        )


def shown(subscription: Subscription) -> dict[str, Any]:
    return {
        "id": subscription.id,
        "url": subscription.url,
        "event_types": sorted(subscription.event_types),
        "departments": sorted(subscription.departments),
        "service_codes": sorted(subscription.service_codes),
        "personal_data": subscription.personal_data,
        "confidential": subscription.confidential,
    }


def _page(language: str, body: str, status: int = 200) -> HTMLResponse:
    title = _WORDS[language]["title"]
    return HTMLResponse(
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{title}</title></head>'
        f'<body style="font-family: system-ui, sans-serif; max-width: 36em; margin: 2em auto;">'
        f"<h1>{title}</h1>{body}</body></html>",
        status_code=status,
    )


def _language(request: Request) -> str:
    wanted = request.query_params.get("lang") or request.headers.get("accept-language", "en")
    return "es" if wanted.lower().startswith("es") else "en"


def create_app(
    *,
    pool: asyncpg.Pool,
    store: EventStore,
    secret: bytes,
    admin_token: str,
    allow_private_webhooks: bool = False,
) -> Starlette:
    def claims_of(request: Request) -> LinkClaims | None:
        try:
            return verify(request.query_params.get("t", ""), secret, action="unsubscribe")
        except InvalidLink:
            return None

    async def show(request: Request) -> Response:
        language, claims = _language(request), claims_of(request)
        words = _WORDS[language]
        if claims is None:
            return _page(language, f"<p>{words['bad']}</p>", 400)
        token = escape(request.query_params["t"])
        ask = words["ask"].format(address=escape(claims.recipient))
        form = (
            f'<form method="post" action="/unsubscribe?t={token}&amp;lang={language}">'
            f'<p>{ask}</p><button name="scope" value="request">{words["request"]}</button> '
            f'<button name="scope" value="all">{words["all"]}</button></form>'
        )
        return _page(language, form)

    async def act(request: Request) -> Response:
        language, claims = _language(request), claims_of(request)
        words = _WORDS[language]
        if claims is None:
            return _page(language, f"<p>{words['bad']}</p>", 400)
        form = await request.form()
        # RFC 8058: a one-click POST carries List-Unsubscribe=One-Click and means this list: the request.
        scope: Scope = "all" if form.get("scope") == "all" else "request"
        await unsubscribe(claims, scope, pool=pool, store=store, secret=secret)
        done = words[f"done_{scope}"].format(address=escape(claims.recipient))
        return _page(language, f"<p>{done}</p>")

    def authorised(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {admin_token}".encode())

    def refused() -> Response:
        return JSONResponse(
            {"detail": "authorization: a valid bearer token is required"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    async def notifications(request: Request) -> Response:
        if not authorised(request):
            return refused()
        state = request.query_params.get("state", "parked")
        if state not in outbox.STATES:
            return JSONResponse({"detail": f"state: not one of {', '.join(outbox.STATES)}"}, 400)
        return JSONResponse({"state": state, "notifications": await outbox.listing(pool, state=state)})

    async def counts(request: Request) -> Response:
        if not authorised(request):
            return refused()
        return JSONResponse(await outbox.counts(pool))

    async def retry(request: Request) -> Response:
        if not authorised(request):
            return refused()
        try:
            ids = _Retry.model_validate_json(await request.body()).ids
        except ValidationError:
            return JSONResponse({"detail": 'ids: a JSON body {"ids": [1, 2]} of outbox ids is required'}, 400)
        return JSONResponse({"retried": await outbox.unpark(pool, ids)})

    async def subscribe(request: Request) -> Response:
        if not authorised(request):
            return refused()
        try:
            wanted = WebhookRequest.model_validate_json(await request.body())
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "body"
            return JSONResponse({"detail": f"{field}: {first['msg']}"}, 422)
        try:
            made, key = await subscribe_webhook(
                pool, wanted.subscription(), allow_private=allow_private_webhooks
            )
        except RefusedSubscription as error:
            return JSONResponse({"detail": str(error)}, 422)
        return JSONResponse({**shown(made), "secret": key, "state": "active"}, 201)

    async def subscriptions(request: Request) -> Response:
        if not authorised(request):
            return refused()
        return JSONResponse({"webhooks": await webhook_store.listing(pool)})

    async def unsubscribe_webhook(request: Request) -> Response:
        if not authorised(request):
            return refused()
        try:
            ident = str(uuid.UUID(request.path_params["id"]))
        except ValueError:
            return JSONResponse({"detail": "id: not a subscription id"}, 404)
        if not await webhook_store.disable(pool, ident, reason="disabled by an operator"):
            return JSONResponse({"detail": "id: no active subscription with this id"}, 404)
        return JSONResponse({"id": ident, "state": "disabled"})

    return Starlette(
        routes=[
            Route("/admin/webhooks", subscribe, methods=["POST"]),
            Route("/admin/webhooks", subscriptions, methods=["GET"]),
            Route("/admin/webhooks/{id}", unsubscribe_webhook, methods=["DELETE"]),
            Route("/unsubscribe", show, methods=["GET"]),
            Route("/unsubscribe", act, methods=["POST"]),
            Route("/admin/notifications", notifications, methods=["GET"]),
            Route("/admin/notifications/counts", counts, methods=["GET"]),
            Route("/admin/notifications/retry", retry, methods=["POST"]),
        ]
    )
