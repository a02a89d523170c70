class EngineError(Exception):
    """A failure the launcher reports as one clear line naming the cause."""
