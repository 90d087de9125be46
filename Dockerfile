# The gridwatch app image: one image, two roles (api, ingest) chosen by the command.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Pango for weasyprint and a CJK font: the weekly report's PDF and charts are in Chinese.
RUN apt-get update && apt-get install -y --no-install-recommends curl libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY gis gis
COPY feed feed
COPY jobs jobs
COPY iot iot
COPY video video
COPY alerts alerts
COPY cases cases
COPY access access
COPY audit audit
COPY storage storage
COPY api api
COPY town town
COPY reports reports
COPY gridwatch gridwatch
RUN pip install .
RUN useradd --system --home /var/lib/gridwatch gridwatch && mkdir -p /var/lib/gridwatch && chown gridwatch /var/lib/gridwatch
USER gridwatch
ENV GRIDWATCH_DATA_DIR=/var/lib/gridwatch GRIDWATCH_HTTP_BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["gridwatch", "serve"]
