#!/usr/bin/env bash
# npm run lint, shell half: shellcheck over every shell script of labs/ and scripts/, found afresh each run so
# a new script is checked without being listed anywhere. A shell script is a file ending in .sh, a file
# without an extension whose first line is a sh/bash shebang, or a file sourced by bash (an rcfile, an env
# file) that says so with a `# shellcheck shell=bash` line.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v shellcheck >/dev/null 2>&1; then
  echo "lint-shell : shellcheck est introuvable. Installez-le : sudo apt-get install shellcheck (ou sudo bash scripts/setup.sh)." >&2
  exit 1
fi

# Files git knows or would add (tracked and untracked, minus .gitignore'd state such as labs/cloud/state/);
# without git (an unpacked archive), the tree itself minus those same generated folders.
list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard -- labs scripts
  else
    find labs scripts -type f -not -path 'labs/*/state/*' -not -path 'labs/guest/out/*' -print0
  fi
}

is_shell_script() {
  local file=$1 name=${1##*/}
  case $name in
    *.sh) return 0 ;;
    *.*) return 1 ;;
  esac
  head -n 1 "$file" | grep -qE '^#!.*[/ ](ba|da)?sh( |$)' || head -n 5 "$file" | grep -q '^# shellcheck shell='
}

scripts=()
while IFS= read -r -d '' file; do
  # A file deleted in the working tree but still in git's index is not there to check.
  [ -f "$file" ] && is_shell_script "$file" && scripts+=("$file")
done < <(list_files)

if [ ${#scripts[@]} -eq 0 ]; then
  echo "lint-shell : aucun script shell trouvé dans labs/ ni scripts/ : lancez-le depuis le projet." >&2
  exit 1
fi

# --external-sources and SCRIPTDIR: a `. "$(dirname "$0")/common.sh"` is followed and checked with its caller.
# Extra arguments go to shellcheck (`bash scripts/lint-shell.sh -f gcc`).
shellcheck --external-sources --source-path=SCRIPTDIR "$@" "${scripts[@]}"
echo "lint-shell : ${#scripts[@]} scripts shell sans remarque."
