"""External-task workers: one handler module per topic under workers.tasks, the runtime that fetches and
locks their tasks over REST, and the clients of the external systems."""
