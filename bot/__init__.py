"""Reverse Running Coach: a Telegram bot for backward running."""
