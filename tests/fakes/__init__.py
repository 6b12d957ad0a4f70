"""Test doubles for end-to-end tests."""

from .botapi import FakeBotAPI, Request, SentMessage

__all__ = ["FakeBotAPI", "Request", "SentMessage"]
