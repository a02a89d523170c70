"""/control: what each stand-in received, its faults, and how the agencies answer. Never faulted itself."""

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from sandbox.desk import AgencyBehaviour
from sandbox.faults import Fault, Refusal
from sandbox.journal import SYSTEMS, System
from sandbox.settings import AGENCY_NAMES, Decision
from sandbox.state import SandboxState


class DecideNow(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    stage: int = Field(ge=1)
    decision: Decision
    reason: str = ""
    delay_seconds: float = Field(default=0.0, ge=0, le=86_400)


def system_of(name: str) -> System:
    for system in SYSTEMS:
        if system == name:
            return system
    raise Refusal(404, f"no system {name!r}; known: {', '.join(SYSTEMS)}")


def agency_of(name: str) -> str:
    if name not in AGENCY_NAMES:
        raise Refusal(404, f"no agency {name!r}; known: {', '.join(AGENCY_NAMES)}")
    return name


def control_router(state: SandboxState) -> APIRouter:
    router = APIRouter(prefix="/control", tags=["control"])

    @router.get("/citizens")
    async def citizens() -> list[dict[str, Any]]:
        return [citizen.summary() for citizen in state.citizens.values()]

    @router.get("/{system}/received")
    async def received(system: str) -> dict[str, Any]:
        name = system_of(system)
        answer: dict[str, Any] = {"system": name, "received": state.journal.received[name],
                                  "repeated": state.journal.repeated[name]}
        if name == "agencies":
            answer["callbacks"] = state.journal.callbacks
        return answer

    @router.delete("/received", status_code=204)
    async def clear_received() -> Response:
        state.journal.clear()
        return Response(status_code=204)

    @router.get("/faults")
    async def faults() -> dict[str, Any]:
        return {system: fault.model_dump(by_alias=True) for system, fault in state.faults.current.items()}

    @router.get("/faults/applied")
    async def faults_applied() -> dict[str, Any]:
        """How many calls each fault answered: {"xyp": {"error": 51}}."""
        applied: dict[str, dict[str, int]] = {}
        for (system, outcome), count in state.faults.applied.items():
            applied.setdefault(system, {})[outcome] = count
        return applied

    @router.put("/faults/{system}")
    async def set_fault(system: str, fault: Fault) -> dict[str, Any]:
        state.faults.set(system_of(system), fault)
        return fault.model_dump(by_alias=True)

    @router.delete("/faults", status_code=204)
    async def reset_faults() -> Response:
        state.faults.reset()
        return Response(status_code=204)

    @router.get("/agencies")
    async def behaviours() -> dict[str, Any]:
        return {agency: {"name": AGENCY_NAMES[agency], **behaviour.model_dump(by_alias=True)}
                for agency, behaviour in state.desk.behaviours.items()}

    @router.put("/agencies/{agency_id}")
    async def set_behaviour(agency_id: str, behaviour: AgencyBehaviour) -> dict[str, Any]:
        state.desk.behaviours[agency_of(agency_id)] = behaviour
        return behaviour.model_dump(by_alias=True)

    @router.delete("/agencies", status_code=204)
    async def reset_behaviours() -> Response:
        state.desk.behaviours = state.desk.default_behaviours()
        return Response(status_code=204)

    @router.post("/agencies/{agency_id}/cases/{case_number}/decide", status_code=202)
    async def decide(agency_id: str, case_number: str, now: DecideNow) -> dict[str, Any]:
        if state.desk.case_id(agency_of(agency_id), case_number) is None:
            raise Refusal(404, f"{agency_id} holds no case {case_number}")
        message_id = state.desk.decide(agency_id, case_number, now.stage, now.decision, now.reason,
                                       delay_seconds=now.delay_seconds)
        return {"messageId": message_id}

    return router
