# syntax=docker/dockerfile:1
# Two stages: build a virtualenv from the same lock file `make` uses, then copy it into a slim
# runtime image that runs as an unprivileged user. The code runs from /app (python -m bot).

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN python -m venv /opt/venv
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --require-hashes -r requirements.lock

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    MPLCONFIGDIR=/tmp/matplotlib \
    DATABASE_URL=sqlite+aiosqlite:////app/data/coach.db \
    CACHE_DIR=/app/cache \
    HEALTH_PORT=8080
RUN groupadd --system --gid 10001 coach \
    && useradd --system --uid 10001 --gid coach --home-dir /app --shell /usr/sbin/nologin coach
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY alembic.ini ./
COPY migrations ./migrations
COPY content ./content
COPY bot ./bot
# The image's code cannot write its own bytecode (read-only to the user, PYTHONDONTWRITEBYTECODE):
# compiled here, each start reads it instead of compiling bot/ again.
RUN python -m compileall -q bot
# content/ checked and compiled once here: each start reads the compiled copy (see
# bot/content_cache.py). The bot owns the folder, so a mounted CONTENT_DIR is compiled there.
RUN python -m bot check-content && chown -R coach:coach /app/cache
RUN mkdir -p /app/data && chown coach:coach /app/data
VOLUME ["/app/data"]
USER coach
# 8443: the webhook server (WEBHOOK_PORT); 8080: /livez, /readyz, /metrics (HEALTH_PORT)
EXPOSE 8443 8080
# Healthy = /readyz answers 200: database reachable, schema at head, updates arriving.
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "healthcheck"]
CMD ["python", "-m", "bot"]
