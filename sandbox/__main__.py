"""python -m sandbox: the stand-ins of the external systems, until Ctrl-C."""

import asyncio
import signal
import sys

from local_stack import refusal
from observability.logs import configure_logging
from sandbox.server import Sandbox
from sandbox.settings import SandboxSettings


async def serve(settings: SandboxSettings) -> None:
    sandbox = Sandbox(settings)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await sandbox.start()
    try:
        await sandbox.wait(stop)
    finally:
        await sandbox.stop()


def main() -> None:
    try:
        settings = SandboxSettings()
    except ValueError as error:  # refused, e.g. a placeholder secret outside development: one line, no values
        raise SystemExit(f"sandbox: {refusal(error)}") from None
    configure_logging(settings.log_level, settings.log_format)
    try:
        asyncio.run(serve(settings))
    except OSError as error:  # a taken port: one line naming it, no traceback
        print(error, file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
