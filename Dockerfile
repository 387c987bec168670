# Multi-stage: build a wheel with the catalogs compiled, run it as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY storage ./storage
COPY scheduler ./scheduler
COPY logistics ./logistics
RUN pip install --no-cache-dir babel \
 && pybabel compile -d bot/i18n -D messages \
 && pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 antenna
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY config.toml ./config.toml
RUN mkdir -p /app/data && chown antenna:antenna /app/data
USER antenna
ENV PYTHONUNBUFFERED=1
VOLUME ["/app/data"]
# BOT_TOKEN (and DATABASE_URL, REDIS_URL, TELEGRAM_API_URL when needed) come from the environment.
# Before the first start: docker run ... python -m bot migrate && python -m bot seed
CMD ["python", "-m", "bot", "run", "--config", "/app/config.toml"]
