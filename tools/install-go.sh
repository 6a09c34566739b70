#!/bin/sh
# Install the Go toolchains that gosched validates against, on Debian bookworm (run as root).
#
#   golang-1.19-go  from bookworm            -> /usr/lib/go-1.19/bin/go
#   golang-1.23-go  from bookworm-backports  -> /usr/lib/go-1.23/bin/go
#   gcc             (cgo)                     if missing
#
# Idempotent: adds the backports apt source only if absent, runs `apt-get update` at most once,
# and installs only what is missing. Safe to re-run.
set -eu

BACKPORTS_FILE=/etc/apt/sources.list.d/debian-backports.sources
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
MIRROR=http://deb.debian.org/debian

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

need=""
[ -x /usr/lib/go-1.19/bin/go ] || need="$need golang-1.19-go"
[ -x /usr/lib/go-1.23/bin/go ] || need="$need golang-1.23-go"
command -v gcc >/dev/null 2>&1 || need="$need gcc"

# Is bookworm-backports already configured (by us or anyone else)?
have_backports=no
if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
  have_backports=yes
fi

if [ "$have_backports" = no ]; then
  echo "install-go.sh: adding $BACKPORTS_FILE"
  cat >"$BACKPORTS_FILE" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm-backports
Components: main
Signed-By: $KEYRING
EOF
  # A new source needs an update even if nothing else does.
  case "$need" in *golang-1.23-go*) ;; *) need="$need golang-1.23-go" ;; esac
fi

if [ -z "$need" ]; then
  echo "install-go.sh: nothing to do"
else
  echo "install-go.sh: installing:$need"
  apt-get update
  pkgs=""
  for p in $need; do
    case "$p" in
      golang-1.23-go) pkgs="$pkgs golang-1.23-go/bookworm-backports" ;;
      *) pkgs="$pkgs $p" ;;
    esac
  done
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $pkgs
fi

for v in 1.19 1.23; do
  if [ -x "/usr/lib/go-$v/bin/go" ]; then
    echo "install-go.sh: $(/usr/lib/go-$v/bin/go version) at /usr/lib/go-$v/bin/go"
  else
    echo "install-go.sh: /usr/lib/go-$v/bin/go missing after install" >&2
    exit 1
  fi
done
command -v gcc >/dev/null 2>&1 && echo "install-go.sh: $(gcc --version | head -n1)"
