"""The peer for benchmarks/intake.py: a plain python-telegram-bot echo bot, PTB defaults."""

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await context.bot.send_message(update.effective_chat.id, update.message.text)


builder = Application.builder().token(os.environ["BOT_TOKEN"])
app = builder.base_url(os.environ["TELEGRAM_BASE_URL"]).build()
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_polling(timeout=10)
