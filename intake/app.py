"""The intake HTTP API (OpenAPI at /openapi.json, docs at /docs).

Every message an endpoint accepts is stored in the outbox before the answer (202; a repeated idempotency key with
the same body: 200 with `duplicate: true`; with another body: 409) and delivered to the engine at once when it
can be, else later by the outbox's loop. What intake refuses, and how, is one policy for every endpoint: body
limits and media types (intake/body_limits.py), field alphabets and free text (intake/text.py), refusals that
never echo a value (intake/errors.py), idempotency keys bound to one body (intake/idempotency.py).
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import structlog
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response, status
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from catalog import load_catalog
from catalog.loader import load_service_centres
from catalog.model import Channel
from engine_client import EngineClient, VariableTooLong, to_engine
from intake import messages
from intake.body_limits import BodyLimits, BodyRule
from intake.complaints import complaints_router
from intake.database import Database
from intake.delivery import Engine, EngineDelivery
from intake.errors import conflict, refuse, validation_refused
from intake.idempotency import IdempotencyKeys, fingerprint
from intake.metrics import IntakeMetrics
from intake.outbox import Accepted, NewMessage, Outbox, Status
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
from intake.text import CaseNumber
from intake.uploads import UPLOAD_PATH, documents_router

log = structlog.get_logger("intake")
MULTIPART_OVERHEAD = 16 * 1024  # an upload's form fields, part headers and boundaries beside the file


def body_rules(settings: IntakeSettings) -> Callable[[str, str], BodyRule]:
    """Uploads: multipart up to the file limit and its overhead; every other body: JSON up to its limit."""
    upload = BodyRule(settings.upload_max_bytes + MULTIPART_OVERHEAD, "multipart/form-data")
    json_body = BodyRule(settings.json_body_max_bytes, "application/json")
    return lambda method, path: upload if (method, path) == ("POST", UPLOAD_PATH) else json_body


def service_centres(catalog_dir: Path) -> frozenset[str]:
    """The ids of the catalogue's service centres: its own file beside the services, else the project's."""
    own = catalog_dir / "service_centres.yaml"
    centres = load_service_centres(own) if own.is_file() else load_service_centres()
    return frozenset(centre.id for centre in centres.service_centres)


def create_app(settings: IntakeSettings, engine: Engine | None = None) -> FastAPI:
    """The app with its stores; `engine` replaces the REST client built from the settings (tests)."""
    url = settings.database_url.get_secret_value()
    database = Database.postgresql(url) if url else Database.sqlite(settings.database_path)
    registry = Registry(database)
    metrics = IntakeMetrics()
    outbox = Outbox(database, settings.outbox, metrics)
    keys = IdempotencyKeys(database)
    catalog = load_catalog(settings.catalog_dir)
    centres = service_centres(settings.catalog_dir)
    callers = {c.key.get_secret_value(): c for c in settings.callers}
    client: EngineClient | None = None  # built here, closed here
    if engine is None:
        engine = client = EngineClient(settings.engine_rest_url, settings.engine_user,
                                       settings.engine_password.get_secret_value())
    delivery = EngineDelivery(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        loop = asyncio.create_task(outbox.run(delivery, stop), name="intake-outbox")
        log.info("intake started", pending_messages=outbox.count(Status.PENDING),
                 expired_messages=outbox.count(Status.EXPIRED), failed_messages=outbox.count(Status.FAILED))
        try:
            yield
        finally:
            stop.set()
            await loop
            log.info("intake stopped", pending_messages=outbox.count(Status.PENDING))
            if client is not None:
                await client.close()
            database.close()

    app = FastAPI(title="ESRA intake API", version="1", lifespan=lifespan,
                  exception_handlers={RequestValidationError: validation_refused})
    app.add_middleware(BodyLimits, rule_for=body_rules(settings))

    def caller_of(kind: CallerKind) -> Callable[[str], Caller]:
        def authenticate(x_api_key: Annotated[str, Header()] = "") -> Caller:
            caller = callers.get(x_api_key)
            if caller is None:
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or unknown X-Api-Key")
            if caller.kind != kind:
                raise HTTPException(status.HTTP_403_FORBIDDEN, f"a {caller.kind} caller may not use this endpoint")
            return caller
        return authenticate

    async def accept(message: NewMessage, body: BaseModel | Mapping[str, Any], key_field: str = "messageId"
                     ) -> Accepted:
        """Store the message (once per idempotency key, which stands for one body) and try to deliver it now."""
        try:
            to_engine(dict(message.variables))  # what the engine could never store is refused here, not later
        except VariableTooLong as error:
            raise HTTPException(422, str(error)) from error
        if not keys.claim(message.message_id, fingerprint(message.name, body)):
            raise conflict(key_field)
        return await outbox.accept(message, delivery)

    def answer(accepted: Accepted) -> JSONResponse:
        return JSONResponse(accepted.body(), status_code=accepted.status_code)

    @app.post("/v1/service-requests", status_code=202)
    async def submit(request: ServiceRequest, _: Annotated[Caller, Depends(caller_of(CallerKind.PORTAL))]
                     ) -> JSONResponse:
        service = catalog.services.get(request.service_code)
        if service is None or Channel.PORTAL not in service.channels:
            raise refuse("serviceCode", "the service is not offered on the portal")
        if request.service_centre not in centres:
            raise refuse("serviceCentre", "not one of the catalogue's service centres")
        case_number, _new = registry.open_case(request.request_id, request.service_code)
        variables = {
            "caseNumber": case_number, "serviceCode": request.service_code, "channel": "portal",
            "registerNumber": request.applicant.register_number,
            "birthDate": request.applicant.birth_date.isoformat(),
            "phone": request.applicant.phone, "email": request.applicant.email,
            "serviceCentre": request.service_centre, "deliveryMethod": request.delivery_method,
            "registryConsent": request.registry_consent,
        }
        name = messages.SERVICE_REQUEST_SUBMITTED
        accepted = await accept(NewMessage.start(f"submit-{request.request_id}", name, messages.STARTS_PROCESS[name],
                                                 case_number, variables), request, "requestId")
        return JSONResponse({"caseNumber": case_number, "duplicate": accepted.duplicate,
                             "delivery": accepted.delivery}, status_code=accepted.status_code)

    @app.post("/v1/agency-decisions", status_code=202)
    async def agency_decision(decision: AgencyDecision,
                              agency: Annotated[Caller, Depends(caller_of(CallerKind.AGENCY))]) -> JSONResponse:
        """A service stage's decision, or an organisation's answer to a complaint (its stage = the forwarding
        number)."""
        forwarded = registry.forwarded_to(decision.case_number, decision.stage)
        if decision.agency_id != agency.name or forwarded != agency.name:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"the case's stage was not forwarded to {agency.name}")
        return answer(await accept(NewMessage.reply(
            decision.message_id, messages.AGENCY_DECISION, messages.stage_key(decision.case_number, decision.stage),
            {"decision": decision.decision, "decisionReason": decision.reason}), decision))

    @app.post("/v1/citizen-replies/information", status_code=202)
    async def information(reply: InformationReply,
                          _: Annotated[Caller, Depends(caller_of(CallerKind.PORTAL))]) -> JSONResponse:
        return answer(await accept(NewMessage.reply(
            reply.message_id, messages.CITIZEN_INFORMATION_PROVIDED, messages.stage_key(reply.case_number, reply.stage),
            {"additionalInformation": reply.information}), reply))

    @app.post("/v1/citizen-replies/satisfaction", status_code=202)
    async def satisfaction(reply: SatisfactionReply,
                           _: Annotated[Caller, Depends(caller_of(CallerKind.PORTAL))]) -> JSONResponse:
        return answer(await accept(NewMessage.reply(
            reply.message_id, messages.SATISFACTION_RATED, reply.case_number, {"satisfaction": reply.rating}), reply))

    @app.post("/internal/forwardings", status_code=204)
    async def forwarding(body: Forwarding, _: Annotated[Caller, Depends(caller_of(CallerKind.WORKERS))]) -> None:
        registry.record_forwarding(body.case_number, body.stage, body.agency)

    @app.post("/internal/cases", status_code=204)
    async def walk_in_case(body: WalkInCase, _: Annotated[Caller, Depends(caller_of(CallerKind.WORKERS))]) -> None:
        registry.register_walk_in(body.case_number, body.service_code)

    @app.get("/v1/service-requests/{case_number}")
    async def request_status(case_number: Annotated[CaseNumber, PathParameter()],
                             _: Annotated[Caller, Depends(caller_of(CallerKind.PORTAL))]) -> dict[str, Any]:
        stages = registry.forwardings(case_number)
        if not registry.known(case_number) and not stages:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such case")
        return {"caseNumber": case_number, "forwardedStages": stages}

    app.include_router(complaints_router(registry, catalog, centres, caller_of, accept))

    app.include_router(documents_router(settings, registry, catalog, caller_of, accept))

    operations = Depends(caller_of(CallerKind.OPERATIONS))

    @app.get("/internal/outbox", tags=["operations"])
    async def outbox_messages(status: Status, _: Annotated[Caller, operations],
                              limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
        """Messages in one state, oldest first: `expired` and `failed` are the ones that never reached the
        engine and need a person; `pending` are still being tried. Variable values are left out."""
        listed = outbox.messages(status, limit)
        return {"status": status, "count": outbox.count(status), "messages": [m.for_operations() for m in listed]}

    @app.get("/internal/outbox/{message_id}", tags=["operations"])
    async def outbox_message(message_id: Annotated[str, PathParameter(max_length=256)],
                             _: Annotated[Caller, operations]) -> dict[str, Any]:
        """One message by its id, whatever its state (variable values left out). Any id is looked up, also one an
        earlier version stored outside today's alphabet."""
        message = outbox.get(message_id)
        if message is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such message")
        return message.for_operations()

    @app.post("/internal/outbox/{message_id}/retry", status_code=202, tags=["operations"])
    async def retry_message(message_id: Annotated[str, PathParameter(max_length=256)],
                            _: Annotated[Caller, operations]) -> dict[str, Any]:
        """Send an expired or failed message again, with a fresh time to live (once its cause is fixed)."""
        requeued = outbox.requeue(message_id)
        if requeued is None:
            known = outbox.get(message_id)
            if known is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such message")
            raise HTTPException(status.HTTP_409_CONFLICT, f"the message is {known.status}, "
                                                          "only expired or failed messages are sent again")
        return requeued.for_operations()

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "UP"}

    return app
