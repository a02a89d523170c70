"""python -m workers: run every topic handler against the configured engine."""

import asyncio

from engine_client import EngineClient
from local_stack import refusal
from observability.logs import configure_logging
from workers.runtime import ExternalTaskRuntime
from workers.services import Services
from workers.settings import WorkerSettings
from workers.tasks import HANDLERS


async def run(settings: WorkerSettings) -> None:
    services = Services.from_settings(settings)
    async with EngineClient(settings.engine_rest_url, settings.engine_user,
                            settings.engine_password.get_secret_value(), timeout_s=settings.http_timeout_s) as engine:
        try:
            await ExternalTaskRuntime(settings, engine, HANDLERS, services).run()
        finally:
            await services.http.aclose()


def main() -> None:
    try:
        settings = WorkerSettings()
    except ValueError as error:  # refused, e.g. a placeholder secret outside development: one line, no values
        raise SystemExit(f"workers: {refusal(error)}") from None
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
