#!/usr/bin/env bash
# Creates the unprivileged account lab shells run as when the lab server is started as root
# (src/server/sandbox.ts drops to it with setpriv). Idempotent: safe to run before every test run.
#   sudo bash labs/setup-user.sh            account "cours-lab"
#   COURS_LAB_USER=autre sudo bash labs/setup-user.sh
# It also makes the accounts of a hands-on class's students (npm start -- --hands-on), one per student,
# "cours-lab-e01" to "cours-lab-eNN": COURS_LAB_STUDENTS=NN (default 30, 0 for none).
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

students=${COURS_LAB_STUDENTS:-30}
case $students in '' | *[!0-9]*) echo "COURS_LAB_STUDENTS : nombre attendu, reçu « $students »" >&2; exit 1 ;; esac
made=0
for ((i = 1; i <= students; i++)); do
  student=$(printf '%s-e%02d' "$user" "$i")
  id -u "$student" >/dev/null 2>&1 && continue
  # No home of its own: a student's shells get their session folder as HOME (the server sets it).
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/bash \
    --comment "cours-openstack student $i" "$student"
  if getent group kvm >/dev/null 2>&1; then usermod --append --groups kvm "$student"; fi
  made=$((made + 1))
done
[ "$made" -eq 0 ] || echo "== $made comptes d'élèves créés ($user-e01 à $(printf '%s-e%02d' "$user" "$students"))"

echo "Utilisateur des labs prêt : $(id "$user")"
