"""The one place the Camunda version is pinned (docker-compose.yml must carry the same tag; a test checks)."""

CAMUNDA_VERSION = "8.6.0"
DISTRIBUTION_ARTIFACT = f"io.camunda:camunda-zeebe:{CAMUNDA_VERSION}:tar.gz"
