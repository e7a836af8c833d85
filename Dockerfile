# newswatch daemon image. Build: `docker build -t newswatch .` (or `podman build --format docker`,
# which keeps the HEALTHCHECK). Run and compose examples: docs/deployment.md.
#
# Two stages on the same slim base: `build` turns the project and every dependency into
# wheels (network, pip cache); the final stage installs those wheels offline into a venv.
# Only the build stage has a compiler, for newswatch's one compiled part (the matcher's chunk
# memo, bot/core/_chunkscan.c); every dependency ships a wheel or is pure Python.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG PIP_VERSION=26.0.1

FROM ${PYTHON_IMAGE} AS build
ARG PIP_VERSION
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
# gcc for the chunk memo; Python's headers come with the python image (a Debian-packaged
# Python needs python3-dev for them). This stage is thrown away: the final image has no compiler.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && { python3 -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
         || apt-get install -y --no-install-recommends python3-dev; } \
    && rm -rf /var/lib/apt/lists/*
# A pinned pip in a venv makes the wheels, whatever pip the base has: pip before 23.3 does not
# normalise extras, so it misses lxml's `html-clean` that jusText asks for as `html_clean`.
# That pip goes into /wheels too, for the final stage's install.
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m venv /opt/build \
    && /opt/build/bin/pip install "pip==${PIP_VERSION}" \
    && /opt/build/bin/pip wheel --wheel-dir /wheels "pip==${PIP_VERSION}"
# Dependencies first, from pyproject.toml alone (a stub package stands in for bot/ and the
# README), so that a code change rebuilds only newswatch's own wheel.
WORKDIR /deps
COPY pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/pip \
    mkdir bot && touch README.md bot/__init__.py \
    && /opt/build/bin/pip wheel --wheel-dir /wheels . \
    && rm /wheels/newswatch-*.whl
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
RUN --mount=type=cache,target=/root/.cache/pip \
    /opt/build/bin/pip wheel --no-deps --wheel-dir /wheels . \
    && sha256sum /wheels/*.whl > /wheels.sha256
# deploy/ comes in after the wheels so that editing it does not rebuild them. The example
# rules live in the package (bot/demo/rules, which `newswatch demo` uses; rules/ links there).
COPY . /src/

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="newswatch" \
      org.opencontainers.image.description="Self-hosted news alerting for Telegram and Slack" \
      org.opencontainers.image.licenses="MIT"

# A fixed uid/gid so that a host folder mounted at /data can be chowned to match (10001).
RUN groupadd --system --gid 10001 newswatch \
    && useradd --system --uid 10001 --gid newswatch --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin newswatch \
    && mkdir -p /data /etc/newswatch \
    && chown newswatch:newswatch /data

# Offline install from the build stage's wheels; the wheels themselves never enter a layer.
# podman/buildah keeps a RUN's cached layer even when a stage it bind-mounts has changed
# (containers/buildah#4522): copying the wheels' checksums first makes a new wheel rebuild
# this layer, and the RUN checks the mounted wheels against them.
ARG PIP_VERSION
COPY --from=build /wheels.sha256 /opt/newswatch/wheels.sha256
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    sha256sum --check --quiet /opt/newswatch/wheels.sha256 \
    && python -m venv /opt/newswatch \
    && /opt/newswatch/bin/pip install --no-cache-dir --no-index --find-links=/wheels \
       "pip==${PIP_VERSION}" \
    && /opt/newswatch/bin/pip install --no-cache-dir --no-index --find-links=/wheels \
       /wheels/newswatch-*.whl \
    && /opt/newswatch/bin/newswatch --version

# Defaults that work with nothing mounted: the example rules and a configuration that keeps
# the database in /data. Mount your own over them read-only (see docs/deployment.md).
COPY --from=build /src/bot/demo/rules/ /etc/newswatch/rules/
COPY deploy/newswatch.yaml /etc/newswatch/newswatch.yaml

ENV PATH=/opt/newswatch/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    NEWSWATCH_CONFIG=/etc/newswatch/newswatch.yaml \
    NEWSWATCH_DATABASE=/data/newswatch.db

# The configuration's folder is the working directory too, so `newswatch demo` and any
# relative `rules/*.yaml` find the same rules the daemon uses.
WORKDIR /etc/newswatch
VOLUME ["/data"]
# Numeric, so that runtimes checking runAsNonRoot can tell it is not root.
USER 10001:10001
# 8080: /healthz, /readyz, /metrics (health.port); 3000: Slack events over HTTP (slack.port),
# used only when SLACK_APP_TOKEN is unset.
EXPOSE 8080 3000

# /healthz answers while the process is alive; urllib raises (exit 1) on refusal or non-2xx.
# NEWSWATCH_HEALTH_PORT is the same variable that moves the server, so the two stay in step.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NEWSWATCH_HEALTH_PORT', '8080'), timeout=4)"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["newswatch"]
CMD ["run"]
