"""The floor peer: the echo bot plus the least a bot that keeps what it is told must do, one
durable write per message before the reply, on the fixed stack (SQLAlchemy async, the same
driver and database as the bot), chats handled side by side and writes one at a time on one
connection (on PostgreSQL that was faster here than a pool: 166 against 124 updates/s).

Whatever the coach does beyond that (the inbox row that makes a crash lose nothing, reading
the week, the reply's text) costs on top of this figure, so it bounds /log throughput on a
machine: see benchmarks/intake.py.
"""

import asyncio
import os

from sqlalchemy import Column, Integer, MetaData, Table, Text, insert
from sqlalchemy.ext.asyncio import create_async_engine
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

engine = create_async_engine(os.environ["DATABASE_URL"], pool_size=1, max_overflow=0)
writing = asyncio.Lock()
meta = MetaData()
notes = Table(
    "floor_notes",
    meta,
    Column("id", Integer, primary_key=True),
    Column("chat_id", Integer),
    Column("text", Text),
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    async with writing, engine.begin() as conn:
        await conn.execute(insert(notes).values(chat_id=message.chat_id, text=message.text or ""))
    await message.reply_text(message.text or "")


async def create_table(_app: Application) -> None:  # type: ignore[type-arg]
    async with engine.begin() as conn:
        await conn.run_sync(meta.create_all)


app = (
    ApplicationBuilder()
    .token(os.environ["BOT_TOKEN"])
    .base_url(os.environ["TELEGRAM_BASE_URL"])
    .concurrent_updates(256)
    .post_init(create_table)
    .build()
)
app.add_handler(MessageHandler(filters.ALL, echo))
app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=10)
