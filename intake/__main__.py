"""python -m intake: serve the intake API."""

import uvicorn

from intake.app import create_app
from intake.settings import IntakeSettings
from local_stack import refusal
from observability.logs import configure_logging


def main() -> None:
    try:
        settings = IntakeSettings()
    except ValueError as error:  # refused, e.g. a placeholder secret outside development: one line, no values
        raise SystemExit(f"intake: {refusal(error)}") from None
    configure_logging()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
