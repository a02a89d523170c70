"""The intake HTTP API (OpenAPI at /openapi.json, docs at /docs)."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse

from catalog import load_catalog
from catalog.model import Channel
from engine.api import CamundaApi, CamundaApiError
from intake import messages
from intake.complaints import complaints_router
from intake.registry import Registry
from intake.schemas import (
    AgencyDecision,
    Forwarding,
    InformationReply,
    SatisfactionReply,
    ServiceRequest,
    WalkInCase,
)
from intake.settings import Caller, CallerKind, IntakeSettings
from intake.uploads import documents_router

MESSAGE_TTL = timedelta(days=1)  # buffered: a reply may arrive before the process waits for it


def create_app(settings: IntakeSettings) -> FastAPI:
    registry = Registry(settings.database_path)
    catalog = load_catalog(settings.catalog_dir)
    callers = {c.key.get_secret_value(): c for c in settings.callers}
    engine = CamundaApi(settings.engine_rest_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.close()

    app = FastAPI(title="ESRA intake API", version="1", lifespan=lifespan)

    @app.exception_handler(httpx.HTTPError)
    @app.exception_handler(CamundaApiError)
    async def engine_unavailable(_: Request, error: Exception) -> JSONResponse:
        """Nothing was published (the message id is free again): the caller retries with the same ids."""
        return JSONResponse(status_code=503, content={
            "detail": f"the process engine did not take the message ({type(error).__name__}); "
                      "retry with the same requestId / messageId"})

    def caller_of(kind: CallerKind) -> Callable[[str], Caller]:
        def authenticate(x_api_key: Annotated[str, Header()] = "") -> Caller:
            caller = callers.get(x_api_key)
            if caller is None:
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or unknown X-Api-Key")
            if caller.kind != kind:
                raise HTTPException(status.HTTP_403_FORBIDDEN, f"a {caller.kind} caller may not use this endpoint")
            return caller
        return authenticate

    async def publish_once(message_id: str, publish: Callable[[], Awaitable[Any]]) -> JSONResponse:
        """Publish unless this message id was handled before; a failed publish may be retried."""
        if not registry.first_time(message_id):
            return JSONResponse({"accepted": True, "duplicate": True}, status_code=200)
        try:
            await publish()
        except Exception:
            registry.forget(message_id)
            raise
        return JSONResponse({"accepted": True, "duplicate": False}, status_code=202)

    @app.post("/v1/service-requests", status_code=202)
    async def submit(request: ServiceRequest, _: Annotated[Caller, Depends(caller_of(CallerKind.PORTAL))]
                     ) -> dict[str, Any]:
        service = catalog.services.get(request.service_code)
        if service is None or Channel.PORTAL not in service.channels:
            raise HTTPException(422,
                                f"service {request.service_code!r} is not offered on the portal")
        case_number, _new = registry.open_case(request.request_id, request.service_code)
        variables = {
            "caseNumber": case_number, "serviceCode": request.service_code, "channel": "portal",
            "registerNumber": request.applicant.register_number,
            "birthDate": request.applicant.birth_date.isoformat(),
            "phone": request.applicant.phone, "email": request.applicant.email,
            "serviceCentre": request.service_centre, "deliveryMethod": request.delivery_method,
            "registryConsent": request.registry_consent,
        }
        response = await publish_once(f"submit-{request.request_id}", lambda: engine.publish_message(
            messages.SERVICE_REQUEST_SUBMITTED, case_number, variables, message_id=f"submit-{request.request_id}",
            ttl=MESSAGE_TTL))
        return {"caseNumber": case_number, "duplicate": response.status_code == 200}

    @app.post("/v1/agency-decisions", status_code=202)
    async def agency_decision(decision: AgencyDecision,
                              agency: Annotated[Caller, Depends(caller_of(CallerKind.AGENCY))]) -> JSONResponse:
        forwarded = registry.forwarded_to(decision.case_number, decision.stage)
        if decision.agency_id != agency.name or forwarded != agency.name:
            case = f"case {decision.case_number} stage {decision.stage}"
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"{case} was not forwarded to {agency.name}")
        return await publish_once(decision.message_id, lambda: engine.publish_message(
            messages.AGENCY_DECISION, f"{decision.case_number}-{decision.stage}",
            {"decision": decision.decision, "decisionReason": decision.reason},
            message_id=decision.message_id, ttl=MESSAGE_TTL))

    @app.post("/v1/citizen-replies/information", status_code=202)
    async def information(reply: InformationReply,
                          _: Annotated[Caller, Depends(caller_of(CallerKind.PORTAL))]) -> JSONResponse:
        return await publish_once(reply.message_id, lambda: engine.publish_message(
            messages.CITIZEN_INFORMATION_PROVIDED, f"{reply.case_number}-{reply.stage}",
            {"additionalInformation": reply.information}, message_id=reply.message_id, ttl=MESSAGE_TTL))

    @app.post("/v1/citizen-replies/satisfaction", status_code=202)
    async def satisfaction(reply: SatisfactionReply,
                           _: Annotated[Caller, Depends(caller_of(CallerKind.PORTAL))]) -> JSONResponse:
        return await publish_once(reply.message_id, lambda: engine.publish_message(
            messages.SATISFACTION_RATED, reply.case_number, {"satisfaction": reply.rating},
            message_id=reply.message_id, ttl=MESSAGE_TTL))

    @app.post("/internal/forwardings", status_code=204)
    async def forwarding(body: Forwarding, _: Annotated[Caller, Depends(caller_of(CallerKind.WORKERS))]) -> None:
        registry.record_forwarding(body.case_number, body.stage, body.agency)

    @app.post("/internal/cases", status_code=204)
    async def walk_in_case(body: WalkInCase, _: Annotated[Caller, Depends(caller_of(CallerKind.WORKERS))]) -> None:
        registry.register_walk_in(body.case_number, body.service_code)

    @app.get("/v1/service-requests/{case_number}")
    async def request_status(case_number: str,
                             _: Annotated[Caller, Depends(caller_of(CallerKind.PORTAL))]) -> dict[str, Any]:
        stages = registry.forwardings(case_number)
        if not registry.known(case_number) and not stages:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no case {case_number}")
        return {"caseNumber": case_number, "forwardedStages": stages}

    app.include_router(complaints_router(registry, catalog, engine, caller_of, publish_once, MESSAGE_TTL))

    app.include_router(documents_router(settings, registry, catalog, engine, caller_of, publish_once, MESSAGE_TTL))

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "UP"}

    return app
