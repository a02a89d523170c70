"""python -m engine run | up | down | status | logs | reset | deploy | setup | prepare"""

import argparse
import asyncio
import sys

from engine import launcher, process, stack
from engine.errors import EngineError
from engine.logging import configure_cli_logging
from engine.settings import EngineSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description="Local Operaton engine")
    parser.add_argument("command",
                        choices=["run", "up", "down", "status", "logs", "reset", "deploy", "setup", "prepare"])
    parser.add_argument("--no-deploy", action="store_true", help="up: start without deploying the models")
    args = parser.parse_args(argv)
    configure_cli_logging()
    try:
        settings = EngineSettings()
        return run(args.command, settings, deploy=not args.no_deploy)
    except EngineError as error:
        print(f"engine: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # settings refused, e.g. a default password outside development
        print(f"engine: {str(error).splitlines()[-1].strip()}", file=sys.stderr)
        return 2


def run(command: str, settings: EngineSettings, deploy: bool) -> int:
    if command == "run":
        return stack.run(settings)
    if command == "prepare":
        prepared = launcher.prepare(settings)
        print(f"engine: Java {prepared.java.major} at {prepared.java.path}; application {prepared.jar}")
    elif command == "up":
        result = asyncio.run(launcher.up(settings, deploy=deploy))
        state = f"started (pid {result.pid}) in {result.seconds:.1f}s" if result.started else "already running"
        print(f"engine: {state}; REST {settings.rest_url}, Tasklist {settings.tasklist_url}, "
              f"Cockpit {settings.cockpit_url}")
    elif command == "down":
        print("engine: stopped" if launcher.down(settings) else "engine: no engine started by us is running")
    elif command == "status":
        ready = asyncio.run(launcher.is_ready(settings))
        print(f"engine: {'ready' if ready else 'not ready'} at {settings.url} "
              f"(started pid: {process.started_pid(settings)})")
        return 0 if ready else 3
    elif command == "logs":
        print(process.tail(settings.log_path, lines=200))
    elif command == "reset":
        launcher.reset(settings)
        print(f"engine: stopped and removed {settings.run_dir}")
    elif command == "setup":  # an engine started elsewhere (compose): users, access, models
        staff = asyncio.run(launcher.setup(settings))
        print(f"engine: staff groups and service accounts ready ({', '.join(staff)}); models deployed")
    elif command == "deploy":
        for line in asyncio.run(launcher.deploy_resources(settings)):
            print(f"engine: deployed {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
