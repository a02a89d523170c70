"""Prometheus metrics of the workers, per topic."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

TASKS_FETCHED = Counter("worker_tasks_fetched", "External tasks locked and handed to a handler", ["topic"],
                        registry=REGISTRY)
TASKS_COMPLETED = Counter("worker_tasks_completed", "External tasks completed", ["topic"], registry=REGISTRY)
TASKS_FAILED = Counter("worker_tasks_failed", "External task failures reported (transient: retried; invalid: "
                       "straight to an incident)", ["topic", "kind"], registry=REGISTRY)
BPMN_ERRORS = Counter("worker_bpmn_errors", "BPMN errors thrown", ["topic", "code"], registry=REGISTRY)
LOCK_EXTENSIONS = Counter("worker_lock_extensions", "Locks extended for long work", ["topic"], registry=REGISTRY)
HANDLER_SECONDS = Histogram(
    "worker_handler_duration_seconds", "Handler duration", ["topic"], registry=REGISTRY,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
CALL_RETRIES = Counter("worker_call_retries", "Calls to an external system tried again within a task (safe reads)",
                       ["system"], registry=REGISTRY)
ENGINE_UP = Gauge("worker_engine_reachable", "1 when the last fetch-and-lock reached the engine", registry=REGISTRY)
SMS_SEGMENTS = Counter("worker_sms_segments", "SMS parts sent (billed)", ["encoding"], registry=REGISTRY)
NOTIFICATIONS = Counter("worker_notifications", "Citizen notifications sent", ["status", "channel"], registry=REGISTRY)
