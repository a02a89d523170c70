"""The benchmark: `python -m bench` (worker throughput against the Java client, latency, end to end)."""
