"""python -m workers: run every task router against the configured gateway."""

import asyncio

from workers.logs import configure_logging
from workers.runtime import WorkerRuntime
from workers.settings import WorkerSettings
from workers.tasks import ROUTERS


def main() -> None:
    settings = WorkerSettings()
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(WorkerRuntime(settings, ROUTERS).run())


if __name__ == "__main__":
    main()
