"""python -m engine run | up | down | status | logs | reset | deploy | setup | prepare | backup | restore"""

import argparse
import asyncio
import sys
from pathlib import Path

from engine import backup, cluster, launcher, process, stack
from engine.errors import EngineError
from engine.logging import configure_cli_logging
from engine.settings import EngineSettings
from local_stack import refusal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description="Local Operaton engine")
    parser.add_argument("command",
                        choices=["run", "up", "down", "status", "logs", "reset", "deploy", "setup", "prepare",
                                 "backup", "restore"])
    parser.add_argument("file", nargs="?", type=Path, help="restore: the backup file")
    parser.add_argument("--no-deploy", action="store_true", help="up: start without deploying the models")
    parser.add_argument("--to", type=Path, help="backup: the file to write (default .cache/backups/engine-…)")
    args = parser.parse_args(argv)
    if (args.command == "restore") != (args.file is not None):
        parser.error("restore needs the backup file, and only restore takes one")
    configure_cli_logging()
    try:
        settings = EngineSettings()
        if args.command in ("backup", "restore"):
            return backup_command(settings, args.to, args.file)
        return run(args.command, settings, deploy=not args.no_deploy)
    except EngineError as error:
        print(f"engine: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # settings refused, e.g. a default password outside development
        print(f"engine: {refusal(error)}", file=sys.stderr)
        return 2


def run(command: str, settings: EngineSettings, deploy: bool) -> int:
    if settings.clustered and command in CLUSTER_COMMANDS:
        return cluster_command(command, settings, deploy)
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
        staff = asyncio.run(launcher.set_up(settings))
        print(f"engine: staff groups and service accounts ready ({', '.join(staff)}); models deployed")
    elif command == "deploy":
        for line in asyncio.run(launcher.deploy_resources(settings)):
            print(f"engine: deployed {line}")
    return 0


CLUSTER_COMMANDS = ("up", "down", "status", "logs", "reset")


def cluster_command(command: str, settings: EngineSettings, deploy: bool) -> int:
    if command == "up":
        results = asyncio.run(cluster.up(settings, deploy=deploy))
        nodes = cluster.nodes(settings)
        for node, result in zip(nodes, results, strict=True):
            state = f"started (pid {result.pid}) in {result.seconds:.1f}s" if result.started else "already running"
            print(f"engine {node.run_dir.name}: {state}; REST {node.rest_url}, Tasklist {node.tasklist_url}, "
                  f"Cockpit {node.cockpit_url}")
        urls = ",".join(node.rest_url for node in nodes)
        print(f"engine: {len(nodes)} node(s) on {nodes[0].datasource_url}; workers and intake take every node: "
              f"WORKERS_ENGINE_REST_URL={urls} INTAKE_ENGINE_REST_URL={urls}")
        server = cluster.local_postgres(settings)
        if server is not None:
            print(f"engine: intake replicas share their state in INTAKE_DATABASE_URL="
                  f"{server.uri(password=f'<{server.password_file}>')}")
    elif command == "down":
        stopped = cluster.down(settings)
        print(f"engine: stopped {', '.join(stopped)}" if stopped else "engine: nothing started by us is running")
    elif command == "status":
        ready = {node.run_dir.name: asyncio.run(launcher.is_ready(node)) for node in cluster.nodes(settings)}
        for name, up in ready.items():
            print(f"engine {name}: {'ready' if up else 'not ready'}")
        return 0 if all(ready.values()) else 3
    elif command == "logs":
        for node in cluster.started_nodes(settings):
            print(f"== {node.run_dir.name}\n{process.tail(node.log_path, lines=100)}")
    elif command == "reset":
        cluster.reset(settings)
        print(f"engine: stopped and removed the nodes under {settings.run_dir} and {settings.postgres_dir}")
    return 0


def backup_command(settings: EngineSettings, target: Path | None, source: Path | None) -> int:
    """backup (no source) or restore (the backup file as source)."""
    if source is None:
        written, how = asyncio.run(backup.backup(settings, target))
        print(f"engine: backup ({how}) written to {written} ({written.stat().st_size} bytes, readable by this "
              "account only)")
        return 0
    restored = asyncio.run(backup.restore(settings, source))
    kept = f"; the database it replaced is kept as {restored.kept}" if restored.kept else ""
    after = "the engine is running again" if restored.restarted else "start the engine with `python -m engine up`"
    print(f"engine: restored {source} into {restored.database}{kept}; {after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
