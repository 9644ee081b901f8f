# The Shequtong application image: the built front end plus the Django/Channels app.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_ROOT=/srv/static MEDIA_ROOT=/srv/media \
    PRIVATE_MEDIA_ROOT=/srv/private
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config/ config/
COPY realtime/ realtime/
COPY communities/ communities/
COPY chat/ chat/
COPY presence/ presence/
COPY notifications/ notifications/
COPY frontend/__init__.py frontend/apps.py frontend/urls.py frontend/views.py frontend/
COPY --from=frontend /src/frontend/dist frontend/dist
COPY locale/ locale/
COPY data/ data/
COPY manage.py ./
RUN pip install --no-cache-dir . && useradd --system --home /app shequtong \
    && mkdir -p /srv/static /srv/media /srv/private \
    && chown shequtong /srv/static /srv/media /srv/private
USER shequtong
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "config.asgi:application"]
