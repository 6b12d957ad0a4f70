"""Test doubles for end-to-end tests: a fake Telegram Bot API (see botapi.py)."""

from .botapi import FakeBotAPI
from .records import Request, SentMessage

__all__ = ["FakeBotAPI", "Request", "SentMessage"]
