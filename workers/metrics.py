"""Prometheus metrics of the workers, per task type."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

JOBS_ACTIVATED = Counter("worker_jobs_activated", "Jobs handed to a handler", ["task_type"], registry=REGISTRY)
JOBS_COMPLETED = Counter("worker_jobs_completed", "Jobs completed", ["task_type"], registry=REGISTRY)
JOBS_FAILED = Counter("worker_jobs_failed", "Jobs failed", ["task_type", "kind"], registry=REGISTRY)
BPMN_ERRORS = Counter("worker_bpmn_errors", "BPMN errors thrown", ["task_type", "code"], registry=REGISTRY)
HANDLER_SECONDS = Histogram(
    "worker_handler_duration_seconds", "Handler duration", ["task_type"], registry=REGISTRY,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
GATEWAY_UP = Gauge("worker_gateway_reachable", "1 when the last gateway health check passed", registry=REGISTRY)
WORKER_RESTARTS = Counter("worker_loop_restarts", "Worker loops restarted by the liveness check", registry=REGISTRY)
SMS_SEGMENTS = Counter("worker_sms_segments", "SMS parts sent (billed)", ["encoding"], registry=REGISTRY)
NOTIFICATIONS = Counter("worker_notifications", "Citizen notifications sent", ["status", "channel"], registry=REGISTRY)
