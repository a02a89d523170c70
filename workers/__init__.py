"""pyzeebe job workers: one module per task type under workers.tasks, plus the runtime around them."""
