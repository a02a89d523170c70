"""One module per task type; each module exposes `router`. ROUTERS lists them all, found by module."""

import importlib
import pkgutil

from pyzeebe import ZeebeTaskRouter

ROUTERS: list[ZeebeTaskRouter] = [
    router
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
    if isinstance(router := getattr(importlib.import_module(f"{__name__}.{module_info.name}"), "router", None),
                  ZeebeTaskRouter)
]
