"""python -m intake: serve the intake API."""

import uvicorn

from intake.app import create_app
from intake.settings import IntakeSettings
from observability.logs import configure_logging


def main() -> None:
    settings = IntakeSettings()
    configure_logging()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
