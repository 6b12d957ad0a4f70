"""Settings: the one place the environment and `.env` are read."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_RE = re.compile(r"^\d{3,12}:[A-Za-z0-9_-]{30,}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# secret fields: (the format a set one must have, the hint when it has not)
SECRET_FORMATS = {
    "bot_token": (TOKEN_RE, "does not look like a BotFather token (digits:letters, e.g. 123:AbC…)"),
    "webhook_secret": (SECRET_RE, "use 1-256 characters from A-Z, a-z, 0-9, _ and -"),
}
DEFAULT_DB = "sqlite+aiosqlite:///./data/coach.db"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Everything the operator can set. Field names match the environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = Field(default=None, description="BotFather token")
    database_url: str = DEFAULT_DB
    # The Bot API prefix; PTB appends the token, as Telegram's own URL scheme expects.
    telegram_base_url: str = "https://api.telegram.org/bot"
    # How updates arrive. Explicit, so a replica meant for a webhook never polls (which would
    # need deleteWebhook and cut the others off) and a poller never sets a webhook.
    update_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    default_timezone: str = "UTC"
    log_level: LogLevel = "INFO"
    reminder_interval_s: float = Field(default=20.0, gt=0, le=60)
    # Telegram's overall limit for this bot: 30 messages/s, up to 1000 with paid broadcasts.
    telegram_rate_limit: float = Field(default=30.0, ge=1, le=1000)
    content_dir: Path | None = None  # default: the content/ folder shipped with the bot
    # Where the compiled content is kept between starts (bot/content_cache.py); default:
    # $XDG_CACHE_HOME/reverse-running-coach, else ~/.cache/reverse-running-coach.
    cache_dir: Path | None = None
    # Seconds to keep trying an unreachable database before telling a sender their message
    # was not saved (and to send it again).
    db_grace_s: float = Field(default=3.0, ge=0, le=60)
    health_port: int | None = Field(default=None, ge=1, le=65535)  # unset: no health listener
    health_listen: str = "0.0.0.0"
    log_format: Literal["text", "json"] = "text"
    replica_id: str = Field(default_factory=socket.gethostname, max_length=128)

    @field_validator(*SECRET_FORMATS)
    @classmethod
    def _secret_format(cls, v: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """An empty secret is no secret (None); a set one must have its field's format."""
        if v is None or v.get_secret_value() == "":
            return None
        pattern, hint = SECRET_FORMATS[str(info.field_name)]
        if not pattern.match(v.get_secret_value()):
            raise ValueError(hint)
        return v

    @field_validator("database_url")
    @classmethod
    def _db_driver(cls, v: str) -> str:
        """Accept the plain URLs people paste and pick the async driver for them."""
        v = v.strip()
        for plain, driver in (
            ("postgres://", "postgresql+asyncpg://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("sqlite:///", "sqlite+aiosqlite:///"),
        ):
            if v.startswith(plain):
                return driver + v[len(plain) :]
        if not v.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            raise ValueError("use a postgresql:// or sqlite:/// URL")
        return v

    @field_validator("telegram_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {v!r} (e.g. Europe/Berlin)") from None
        return v

    @field_validator("content_dir", "cache_dir", "health_port", mode="before")
    @classmethod
    def _empty_is_unset(cls, v: object) -> object:
        """`NAME=` in .env means "use the default", not an empty path or URL."""
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return v.upper() if isinstance(v, str) else v

    @field_validator("log_format", "update_mode", mode="before")
    @classmethod
    def _lower(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("replica_id", mode="before")
    @classmethod
    def _replica(cls, v: object) -> object:
        """Empty means "this host's name" (a pod's name on Kubernetes)."""
        return socket.gethostname() if isinstance(v, str) and not v.strip() else v

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.update_mode == "webhook" and not self.webhook_url:
            raise ValueError("UPDATE_MODE=webhook needs WEBHOOK_URL (the public https URL)")
        if self.update_mode == "polling" and self.webhook_url:
            raise ValueError(
                "WEBHOOK_URL is set but UPDATE_MODE is polling; set UPDATE_MODE=webhook "
                "to serve the webhook, or remove WEBHOOK_URL to poll"
            )
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        if self.webhook_url and self.health_port == self.webhook_port:
            raise ValueError("HEALTH_PORT must differ from WEBHOOK_PORT")
        return self

    def sqlite_path(self) -> Path | None:
        """The database file when the URL is SQLite on disk, so its folder can be created."""
        m = re.match(r"^sqlite\+aiosqlite:///(?!:memory:)(.+)$", self.database_url)
        return Path(m.group(1)) if m else None


class SettingsError(Exception):
    """A setting is missing or malformed; str() is one line naming it."""


def describe(err: ValidationError) -> str:
    """One line naming the first bad setting, as the operator would type it."""
    first = err.errors()[0]
    loc = [str(x) for x in first.get("loc", ())]
    name = loc[0].upper() if loc else ""
    msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"Setting {name}: {msg}" if name else f"Settings: {msg}"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into a SettingsError with one clear line."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        raise SettingsError(describe(err)) from None
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return settings
