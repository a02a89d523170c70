"""Run the pyzeebe worker under supervision: deliberate settings, liveness, graceful stop."""

import asyncio
import signal
import time
from collections.abc import Sequence

import grpc
import structlog
from pyzeebe import ZeebeTaskRouter, ZeebeWorker

from workers.channel import create_channel
from workers.failures import FailureHandler
from workers.health import HealthState, serve
from workers.metrics import GATEWAY_UP, WORKER_RESTARTS
from workers.services import Services, install
from workers.settings import WorkerSettings

log = structlog.get_logger(__name__)


class WorkerRuntime:
    def __init__(self, settings: WorkerSettings, routers: Sequence[ZeebeTaskRouter]) -> None:
        self.settings = settings
        self.routers = routers
        self.health = HealthState()
        self._stop = asyncio.Event()
        self._failures = FailureHandler(settings)

    def task_types(self) -> list[str]:
        return [task.type for router in self.routers for task in router.tasks]

    def build_worker(self, channel: grpc.aio.Channel) -> ZeebeWorker:
        """Every pyzeebe default set on purpose (see STYLE.md)."""
        for router in self.routers:
            for task in router.tasks:
                task.config.timeout_ms = self.settings.timeout_for(task.type)
                task.config.max_running_jobs = self.settings.max_running_jobs
                task.config.max_jobs_to_activate = self.settings.max_running_jobs
        worker = ZeebeWorker(
            channel,
            name=self.settings.name,
            request_timeout=self.settings.long_poll_ms,
            max_connection_retries=-1,  # the counter never resets; liveness below restarts instead
            poll_retry_delay=self.settings.poll_retry_delay_s,
            exception_handler=self._failures,
            stream_enabled=False,  # streaming ignores max_running_jobs
        )
        worker.include_router(*self.routers)
        return worker

    def request_stop(self) -> None:
        self.health.stopping = True
        self._stop.set()

    async def run(self) -> None:
        services = Services.from_settings(self.settings)
        install(services)
        server = serve(self.health, self.settings.metrics_host, self.settings.metrics_port)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)
        log.info("workers.started", task_types=self.task_types(), gateway=self.settings.gateway_address,
                 metrics=f"http://{self.settings.metrics_host}:{self.settings.metrics_port}/metrics")
        try:
            while not self._stop.is_set():
                await self._run_once()
        finally:
            server.shutdown()
            await services.http.aclose()
            log.info("workers.stopped")

    async def _run_once(self) -> None:
        self.health.unreachable_since = None  # each loop gets a full window before it is restarted
        channel = create_channel(self.settings)
        worker = self.build_worker(channel)
        work = asyncio.create_task(worker.work(), name="zeebe-worker")
        watch = asyncio.create_task(self._watch(worker), name="liveness")
        stop = asyncio.create_task(self._stop.wait(), name="stop")
        done, _ = await asyncio.wait({work, watch, stop}, return_when=asyncio.FIRST_COMPLETED)
        if work in done and work.exception():
            log.error("workers.loop_crashed", error=repr(work.exception()))
        elif watch in done:
            WORKER_RESTARTS.inc()
            log.warning("workers.restarting", reason="gateway unreachable",
                        seconds=self.settings.liveness_restart_after_s)
        await self._shutdown(worker, work)
        for task in (watch, stop):
            task.cancel()
        await channel.close()
        if not self._stop.is_set() and work in done:
            await asyncio.sleep(self.settings.liveness_interval_s)

    async def _shutdown(self, worker: ZeebeWorker, work: "asyncio.Task[None]") -> None:
        """Stop polling, let in-flight jobs finish (bounded by the longest job timeout)."""
        grace = max([self.settings.job_timeout_ms, *self.settings.task_timeouts_ms.values()]) / 1000
        if not work.done():
            try:
                await asyncio.wait_for(worker.stop(), timeout=grace)
                await asyncio.wait_for(work, timeout=5)
            except (TimeoutError, asyncio.CancelledError):
                work.cancel()

    async def _watch(self, worker: ZeebeWorker) -> None:
        """Return when the gateway has been unreachable for longer than the restart threshold."""
        while True:
            try:
                await asyncio.wait_for(worker.healthcheck(), timeout=self.settings.liveness_interval_s)
                self.health.gateway_reachable, self.health.unreachable_since = True, None
            except Exception as error:  # any failure of the check means "unreachable"
                self.health.gateway_reachable = False
                self.health.unreachable_since = self.health.unreachable_since or time.monotonic()
                log.warning("workers.gateway_unreachable", error=type(error).__name__)
            GATEWAY_UP.set(1 if self.health.gateway_reachable else 0)
            self.health.last_check = time.monotonic()
            since = self.health.unreachable_since
            if since and time.monotonic() - since > self.settings.liveness_restart_after_s:
                return
            await asyncio.sleep(self.settings.liveness_interval_s)
