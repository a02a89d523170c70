"""Prometheus metrics of intake (GET /metrics), in a registry of each app's own (tests run several)."""

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge

from intake.messages import PUBLISHED_MESSAGES


class IntakeMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.delivered = Counter("intake_messages_delivered", "Messages the engine took (started or correlated)",
                                 ["message"], registry=self.registry)
        self.expired = Counter("intake_messages_expired", "Messages whose time to live ran out undelivered "
                               "(listed at GET /internal/outbox?status=expired)", ["message"], registry=self.registry)
        self.failed = Counter("intake_messages_failed", "Messages the engine refused for good "
                              "(listed at GET /internal/outbox?status=failed)", ["message"], registry=self.registry)
        self.pending = Gauge("intake_outbox_pending", "Messages waiting for delivery (the whole database: every "
                             "intake sharing it reports the same number)", registry=self.registry)
        for name in PUBLISHED_MESSAGES:  # every series exists from the start, at 0: alerts see the first one
            for counter in (self.delivered, self.expired, self.failed):
                counter.labels(name)

    def watch_pending(self, count: Callable[[], int]) -> None:
        """The pending gauge reads the database at each scrape."""
        self.pending.set_function(lambda: float(count()))
