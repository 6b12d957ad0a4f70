"""Persistence: typed ORM models, the engine and unit of work, and every query."""
