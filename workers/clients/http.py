"""Map HTTP outcomes to the error taxonomy, naming the system so an incident says where to look."""

from typing import Any

import httpx

from workers.errors import InvalidJobData, TransientError


async def call(client: httpx.AsyncClient, system: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """5xx, timeouts and refused connections are transient; other 4xx than the caller accepts are not."""
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TimeoutException as error:
        raise TransientError(f"{system} did not answer in time ({type(error).__name__})") from error
    except httpx.TransportError as error:
        raise TransientError(f"{system} unreachable: {type(error).__name__}: {error}") from error
    if response.status_code >= 500:
        raise TransientError(f"{system} answered {response.status_code}: {response.text[:200]}")
    return response


def refuse(system: str, response: httpx.Response) -> InvalidJobData:
    """A 4xx the worker cannot fix by retrying: an incident carrying the system's own message."""
    return InvalidJobData(f"{system} refused the request ({response.status_code}): {response.text[:300]}")
