"""The one thin client through which workers, intake, reports and tests speak Operaton's REST API."""

from engine_client.client import EngineClient, EngineError, MessageNotCorrelated
from engine_client.variables import VariableTooLong, engine_date, from_engine, to_engine, typed

__all__ = ["EngineClient", "EngineError", "MessageNotCorrelated", "VariableTooLong", "engine_date", "from_engine",
           "to_engine", "typed"]
