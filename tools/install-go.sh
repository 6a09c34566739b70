#!/bin/sh
# Install the Go toolchains that gosched reads traces of and validates against, on Debian bookworm
# (run as root).
#
#   golang-1.19-go  from bookworm             -> /usr/lib/go-1.19/bin/go
#   golang-1.23-go  from bookworm-backports   -> /usr/lib/go-1.23/bin/go
#   golang-1.25-go  from trixie-backports     -> /usr/lib/go-1.25/bin/go
#   golang-1.26-go  from trixie-backports     -> /usr/lib/go-1.26/bin/go
#   golang-1.27-go  from trixie-backports     -> /usr/lib/go-1.27/bin/go
#   gcc             (cgo)                      if missing
#
# Each golang-1.2X-go depends only on its golang-1.2X-src, so the newer ones install on bookworm
# without upgrading anything else. trixie-backports and forky are added as apt sources pinned at
# priority 50 (below the default 500), so nothing is ever taken from them unless asked for by
# suite; the Go packages are installed with `-t trixie-backports`. forky is there as the fallback
# suite should a version leave trixie-backports.
#
# Idempotent: adds each apt source only if absent, runs `apt-get update` at most once, and
# installs only what is missing. Safe to re-run. GOSCHED_GO_VERSIONS="1.19 1.23" limits the set.
set -eu

VERSIONS="${GOSCHED_GO_VERSIONS:-1.19 1.23 1.25 1.26 1.27}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
MIRROR=http://deb.debian.org/debian
BACKPORTS_FILE=/etc/apt/sources.list.d/debian-backports.sources
NEWGO_FILE=/etc/apt/sources.list.d/gosched-newgo.sources
NEWGO_PIN=/etc/apt/preferences.d/gosched-newgo

if [ "$(id -u)" -ne 0 ]; then
  echo "install-go.sh: must run as root" >&2
  exit 2
fi

if [ -r /etc/os-release ]; then
  . /etc/os-release
  if [ "${VERSION_CODENAME:-}" != "bookworm" ]; then
    echo "install-go.sh: warning: expected Debian bookworm, found ${VERSION_CODENAME:-unknown}" >&2
  fi
fi

export DEBIAN_FRONTEND=noninteractive

# suite_of VERSION: the suite a toolchain is installed from ("" = the default suites).
suite_of() {
  case "$1" in
    1.19) echo "" ;;
    1.23) echo "bookworm-backports" ;;
    *) echo "trixie-backports" ;;
  esac
}

need=""
for v in $VERSIONS; do
  [ -x "/usr/lib/go-$v/bin/go" ] || need="$need $v"
done
command -v gcc >/dev/null 2>&1 || need="$need gcc"

update=no
if [ -n "$need" ]; then
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
    echo "install-go.sh: adding $BACKPORTS_FILE"
    cat >"$BACKPORTS_FILE" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm-backports
Components: main
Signed-By: $KEYRING
EOF
  fi
  if ! grep -rqs 'trixie-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
    echo "install-go.sh: adding $NEWGO_FILE (pinned at 50 by $NEWGO_PIN)"
    cat >"$NEWGO_FILE" <<EOF
Types: deb
URIs: $MIRROR
Suites: trixie-backports forky
Components: main
Signed-By: $KEYRING
EOF
  fi
  if [ ! -f "$NEWGO_PIN" ]; then
    cat >"$NEWGO_PIN" <<EOF
Package: *
Pin: release n=trixie-backports
Pin-Priority: 50

Package: *
Pin: release n=forky
Pin-Priority: 50
EOF
  fi
  update=yes
fi

if [ "$update" = no ]; then
  echo "install-go.sh: nothing to do"
else
  echo "install-go.sh: installing:$need"
  apt-get update
  for v in $need; do
    if [ "$v" = gcc ]; then
      apt-get install -y --no-install-recommends gcc
      continue
    fi
    suite=$(suite_of "$v")
    if [ -z "$suite" ]; then
      apt-get install -y --no-install-recommends "golang-$v-go"
    else
      apt-get install -y --no-install-recommends -t "$suite" "golang-$v-go" "golang-$v-src"
    fi
  done
fi

for v in $VERSIONS; do
  if [ -x "/usr/lib/go-$v/bin/go" ]; then
    echo "install-go.sh: $(/usr/lib/go-$v/bin/go version) at /usr/lib/go-$v/bin/go"
  else
    echo "install-go.sh: /usr/lib/go-$v/bin/go missing after install" >&2
    exit 1
  fi
done
command -v gcc >/dev/null 2>&1 && echo "install-go.sh: $(gcc --version | head -n1)"
