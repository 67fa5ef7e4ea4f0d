#!/usr/bin/env bash
# A remote "GPU host" for the tests: a network namespace of this test run's
# own, with its own addresses and hostname, running a Jupyter gateway with
# kernelspecs of the test environments. JupyterLab in the root namespace
# reaches it with --gateway-url, as a login node reaches the GPU nodes.
#
# GATEWAY_KIND=kg (default): Jupyter Kernel Gateway 3.0.1 (jupyter-server 2).
# GATEWAY_KIND=eg: Jupyter Enterprise Gateway 3.3.0. It starts, lists and
#   starts kernels, but it pins jupyter-server 1.24, whose websocket handler
#   hangs when JupyterLab 4.6's gateway client reconnects a session
#   ("Replacing stale connection", then no upgrade for 60 s): notebooks never
#   connect to their kernels. So the tests use Kernel Gateway.
#
#   scripts/gateway.sh setup   the gateway's own venv (build/gateway-venv-KIND), once
#   scripts/gateway.sh start   namespace, veth pair, index and gateway; prints the URL
#   scripts/gateway.sh stop    everything start made, whatever state it is in
#   scripts/gateway.sh url     the gateway's URL
#
#   root namespace  td-lab  10.213.14.1/30  <-veth->  td-gpu  10.213.14.2/30  namespace tdgpu
#   in tdgpu: hostname gpu-node-1 (unshare --uts), the gateway on
#   10.213.14.2:8889, and the install tests' local PyTorch index on
#   127.0.0.1:8971 (the namespace's own loopback, so the index URL is the same
#   as for local kernels). No traffic leaves these two namespaces.
#
# Kernelspecs on the gateway (build/gateway/kernels):
#   torch-cpu    build/test-envs/torch-cpu   torch 2.13.0+cpu
#   no-torch     build/test-envs/no-torch    ipykernel only
#   gpu-install  build/install-envs/gpu-install (made afresh by start): the
#                install loop's kernel; reads no pip configuration
# The gateway culls kernels idle for 10 minutes (a test culls one at once
# through the REST API).
# Standard output of `start` ends with the gateway's URL.
#
# Needs root (ip netns). Idempotent: start first stops a leftover run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NS="${GATEWAY_NS:-tdgpu}"
HOST_NAME="${GATEWAY_HOSTNAME:-gpu-node-1}"
LAB_IF=td-lab GPU_IF=td-gpu
LAB_ADDR=10.213.14.1 GPU_ADDR=10.213.14.2
PORT="${GATEWAY_PORT:-8889}"
STATE=build/gateway
KIND="${GATEWAY_KIND:-kg}"
VENV=build/gateway-venv-$KIND
EG_VERSION="${EG_VERSION:-3.3.0}"
KG_VERSION="${KG_VERSION:-3.0.1}"
TEST_ENVS="${TEST_ENVS:-build/test-envs}"
PYTHON="${PYTHON:-python3}"
URL="http://$GPU_ADDR:$PORT"

log() { echo "gateway: $*"; }

setup() {
  if [ -f "$VENV/.ready" ]; then return 0; fi
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  # The gateway gets a venv of its own, apart from JupyterLab's (Enterprise
  # Gateway pins jupyter-server 1.x and jupyter-client 6.x).
  local pkg="jupyter-kernel-gateway==$KG_VERSION"
  [ "$KIND" = kg ] || pkg="jupyter-enterprise-gateway==$EG_VERSION"
  "$VENV/bin/python" -m pip install -q "$pkg" 2>&1 \
    | { grep -v 'neither a file nor a directory' || true; }
  touch "$VENV/.ready"
  log "venv ready ($pkg)"
}

stop() {
  if ip netns list 2>/dev/null | grep -qw "$NS"; then
    local pids
    pids=$(ip netns pids "$NS" 2>/dev/null || true)
    if [ -n "$pids" ]; then
      # shellcheck disable=SC2086
      kill -TERM $pids 2>/dev/null || true
      for _ in $(seq 50); do
        pids=$(ip netns pids "$NS" 2>/dev/null || true)
        [ -z "$pids" ] && break
        sleep 0.1
      done
      # shellcheck disable=SC2086
      [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    fi
    ip netns delete "$NS" 2>/dev/null || true
  fi
  # Deleting the namespace deletes the veth pair; a half-made start may
  # have left the root end.
  ip link delete "$LAB_IF" 2>/dev/null || true
  [ -z "${GATEWAY_LAB_NS:-}" ] || ip netns exec "$GATEWAY_LAB_NS" ip link delete "$LAB_IF" 2>/dev/null || true
  rm -f "$STATE/pids"
}

kernelspec() {
  local name=$1 display=$2 python=$3 env_json=${4:-"{}"}
  mkdir -p "$STATE/kernels/$name"
  cat >"$STATE/kernels/$name/kernel.json" <<JSON
{
 "argv": ["$python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
 "display_name": "$display",
 "language": "python",
 "env": $env_json
}
JSON
}

start() {
  stop
  setup
  mkdir -p "$STATE"
  rm -rf "$STATE/kernels" "$STATE/runtime"
  # The install loop's kernel: ipykernel only, changed by the test.
  TEST_ENVS="$TEST_ENVS" scripts/make-install-envs.sh gpu-install
  kernelspec torch-cpu "GPU host: torch 2.13.0+cpu" "$ROOT/$TEST_ENVS/torch-cpu/bin/python"
  kernelspec no-torch "GPU host: no torch" "$ROOT/$TEST_ENVS/no-torch/bin/python"
  kernelspec gpu-install "GPU host: install" "$ROOT/build/install-envs/gpu-install/bin/python" \
    '{"PIP_CONFIG_FILE": "/dev/null", "PIP_RETRIES": "1"}'

  ip netns add "$NS"
  ip link add "$LAB_IF" type veth peer name "$GPU_IF"
  ip link set "$GPU_IF" netns "$NS"
  # GATEWAY_LAB_NS: the lab end in another namespace of the caller's (a
  # developer's run beside CI's), else in the root namespace.
  local lab=()
  if [ -n "${GATEWAY_LAB_NS:-}" ]; then
    ip link set "$LAB_IF" netns "$GATEWAY_LAB_NS"
    lab=(ip netns exec "$GATEWAY_LAB_NS")
  fi
  "${lab[@]}" ip addr add "$LAB_ADDR/30" dev "$LAB_IF"
  "${lab[@]}" ip link set "$LAB_IF" up
  ip netns exec "$NS" ip link set lo up
  ip netns exec "$NS" ip addr add "$GPU_ADDR/30" dev "$GPU_IF"
  ip netns exec "$NS" ip link set "$GPU_IF" up

  # The local index, inside the namespace (its own 127.0.0.1).
  if [ -d build/local-index/cpu ]; then
    ip netns exec "$NS" "$PYTHON" scripts/local-index.py serve build/local-index 8971 \
      >"$STATE/index.log" 2>&1 &
  fi
  # The gateway under its own hostname; list_kernels lets the tests see that
  # nothing is left running there.
  local cmd
  if [ "$KIND" = kg ]; then
    cmd=(kernelgateway --KernelGatewayApp.ip="$GPU_ADDR" --KernelGatewayApp.port="$PORT"
      --JupyterWebsocketPersonality.list_kernels=True)
  else
    # It runs as root here, so root must not be an "unauthorized user".
    cmd=(enterprisegateway --ip="$GPU_ADDR" --port="$PORT"
      --EnterpriseGatewayApp.unauthorized_users='set()'
      --EnterpriseGatewayApp.list_kernels=True)
  fi
  ip netns exec "$NS" unshare --uts -- bash -c '
    hostname "$1"; shift
    exec "$@"' _ "$HOST_NAME" \
    env JUPYTER_PATH="$ROOT/$STATE" JUPYTER_RUNTIME_DIR="$ROOT/$STATE/runtime" \
    JUPYTER_CONFIG_DIR="$ROOT/$STATE/config" JUPYTER_DATA_DIR="$ROOT/$STATE" \
    "$ROOT/$VENV/bin/jupyter" "${cmd[@]}" \
    --MappingKernelManager.cull_idle_timeout=600 \
    --MappingKernelManager.cull_interval=30 \
    >"$STATE/gateway.log" 2>&1 &
  for _ in $(seq 300); do
    if "${lab[@]}" "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
      "$URL/api/kernelspecs" >/dev/null 2>&1; then
      log "$KIND gateway on $HOST_NAME at $URL"
      echo "$URL"
      return 0
    fi
    sleep 0.1
  done
  log "the $KIND gateway did not answer at $URL; its log:" >&2
  tail -30 "$STATE/gateway.log" >&2 || true
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
