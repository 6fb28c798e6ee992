#!/usr/bin/env bash
# `make pulumi-cli`: the pinned Pulumi CLI, a Python language host and the Python plugin scripts
# in .pulumi/bin (contract §8). The pin is the one line `github.com/pulumi/pulumi/pkg/v3 vX` of
# tools/pulumi-cli/go.mod. In this order:
#   1. .pulumi/bin already holds the pinned CLI (and, when we built it, from these sources):
#      nothing to do;
#   2. a `pulumi` on PATH of the pinned version: linked, with the plugins beside it;
#   3. the official installer (get.pulumi.com) into .pulumi;
#   4. with Go: a build from the Go module proxy (the CLI from pkg/v3, our language host from
#      language-python/, our plugin scripts from bin/);
#   5. otherwise one line saying what to install.
# Whatever fails leaves .pulumi/bin as it was (builds go to a temporary folder first).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dest="$root/.pulumi/bin"
version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2 }' "$here/go.mod")
plugins=(pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python
  pulumi-analyzer-policy-python)

say() { echo "make pulumi-cli: $*" >&2; }

cli_version() { "$1" version 2>/dev/null | tr -d '[:space:]' || true; }

# Our own host and scripts, by content: a build from older sources of ours is rebuilt.
sources=$(cd "$here" && cat go.mod language-python/*.go bin/* | sha256sum | cut -c1-16)

complete() {
  [ "$(cli_version "$1/pulumi")" = "$version" ] || return 1
  for p in "${plugins[@]}"; do [ -x "$1/$p" ] || return 1; done
  # .sources: how the folder was filled (ambient, official), or the hash of the sources we built.
  case $(cat "$1/.sources" 2>/dev/null) in ambient | official | "$sources") ;; *) return 1 ;; esac
}

if complete "$dest"; then
  echo "Pulumi CLI $version ready in .pulumi/bin"
  exit 0
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-cli.XXXXXX")
trap 'rm -rf "$stage"' EXIT

install_stage() {
  mkdir -p "$dest"
  rm -f "$dest/.sources"
  for f in "$stage"/* "$stage"/.sources; do [ ! -e "$f" ] || mv -f "$f" "$dest/"; done
  echo "Pulumi CLI $version ready in .pulumi/bin ($1)"
}

# 2. The pinned version on PATH (outside our own folder).
ambient=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -vxF "$dest" | paste -sd: -) command -v pulumi || true)
if [ -n "$ambient" ] && [ "$(cli_version "$ambient")" = "$version" ]; then
  dir=$(dirname "$(readlink -f "$ambient")")
  ln -s "$dir/pulumi" "$stage/pulumi"
  for p in "${plugins[@]}"; do
    if [ -x "$dir/$p" ]; then ln -s "$dir/$p" "$stage/$p"; else cp "$here/bin/$p" "$stage/" 2>/dev/null || true; fi
  done
  echo ambient >"$stage/.sources"
  if complete "$stage"; then install_stage "from $dir"; exit 0; fi
  rm -f "$stage"/* "$stage/.sources"
fi

# 3. The official installer (needs get.pulumi.com and the release downloads).
if command -v curl >/dev/null && curl -fsSL --max-time 60 https://get.pulumi.com -o "$stage/install.sh" 2>/dev/null; then
  if sh "$stage/install.sh" --version "${version#v}" --install-root "$stage/root" --no-edit-path \
    >"$stage/install.log" 2>&1; then
    mv "$stage/root/bin"/* "$stage/"
    rm -rf "$stage/root" "$stage/install.sh" "$stage/install.log"
    echo official >"$stage/.sources"
    if complete "$stage"; then install_stage "official installer"; exit 0; fi
  fi
  rm -rf "${stage:?}"/* "$stage/.sources"
fi

# 4. A build from the Go module proxy.
if command -v go >/dev/null; then
  echo "building Pulumi CLI $version from the Go module proxy (a few minutes the first time)"
  log="$root/.pulumi/build.log"
  mkdir -p "$root/.pulumi"
  ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
  if (cd "$here" && go build -trimpath -ldflags "$ldflags" -o "$stage/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
    && go build -trimpath -ldflags "$ldflags" -o "$stage/pulumi-language-python" ./language-python) >"$log" 2>&1; then
    for p in pulumi-language-python-exec pulumi-resource-pulumi-python pulumi-analyzer-policy-python; do
      cp "$here/bin/$p" "$stage/$p"
    done
    echo "$sources" >"$stage/.sources"
    if complete "$stage"; then install_stage "built with $(go env GOVERSION)"; exit 0; fi
  fi
  say "the Go build of Pulumi CLI $version failed: $(grep -m1 -iE 'error|cannot|denied|not available' "$log" || tail -n1 "$log") (whole log: .pulumi/build.log)"
  exit 1
fi

say "no Pulumi CLI $version: install it (https://www.pulumi.com/docs/install/) or Go 1.26+ to build it, then run make pulumi-cli again"
exit 1
