"""One module per task type; each module exposes `router`. ROUTERS lists them all."""

from pyzeebe import ZeebeTaskRouter

ROUTERS: list[ZeebeTaskRouter] = []
