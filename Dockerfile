# One image for every salesops service and process kind; the arguments pick which, e.g.
#   docker run --rm salesops migrate
#   docker run --rm -p 8001:8001 salesops api targets --host 0.0.0.0 --port 8001
#   docker run --rm salesops worker targets
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install --no-cache-dir --disable-pip-version-check uv==0.13.9 \
 && groupadd --system --gid 10001 salesops \
 && useradd --system --uid 10001 --gid salesops --no-create-home --shell /usr/sbin/nologin salesops

WORKDIR /app

# Dependencies before sources: this layer is rebuilt only when pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
# Neither the dev tools nor the `local` group (the embedded PostgreSQL and broker of `./salesops up`) ship.
RUN uv sync --frozen --no-dev --no-group local --no-cache --python /usr/local/bin/python3.11

COPY shared/ shared/
COPY services/ services/

# State folder of the development token issuer (`token` command); a volume mounted here
# starts out with this owner, so the non-root user can write to it.
RUN mkdir /app/.salesops && chown salesops:salesops /app/.salesops

# Numeric so Kubernetes' runAsNonRoot can verify it without resolving names.
USER 10001:10001

ENTRYPOINT ["/app/.venv/bin/python", "-m", "shared.cli"]
CMD ["--help"]
