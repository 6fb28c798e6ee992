#!/usr/bin/env bash
# `make peers`: the Terraform CLI and the two Elastic providers, built from the Go module proxy
# into .peers/bin, at the versions of tools/peers/versions (the one place they are pinned).
# Tools of our benchmarks and tests, not part of the product: nothing of their source enters
# the repository; Go's module and build caches are reused.
#
# For each peer, in order:
#   1. .peers/bin holds it at the pinned version (stamp file .NAME.stamp): nothing to do;
#   2. `go mod download` of module@version (a refusal by the proxy is reported in one line);
#   3. its go.mod has no replace directives: `go install module@version` (its own go.mod and
#      go.sum, exactly as released); otherwise a throw-away module of ours that requires it and
#      repeats its non-path replaces (path replaces point inside its repository and cannot be
#      repeated: they are named in the log);
#   4. the binary goes to .peers/bin only when the build succeeded.
# A peer that cannot be built is one line on stderr; a binary already in .peers/bin is kept
# (and said so). Exit status 1 when a peer is missing at the end.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dest="$root/.peers/bin"
logs="$root/.peers/logs"
mkdir -p "$dest" "$logs"

say() { echo "make peers: $*" >&2; }

# One Go build at a time on this machine (2 cores shared): wait for another make peers.
exec 9>"$root/.peers/build.lock"
command -v flock >/dev/null && flock 9

missing=0
while read -r bin module version toolchain; do
  case "$bin" in ''|'#'*) continue ;; esac
  want="$module@$version"
  stampf="$dest/.$bin.stamp"
  if [ -x "$dest/$bin" ] && [ -f "$stampf" ] && [ "$(cut -d' ' -f1 "$stampf")" = "$want" ]; then
    echo "$bin $version ready in .peers/bin ($(cut -d' ' -f2- "$stampf"))"
    continue
  fi

  if ! command -v go >/dev/null; then
    if [ -x "$dest/$bin" ]; then
      say "$bin $version not built: no Go on PATH; kept the $bin already in .peers/bin"
    else
      say "$bin $version not built: no Go on PATH (install Go 1.26+ and run make peers again)"
      missing=1
    fi
    continue
  fi
  log="$logs/$bin.log"
  : >"$log"
  export GOTOOLCHAIN="$toolchain"
  export GOFLAGS="-mod=mod"
  started=$(date +%s)
  stage=$(mktemp -d "${TMPDIR:-/tmp}/peers-$bin.XXXXXX")
  ok=0
  if ! info=$(go mod download -json "$want" 2>>"$log"); then
    echo "$info" >>"$log"
    reason=$(grep -m1 -oE '(403 Forbidden|404 Not Found|410 Gone|not available|unknown revision|invalid version)[^"]*' "$log" \
      | sed 's/\\n\\tserver response: */: /' || true)
    [ -n "$reason" ] || reason=$(tail -n1 "$log")
    why="the Go module proxy refuses $want ($reason)"
  else
    gomod=$(echo "$info" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
    needs=$(go mod edit -json "$gomod" | sed -n 's/^[[:space:]]*"Go": "\(.*\)",*$/\1/p' | head -n1)
    ldflags="-s -w"
    case "$bin" in terraform-provider-*) ldflags="$ldflags -X main.version=${version#v}" ;; esac
    if ! grep -qE '^[[:space:]]*replace[[:space:](]' "$gomod"; then
      echo "+ go install $want" >>"$log"
      GOBIN="$stage" go install -trimpath -ldflags "$ldflags" "$want" >>"$log" 2>&1 && ok=1
    else
      # A module of ours: require the peer, repeat its non-path replaces.
      work="$stage/module"
      mkdir -p "$work"
      (
        cd "$work" || exit 1
        go mod init "peers.local/$bin" >>"$log" 2>&1 || exit 1
        go mod edit -json "$gomod" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    new = r["New"]
    old = r["Old"]["Path"] + ("@" + r["Old"]["Version"] if r["Old"].get("Version") else "")
    if new.get("Version"):
        print("-replace=%s=%s@%s" % (old, new["Path"], new["Version"]))
    else:
        print("# not repeated (a path inside the peer repository): %s => %s" % (old, new["Path"]), file=sys.stderr)
' 2>>"$log" | xargs -r go mod edit >>"$log" 2>&1 || exit 1
        go get "$want" >>"$log" 2>&1 || exit 1
        go build -trimpath -ldflags "$ldflags" -o "$stage/$bin" "$module" >>"$log" 2>&1
      ) && ok=1
    fi
    if [ $ok = 0 ]; then
      if grep -q 'requires go >= ' "$log"; then
        why="$want needs a newer Go than $(go env GOVERSION) ($(grep -m1 -o 'requires go >= [0-9.]*' "$log")): set its toolchain column in tools/peers/versions to go1.27.3"
      else
        why="the build of $want failed: $(grep -m1 -E 'error|cannot|undefined|refus' "$log" || tail -n1 "$log")"
      fi
    fi
    [ -n "$needs" ] && printf '# %s declares go %s; built with %s\n' "$want" "$needs" "$(go env GOVERSION)" >>"$log"
  fi
  if [ $ok = 1 ] && [ -x "$stage/$bin" ]; then
    mv -f "$stage/$bin" "$dest/$bin"
    echo "$want built with $(go env GOVERSION) $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$stampf"
    echo "$bin $version built in $(($(date +%s) - started)) s into .peers/bin"
  elif [ -x "$dest/$bin" ]; then
    say "$bin $version not built: $why (log: .peers/logs/$bin.log); kept the $bin already in .peers/bin ($(cat "$stampf" 2>/dev/null || echo 'no stamp'))"
  else
    say "$bin $version not built: $why (log: .peers/logs/$bin.log)"
    missing=1
  fi
  rm -rf "$stage"
done <"$here/versions"
exit $missing
