# Nhắc việc: the bot, its web view, /healthz and /metrics on one port.
# Build: docker build -t nhacviec .   Run: see compose.yaml and docs/deployment.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY jobs jobs
COPY models models
COPY locales locales
# The plan and reorganisation files: installed with the package (the default NHACVIEC_PLAN) and kept
# under /app/plans for operators who point NHACVIEC_PLAN at a file of their own next to them.
COPY plans plans
RUN pip install . \
    && mkdir -p /app \
    && cp -r plans /app/plans \
    && rm -rf /src \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin nhacviec \
    && mkdir -p /data/files \
    && chown -R nhacviec:nhacviec /data

USER nhacviec
WORKDIR /data
ENV NHACVIEC_LISTEN=0.0.0.0:8080 \
    NHACVIEC_DATABASE_URL=sqlite:////data/nhacviec.db \
    NHACVIEC_FILES_DIR=/data/files \
    MPLCONFIGDIR=/data/.matplotlib
EXPOSE 8080
VOLUME ["/data"]

# No curl in slim images: Python asks /healthz (database answers, tick on time); 503 raises, exit 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]

CMD ["nhacviec", "run"]
