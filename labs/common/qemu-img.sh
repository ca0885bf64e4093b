# labs/common/qemu-img.sh, sourced by the qemu and cloud labs' rc: `qemu-img create` prints its options on
# shellcheck shell=bash
# one line of 150 columns or more, which the pane (90 columns) would break mid-word. The line is folded at
# spaces to the terminal's width instead (COLUMNS, kept current by bash); the exit status is qemu-img's.
qemu-img() {
  if [ "$1" = create ]; then
    command qemu-img "$@" | fold -s -w "${COLUMNS:-80}"
    return "${PIPESTATUS[0]}"
  fi
  command qemu-img "$@"
}
