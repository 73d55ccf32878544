# ai-service: sanctions screening of payment texts (Starlette behind Gunicorn + Uvicorn workers).
#   docker build -t ai-service .
#   docker run -p 8000:8000 -e LISTS=... -e ADMIN_TOKEN=... ai-service
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Fixed ids so Kubernetes runAsUser/fsGroup match the image.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# Dependencies first: this layer is reused until the pinned requirements change.
COPY current_requirements.txt .
RUN pip install --no-cache-dir -r current_requirements.txt

COPY ai_service/ ai_service/
COPY dictionaries/ dictionaries/
COPY demo/ demo/
COPY logging.yaml gunicorn.conf.py ./

ENV SERVICE_HOST=0.0.0.0 \
    SERVICE_PORT=8000 \
    SERVICE_WORKERS=2 \
    LOG_LEVEL=INFO \
    LOG_CONFIG=/app/logging.yaml \
    PROMETHEUS_ENABLED=true \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

# The metrics directory must be writable by the service user (cleaned at every start).
RUN mkdir -p /tmp/prometheus && chown app:app /tmp/prometheus

USER 10001:10001

EXPOSE 8000

# No curl in the slim image: the standard library does the probe (non-2xx raises -> exit 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/ready' % os.environ.get('SERVICE_PORT', '8000'), timeout=4)"]

CMD ["python", "-m", "ai_service"]
