# One image for the API and the worker:
#   docker run IMAGE                      -> cuplik serve (API + embedded Redis + one worker)
#   docker run -e REDIS_URL=... IMAGE cuplik worker   -> a worker against shared Redis
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY worker ./worker
COPY api ./api
COPY store ./store
COPY cuplik ./cuplik
COPY media ./media
RUN pip install -e . && useradd --create-home cuplik && mkdir -p /app/var && chown cuplik /app/var
USER cuplik
EXPOSE 8000
CMD ["cuplik", "serve", "--host", "0.0.0.0", "--port", "8000"]
