#!/usr/bin/env bash
# The sandbox behind the `local` stack, for make: `tools/sandbox.sh start|stop|status`.
#   start: starts `elastic-access sandbox` in the background on SANDBOX_PORT / SANDBOX_CLOUD_PORT
#          (state in .sandbox/state.json), unless the one this project started is already up on
#          those ports; a port held by another program stops here with the port and what to do.
#          It also writes .sandbox/Pulumi.local.yaml: stacks/Pulumi.local.yaml with the URLs of
#          this sandbox, which the make targets pass to pulumi as --config-file.
#   stop:  stops the sandbox this project started (and nothing else).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.sandbox"
port=${SANDBOX_PORT:-5601}
cloud_port=${SANDBOX_CLOUD_PORT:-9443}
venv_bin="$root/.venv/bin"

# The pid of the sandbox this project started, if it still runs (a pid reused by another
# program does not count: its command line must be our sandbox's).
ours() {
  [ -f "$dir/pid" ] || return 1
  local pid
  pid=$(cat "$dir/pid")
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "sandbox --port" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/state.json" || return 1
  echo "$pid"
}

# Whether nothing listens on 127.0.0.1:$1 (binding as the sandbox does, SO_REUSEADDR).
# Two free ports to suggest, neither of them the ones asked for: SANDBOX_PORT=... SANDBOX_CLOUD_PORT=...
suggestion() {
  local k="" c=""
  for candidate in 15601 25601 35601 45601; do
    [ "$candidate" != "$port" ] && [ "$candidate" != "$cloud_port" ] && free "$candidate" && { k=$candidate; break; }
  done
  for candidate in 19443 29443 39443 49443; do
    [ "$candidate" != "$port" ] && [ "$candidate" != "$cloud_port" ] && free "$candidate" && { c=$candidate; break; }
  done
  echo "SANDBOX_PORT=${k:-15601} SANDBOX_CLOUD_PORT=${c:-19443}"
}

free() {
  "$venv_bin/python" - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

stack_file() {
  sed -e "s#http://127.0.0.1:5601#http://127.0.0.1:$port#" \
    -e "s#http://127.0.0.1:9443#http://127.0.0.1:$cloud_port#" \
    "$root/stacks/Pulumi.local.yaml" >"$dir/Pulumi.local.yaml"
}

start() {
  mkdir -p "$dir"
  if pid=$(ours); then
    if [ "$(cat "$dir/ports" 2>/dev/null)" = "$port $cloud_port" ]; then
      echo "sandbox already running (pid $pid, kibana :$port, cloud :$cloud_port)"
      stack_file
      return 0
    fi
    read -r running_port running_cloud_port <"$dir/ports"
    echo "make: the sandbox runs on other ports ($running_port $running_cloud_port): add SANDBOX_PORT=$running_port SANDBOX_CLOUD_PORT=$running_cloud_port to this make command (or export them), or run make down first" >&2
    return 1
  fi
  rm -f "$dir/pid" "$dir/ports"
  for p in "$port" "$cloud_port"; do
    if ! free "$p"; then
      what=$([ "$p" = "$port" ] && echo "a Kibana?" || echo "the Cloud port")
      echo "make: port $p is in use by another program ($what), so the sandbox cannot listen there. Stop that program, or choose other ports: make up $(suggestion) (and the same on every later make command, or export them)" >&2
      return 1
    fi
  done
  nohup "$venv_bin/elastic-access" sandbox --port "$port" --cloud-port "$cloud_port" \
    --state "$dir/state.json" >"$dir/sandbox.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    grep -q '^sandbox: kibana ' "$dir/sandbox.log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q '^sandbox: kibana ' "$dir/sandbox.log" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    echo "make: the sandbox did not start: $(tail -n1 "$dir/sandbox.log")" >&2
    return 1
  fi
  echo "$pid" >"$dir/pid"
  echo "$port $cloud_port" >"$dir/ports"
  stack_file
  grep '^sandbox: kibana ' "$dir/sandbox.log"
}

stop() {
  if pid=$(ours); then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "sandbox stopped (its state stays in .sandbox/state.json)"
  fi
  rm -f "$dir/pid" "$dir/ports"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: tools/sandbox.sh start|stop" >&2; exit 2 ;;
esac
