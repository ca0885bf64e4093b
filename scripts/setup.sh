#!/usr/bin/env bash
# Sets up cours-openstack on a fresh Debian 12 / Ubuntu machine, then optionally runs it:
#   bash scripts/setup.sh          install only (Debian packages when root, npm ci, lab user)
#   bash scripts/setup.sh start    install, then build the deck and start it with the lab server
#   bash scripts/setup.sh test     install, then run the whole test suite (npm test)
# Idempotent and quick once done: apt and npm are skipped when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

action=${1:-install}
case "$action" in install | start | test) ;; *)
  echo "usage: bash scripts/setup.sh [install|start|test]" >&2
  exit 2
  ;;
esac

# Debian packages the deck, its tests and the labs use (command:package).
packages=(
  chromium:chromium
  bwrap:bubblewrap
  make:make
  g++:g++
  python3:python3
  asciinema:asciinema
  pdftoppm:poppler-utils
  shellcheck:shellcheck
)

missing=()
for entry in "${packages[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Run this script as root once (sudo bash scripts/setup.sh), or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "== apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js $(node --version) is too old: the deck needs Node 20.19 or newer." >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

# Lab shells run as an unprivileged account when the lab server runs as root.
if [ "$(id -u)" -eq 0 ]; then
  bash labs/setup-user.sh
fi

# The virtualisation labs: qemu, libvirt, the tiny guest (labs/setup says what to run as root if not root).
if [ "$(id -u)" -eq 0 ]; then
  bash labs/setup
else
  bash labs/setup || echo "The live labs need the command above; the deck itself works without them." >&2
fi

# The lab cloud (OpenStack, about 2 GiB of memory) for the OpenStack demos, started for start and test.
if [ "$action" != install ]; then
  if [ "$(id -u)" -eq 0 ]; then
    bash labs/cloud/up
  else
    echo "The OpenStack demos need the lab cloud: sudo bash labs/cloud/up" >&2
  fi
fi

case "$action" in
  start) exec npm start ;;
  test) exec npm test ;;
esac
echo "Ready: 'npm start' starts the deck with live labs, 'npm test' runs the tests."
