#!/usr/bin/env bash
# Creates the unprivileged account lab shells run as when the lab server is started as root
# (src/server/sandbox.ts drops to it with setpriv). Idempotent: safe to run before every test run.
#   sudo bash labs/setup-user.sh            account "cours-lab"
#   COURS_LAB_USER=autre sudo bash labs/setup-user.sh
set -euo pipefail

user=${COURS_LAB_USER:-cours-lab}
home=/var/lib/$user

if [ "$(id -u)" -ne 0 ]; then
  echo "labs/setup-user.sh: à lancer en root (sudo bash labs/setup-user.sh)." >&2
  exit 1
fi

if ! id -u "$user" >/dev/null 2>&1; then
  # --system: no password, no aging, uid below 1000; --user-group: its own group, so it shares nothing.
  useradd --system --user-group --create-home --home-dir "$home" --shell /bin/bash \
    --comment "cours-openstack lab shells" "$user"
  echo "== utilisateur $user créé (home $home)"
fi

# qemu labs open /dev/kvm when it works; membership is harmless when KVM is unusable.
if getent group kvm >/dev/null 2>&1 && ! id -nG "$user" | tr ' ' '\n' | grep -qx kvm; then
  usermod --append --groups kvm "$user"
  echo "== $user ajouté au groupe kvm"
fi

echo "Utilisateur des labs prêt : $(id "$user")"
