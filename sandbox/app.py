"""The sandbox's HTTP side: every stand-in's routes, /control and /health in one FastAPI app."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from sandbox.agencies import agencies_router
from sandbox.control import control_router
from sandbox.faults import Refusal
from sandbox.messaging import messaging_router
from sandbox.state import SandboxState
from sandbox.xyp import xyp_router


def create_app(state: SandboxState) -> FastAPI:
    app = FastAPI(title="ESRA sandbox: stand-ins of the external systems", version="1")

    @app.exception_handler(Refusal)
    async def refused(_: Request, error: Refusal) -> JSONResponse:
        return JSONResponse({"reason": error.reason}, status_code=error.status)

    app.include_router(xyp_router(state))
    app.include_router(agencies_router(state))
    app.include_router(messaging_router(state))
    app.include_router(control_router(state))

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "UP"}

    return app
