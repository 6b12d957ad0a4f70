"""The Telegram edge: read the Update, call the core, send what render built."""
