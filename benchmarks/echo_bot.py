"""The peer: a plain python-telegram-bot echo bot on the same PTB and httpx (12 lines of bot)."""

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "")  # type: ignore[union-attr]


app = (
    ApplicationBuilder()
    .token(os.environ["BOT_TOKEN"])
    .base_url(os.environ["TELEGRAM_BASE_URL"])
    .build()
)
app.add_handler(MessageHandler(filters.ALL, echo))
app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=10)
