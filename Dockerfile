# Broadsheet API image. SQLite in /srv/broadsheet/var by default; DATABASE_URL=postgresql+psycopg://...
# selects PostgreSQL. The container migrates, then serves on port 8000 (WEB_CONCURRENCY worker processes).

FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
WORKDIR /build
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    BROADSHEET_MIGRATIONS_DIR=/srv/broadsheet/migrations \
    DATABASE_URL=sqlite:////srv/broadsheet/var/broadsheet.db
RUN groupadd --system broadsheet \
    && useradd --system --gid broadsheet --home-dir /srv/broadsheet --shell /usr/sbin/nologin broadsheet
COPY --from=builder /opt/venv /opt/venv
WORKDIR /srv/broadsheet
COPY alembic.ini ./
COPY migrations ./migrations
RUN mkdir var && chown broadsheet:broadsheet var
USER broadsheet
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["sh", "-c", "broadsheet migrate && exec uvicorn app.main:create_app --factory --host 0.0.0.0 --port 8000 --http app.http_server:JoinedWritesProtocol --proxy-headers --no-access-log --no-server-header"]
