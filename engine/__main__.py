"""python -m engine run | up | down | status | logs | reset | deploy | prepare | tasks | complete KEY [JSON]"""

import argparse
import asyncio
import json
import sys

from engine import launcher, process, search_node, stack
from engine.config import WEBAPPS
from engine.errors import EngineError
from engine.logging import configure_cli_logging
from engine.settings import EngineSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description="Local Camunda 8 engine")
    parser.add_argument("command", choices=["run", "up", "down", "status", "logs", "reset", "deploy", "prepare",
                                            "tasks", "complete"])
    parser.add_argument("task", nargs="?", type=int, help="complete: the user task key (see `tasks`)")
    parser.add_argument("variables", nargs="?", default="{}", help="complete: the form's values as JSON")
    parser.add_argument("--test-clock", action="store_true", help="start with the controllable clock")
    parser.add_argument("--no-deploy", action="store_true", help="start without deploying the models")
    args = parser.parse_args(argv)
    configure_cli_logging()
    settings = EngineSettings(controlled_clock=args.test_clock)
    try:
        if args.command in ("tasks", "complete"):
            return asyncio.run(user_tasks(settings, args.task, json.loads(args.variables)))
        return run(args.command, settings, deploy=not args.no_deploy)
    except EngineError as error:
        print(f"engine: {error}", file=sys.stderr)
        return 1


async def user_tasks(settings: EngineSettings, complete: int | None, variables: dict[str, object]) -> int:
    """List open user tasks, or complete one, over REST API v2 (a shortcut beside Tasklist's UI)."""
    async with launcher.api_for(settings) as api:
        if complete is not None:
            await api.complete_user_task(complete, variables)
            print(f"engine: user task {complete} completed")
            return 0
        for task in await api.search_user_tasks(state="CREATED"):
            print(f"{task['key']}  {task['elementId']}  groups={task.get('candidateGroup')}  "
                  f"instance={task['processInstanceKey']}")
    return 0


def run(command: str, settings: EngineSettings, deploy: bool) -> int:
    if command == "run":
        return stack.run(settings)
    if command == "prepare":
        launcher.prepare(settings)
        extra = ", OpenSearch and its settings shim" if settings.webapps else ""
        print(f"engine: distribution, Java, record exporter{extra} ready")
    elif command == "up":
        result = asyncio.run(launcher.up(settings, deploy=deploy))
        state = f"started (pid {result.pid}) in {result.seconds:.1f}s" if result.started else "already running"
        print(f"engine: {state}; REST {settings.rest_url}, gRPC {settings.grpc_address}")
        if settings.webapps:
            print(f"engine: Operate {settings.operate_url}/operate, Tasklist {settings.tasklist_url}/tasklist "
                  f"(login {settings.web_user}/{settings.web_password}); OpenSearch {settings.search_url} "
                  f"(pid {result.search_pid})")
    elif command == "down":
        print("engine: stopped" if launcher.down(settings) else "engine: no engine started by us is running")
    elif command == "status":
        ready = asyncio.run(launcher.already_running(settings))
        pids = launcher.started_pids(settings)
        print(f"engine: {'ready' if ready else 'not ready'} at {settings.rest_url} (started pid: {pids['broker']})")
        if settings.webapps:
            print(f"engine: Operate {settings.operate_url}/operate (started pid: {pids['operate']}), "
                  f"Tasklist {settings.tasklist_url}/tasklist (started pid: {pids['tasklist']})")
            healthy = asyncio.run(search_node.is_healthy(settings))
            print(f"engine: OpenSearch {'healthy' if healthy else 'not healthy'} at {settings.search_url} "
                  f"(started pid: {search_node.started_pid(settings)})")
        return 0 if ready else 3
    elif command == "logs":
        if settings.webapps:
            print(f"--- OpenSearch ({search_node.log_path(settings)})")
            print(search_node.log_tail(settings, lines=200))
            for name in WEBAPPS:
                print(f"--- {name} ({process.log_path(settings, name)})")
                print(process.tail(process.log_path(settings, name), lines=200))
            print(f"--- broker ({settings.log_path})")
        print(process.log_tail(settings, lines=200))
    elif command == "reset":
        launcher.reset(settings)
        print(f"engine: stopped and removed {settings.run_dir}")
    elif command == "deploy":
        for line in asyncio.run(launcher.deploy_resources(settings)):
            print(f"engine: deployed {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
