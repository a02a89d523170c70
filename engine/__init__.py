"""Local Camunda 8 engine: fetch, configure, start, wait, deploy, stop."""
