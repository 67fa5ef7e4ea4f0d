#!/usr/bin/env bash
# A real JupyterHub for the tests, on 127.0.0.1 only: jupyterhub from PyPI,
# configurable-http-proxy from npm, SimpleLocalProcessSpawner (single-user
# servers as local processes) and SharedPasswordAuthenticator (JupyterHub's
# dummy authenticator with a password; DummyAuthenticator.password is
# deprecated since 5.3). User alice logs in with HUB_PASSWORD.
#
#   scripts/hub.sh setup   the hub's venv (build/hub-venv) and proxy (build/hub-proxy), once
#   scripts/hub.sh start   start the hub; prints its URL last
#   scripts/hub.sh stop    stop the hub, its proxy and single-user servers
#   scripts/hub.sh url     the hub's URL
#
# The single-user server is JupyterLab JUPYTERLAB_VERSION with this
# extension in develop mode (a link to this checkout's build, as `make
# develop` makes) and the torch-cpu kernel of build/test-envs.
#   http://127.0.0.1:HUB_PORT        the proxy (public)
#   127.0.0.1:HUB_PORT+1             the hub's API
#   127.0.0.1:HUB_PORT+2             the proxy's API
# Ports far from 8000/8081 and from the Galata and jest servers.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT="${HUB_PORT:-18947}"
STATE=build/hub
VENV=build/hub-venv
PROXY=build/hub-proxy
UV="$ROOT/.venv/bin/uv"
PYTHON="${PYTHON:-python3}"
JUPYTERHUB_VERSION="${JUPYTERHUB_VERSION:-6.1.1}"
CHP_VERSION="${CHP_VERSION:-5.3.0}"
JUPYTERLAB_VERSION="${JUPYTERLAB_VERSION:-4.6.4}"
export HUB_PASSWORD="${HUB_PASSWORD:-alice-hub-pass}"
URL="http://127.0.0.1:$PORT"

log() { echo "hub: $*"; }

setup() {
  local stamp="$JUPYTERHUB_VERSION $CHP_VERSION $JUPYTERLAB_VERSION"
  if [ "$(cat "$VENV/.ready" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$VENV"
    "$UV" venv -q --seed --python "$PYTHON" "$VENV"
    "$UV" pip install -q --python "$VENV/bin/python" "jupyterhub==$JUPYTERHUB_VERSION" \
      "jupyterlab==$JUPYTERLAB_VERSION" ipykernel \
      hatchling editables hatch-jupyter-builder hatch-nodejs-version
    echo "$stamp" >"$VENV/.ready"
  fi
  if [ "$(cat "$PROXY/.ready" 2>/dev/null)" != "$CHP_VERSION" ]; then
    rm -rf "$PROXY"
    mkdir -p "$PROXY"
    npm install --prefix "$PROXY" --no-save --no-audit --no-fund --loglevel=error \
      "configurable-http-proxy@$CHP_VERSION" >/dev/null
    echo "$CHP_VERSION" >"$PROXY/.ready"
  fi
  # This checkout's extension, in develop mode, and the probe's kernel.
  # No npm here: the labextension is this checkout's build (make develop).
  [ -f jupyterlab_torch_doctor/labextension/package.json ] \
    || { log "build the labextension first (make develop)" >&2; exit 1; }
  HATCH_JUPYTER_BUILDER_SKIP_NPM=1 "$VENV/bin/pip" install -q --no-deps --no-build-isolation -e . 2>&1 \
    | { grep -v 'neither a file nor a directory' || true; }
  PATH="$ROOT/$VENV/bin:$PATH" "$VENV/bin/jupyter" labextension develop . --overwrite >/dev/null 2>&1
  scripts/make-test-envs.sh >/dev/null
  build/test-envs/torch-cpu/bin/python -m ipykernel install --prefix "$VENV" --name torch-cpu \
    --display-name "Python (torch 2.13.0+cpu)" >/dev/null 2>&1
  "$VENV/bin/jupyter" labextension list 2>&1 | grep -qE "jupyterlab-torch-doctor.*enabled.*OK" \
    || { log "the extension is not enabled in $VENV" >&2; exit 1; }
  log "ready: jupyterhub $JUPYTERHUB_VERSION, configurable-http-proxy $CHP_VERSION, JupyterLab $JUPYTERLAB_VERSION"
}

stop() {
  if [ -f "$STATE/hub.pid" ]; then
    local pid
    pid=$(cat "$STATE/hub.pid")
    # The hub stops its proxy and the single-user servers on SIGTERM.
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$STATE/hub.pid"
  fi
  # A proxy or server that outlived a killed hub: by the pid files they wrote.
  for f in "$STATE"/*.pid; do
    [ -f "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

start() {
  stop
  setup
  rm -rf "$STATE"
  mkdir -p "$STATE/home"
  cat >"$STATE/jupyterhub_config.py" <<PY
import os
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "$URL"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = $((PORT + 1))
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:$((PORT + 2))"
c.ConfigurableHTTPProxy.command = ["$ROOT/$PROXY/node_modules/.bin/configurable-http-proxy"]
c.ConfigurableHTTPProxy.pid_file = "$ROOT/$STATE/proxy.pid"
c.JupyterHub.db_url = "sqlite:///$ROOT/$STATE/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "$ROOT/$STATE/cookie_secret"
c.JupyterHub.pid_file = "$ROOT/$STATE/hub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["HUB_PASSWORD"]
c.Authenticator.allowed_users = {"alice"}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "$ROOT/$STATE/home/{username}"
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = ["$ROOT/$VENV/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.args = [
    "--allow-root",
    "--LabApp.expose_app_in_browser=True",
    "--LabApp.extension_manager=readonly",
]
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL"]
c.Spawner.environment = {"PATH": "$ROOT/$VENV/bin:" + os.environ["PATH"]}
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
PY
  (cd "$STATE" && exec "$ROOT/$VENV/bin/jupyterhub" -f jupyterhub_config.py) >"$STATE/hub.log" 2>&1 &
  for _ in $(seq 300); do
    if "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
      "$URL/hub/api/" >/dev/null 2>&1; then
      log "JupyterHub at $URL (user alice)"
      echo "$URL"
      return 0
    fi
    sleep 0.2
  done
  log "JupyterHub did not answer at $URL; its log:" >&2
  tail -30 "$STATE/hub.log" >&2 || true
  stop
  return 1
}

case "${1:-}" in
  setup) setup ;;
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 setup|start|stop|url" >&2; exit 2 ;;
esac
