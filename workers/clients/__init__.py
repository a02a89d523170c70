"""Clients of the external systems. Which endpoint (sandbox or real) is configuration, never code."""
