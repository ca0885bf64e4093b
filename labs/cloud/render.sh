# labs/cloud/render.sh: the renderer of labs/cloud/templates/, sourced by labs/cloud/up (CLOUD set).
# shellcheck shell=bash
#
# render TEMPLATE DEST [VAR | VAR=VALUE]...: writes labs/cloud/templates/TEMPLATE to DEST, each ${VAR} of
# it replaced by the value given (VAR=VALUE) or by the shell variable VAR. Only the VARs named are
# replaced: a template cannot pick up the environment (a stray ${PATH} or ${HOME} is an error, not a path).
#   * Every ${NAME} must be named and have a non-empty value: the placeholders are paths, URLs and
#     passwords, and an empty one makes a config that fails later, far from here. `$NAME` without braces,
#     or a lone `$`, is plain text.
#   * A line that starts with `##` is the template's own comment (what fills a placeholder, why a file is
#     split): it is not copied. The `#` comments are the configuration's, copied like any line.
#   * Atomic: a temporary file beside DEST, then mv, so a service never reads half a file. An existing
#     DEST keeps its mode, owner and group (0640 root:cours-lab for the openrc files and clouds.yaml,
#     labs/cloud/up's protect_secrets); a new one gets the umask's mode.
#   * On error: a French message naming the template, the placeholder and the call (file:line) on
#     stderr, status 1, DEST untouched. labs/cloud/up runs under `set -e`, so that stops it.
# test/labs/cloud-templates.test.ts checks that every placeholder of every template is given by its call.

RENDER_NAME='^[A-Za-z_][A-Za-z0-9_]*$'

render_fail() { # render_fail TEMPLATE MESSAGE
  printf 'labs/cloud/render.sh: ERREUR: modèle %s : %s\n' "$CLOUD/templates/$1" "$2" >&2
  return 1
}

render() {
  local template=$1 dest=$2 arg name
  local call="${BASH_SOURCE[1]:-bash}:${BASH_LINENO[0]}" # where render was called, for the messages
  shift 2
  local -A values=()
  for arg in "$@"; do
    name=${arg%%=*}
    [[ $name =~ $RENDER_NAME ]] ||
      { render_fail "$template" "« $arg » n'est ni VAR ni VAR=VALEUR (appel de render : $call)"; return 1; }
    if [[ $arg == *=* ]]; then values[$name]=${arg#*=}; else values[$name]=${!name-}; fi
  done
  [ -f "$CLOUD/templates/$template" ] ||
    { render_fail "$template" "introuvable (à créer dans labs/cloud/templates/, ou corriger l'appel de render : $call)"; return 1; }

  local text='' line rest open="\${"
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line == '##'* ]] && continue
    rest=$line line=''
    while [[ $rest == *"$open"* ]]; do
      line+=${rest%%"$open"*}
      rest=${rest#*"$open"}
      name=${rest%%\}*}
      if [[ $rest != *\}* || ! $name =~ $RENDER_NAME ]]; then
        render_fail "$template" "« \${${rest:0:20} » mal formé (attendu : \${NOM}, lettres, chiffres et _ ; appel de render : $call)"
        return 1
      fi
      if [[ ! -v values[$name] ]]; then
        render_fail "$template" "\${$name} n'est pas dans les variables passées à render (ajoutez $name à son appel : $call)"
        return 1
      fi
      if [ -z "${values[$name]}" ]; then
        render_fail "$template" "\${$name} n'a pas de valeur (variable $name vide ou non définie ; appel de render : $call)"
        return 1
      fi
      line+=${values[$name]}
      rest=${rest#*\}}
    done
    text+=$line$rest$'\n'
  done <"$CLOUD/templates/$template"

  local tmp
  tmp=$(mktemp "$dest.render.XXXXXX" 2>/dev/null) ||
    { render_fail "$template" "impossible de créer un fichier dans ${dest%/*} (dossier absent ou sans droit d'écriture)"; return 1; }
  if ! {
    printf '%s' "$text" >"$tmp" &&
      if [ -e "$dest" ]; then
        # chown first: changing the owner clears set-id bits, chmod then sets the mode exactly.
        chown --reference="$dest" "$tmp" && chmod --reference="$dest" "$tmp"
      else
        chmod "$(printf '%o' $((0666 & ~$(umask))))" "$tmp"
      fi &&
      mv -f "$tmp" "$dest"
  }; then
    rm -f "$tmp"
    render_fail "$template" "écriture de $dest impossible"
    return 1
  fi
}
