#!/bin/bash
# Installs the queue-ticket kiosk on a fresh Raspberry Pi OS Lite 64-bit (Bookworm or Trixie).
#
#   sudo ./systemd/install.sh              # from the project's checkout, on the Pi
#   sudo ./systemd/install.sh --dry-run    # print what would be done, change nothing
#   ./systemd/install.sh --root DIR        # write the files under DIR (tests, images)
#
# Idempotent: running it again updates the program, units and rules, and keeps
# /etc/kiosk/kiosk.toml and the token. Then run `sudo kiosk provision` (docs/operations.md).
#
# With --root DIR (or KIOSK_INSTALL_ROOT=DIR) nothing outside DIR is changed: apt, the
# kiosk user, the virtualenv and pip (they need the network and a real system), udev and
# systemd reloads are skipped. Units are still enabled with `systemctl --root`, which only
# makes symlinks, when systemctl is present.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="${KIOSK_INSTALL_ROOT:-}"
DRY_RUN=0
KIOSK_USER=kiosk
KIOSK_GROUPS=(video render input gpio dialout lp)
PREFIX="${KIOSK_PREFIX:-/opt/kiosk}"  # KIOSK_PREFIX: tests point it at a folder of their own
APT_PACKAGES=(
  python3-venv python3-pip python3-lgpio  # lgpio from apt: PyPI has no cp313 aarch64 wheel
  fonts-dejavu-core                       # the UI's and the ticket preview's font
  libdrm2 libgbm1 libegl1 libgles2 libgl1-mesa-dri  # SDL KMSDRM loads these at run time
  libusb-1.0-0                            # USB printers through pyusb
  libfribidi0                             # Pillow's raqm: the Arabic label line on tickets
)

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
  echo "install.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --root)
      [ $# -ge 2 ] || die "--root needs a folder: --root /tmp/target"
      ROOT="$2"
      shift 2
      ;;
    --root=*)
      ROOT="${1#--root=}"
      shift
      ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1': expected --root DIR, --dry-run or --help" ;;
  esac
done

if [ -n "$ROOT" ]; then
  ROOT="$(cd "$ROOT" 2>/dev/null && pwd)" || die "--root folder '$ROOT' does not exist: create it first"
  IS_TARGET_DIR=1
else
  IS_TARGET_DIR=0
  if [ "$(id -u)" -ne 0 ] && [ "$DRY_RUN" -eq 0 ]; then
    die "must run as root: sudo $0 (or --dry-run to see the steps, --root DIR to write elsewhere)"
  fi
fi

# act CMD ARGS...: run a command, or print it under --dry-run.
act() {
  if [ "$DRY_RUN" -eq 1 ]; then
    echo "would run: $(printf '%q ' "$@")"
  else
    echo "+ $(printf '%q ' "$@")"
    "$@"
  fi
}

# put MODE SOURCE DEST: install one file (parent folders created), replacing the old one.
put() {
  act install -D -m "$1" "$2" "$ROOT$3"
}

step() {
  echo "== $*"
}

has_group() {
  getent group "$1" >/dev/null 2>&1
}

# ---- 1. system packages -------------------------------------------------------------
step "system packages"
if [ "$IS_TARGET_DIR" -eq 1 ]; then
  echo "skipped under --root: apt-get install ${APT_PACKAGES[*]}"
else
  act apt-get update
  act env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${APT_PACKAGES[@]}"
fi

# ---- 2. the kiosk user ----------------------------------------------------------------
step "user $KIOSK_USER"
if [ "$IS_TARGET_DIR" -eq 1 ]; then
  echo "skipped under --root: system user $KIOSK_USER in groups ${KIOSK_GROUPS[*]}"
else
  for group in "${KIOSK_GROUPS[@]}"; do
    has_group "$group" || act groupadd --system "$group"
  done
  if ! id "$KIOSK_USER" >/dev/null 2>&1; then
    act useradd --system --user-group --home-dir /var/lib/kiosk --no-create-home \
      --shell /usr/sbin/nologin --comment "queue-ticket kiosk" "$KIOSK_USER"
  fi
  act usermod --append --groups "$(IFS=,; echo "${KIOSK_GROUPS[*]}")" "$KIOSK_USER"
fi

# ---- 3. the program -------------------------------------------------------------------
step "program in $PREFIX/venv"
if [ "$IS_TARGET_DIR" -eq 1 ]; then
  echo "skipped under --root: python3 -m venv --system-site-packages $PREFIX/venv; pip install $SRC"
else
  # --system-site-packages: gpiozero finds apt's python3-lgpio.
  [ -x "$PREFIX/venv/bin/python" ] || act python3 -m venv --system-site-packages "$PREFIX/venv"
  act "$PREFIX/venv/bin/pip" install --upgrade --quiet "$SRC"
fi
# The site configurations are the templates of `kiosk provision` and `kiosk demo`.
for template in "$SRC"/config/*.toml; do
  [ -e "$template" ] || continue
  put 0644 "$template" "$PREFIX/venv/share/kiosk/config/$(basename "$template")"
done
for doc in "$SRC"/docs/operations.md "$SRC"/docs/images/*.png; do
  [ -e "$doc" ] || continue
  case "$doc" in
    *.png) put 0644 "$doc" "$PREFIX/doc/images/$(basename "$doc")" ;;
    *) put 0644 "$doc" "$PREFIX/doc/$(basename "$doc")" ;;
  esac
done

# ---- 4. udev rules for the printer and the backlight ---------------------------------------
step "udev rules"
put 0644 "$SRC/systemd/99-kiosk-printer.rules" /etc/udev/rules.d/99-kiosk-printer.rules
put 0644 "$SRC/systemd/99-kiosk-backlight.rules" /etc/udev/rules.d/99-kiosk-backlight.rules
if [ "$IS_TARGET_DIR" -eq 0 ] && command -v udevadm >/dev/null; then
  act udevadm control --reload
  act udevadm trigger --subsystem-match=usb --subsystem-match=tty --subsystem-match=usbmisc
  # The backlight rule matches "add" (as at boot): replay that event for the panel now.
  act udevadm trigger --action=add --subsystem-match=backlight
fi

# ---- 5. configuration folder ------------------------------------------------------------
step "configuration in /etc/kiosk"
act install -d -m 0750 "$ROOT/etc/kiosk"
starter=""
for name in hdv.toml demo.toml; do
  if [ -f "$SRC/config/$name" ]; then
    starter="$SRC/config/$name"
    break
  fi
done
if [ -e "$ROOT/etc/kiosk/kiosk.toml" ]; then
  echo "kept: $ROOT/etc/kiosk/kiosk.toml"
elif [ -n "$starter" ]; then
  act install -m 0640 "$starter" "$ROOT/etc/kiosk/kiosk.toml"
else
  echo "no starter configuration found in $SRC/config: run 'kiosk provision' next"
fi
# Owned by root, readable by the kiosk's group: the kiosk cannot rewrite its own settings.
# Under --root the group is looked up in DIR/etc/group (an image's own numbering).
if [ "$IS_TARGET_DIR" -eq 1 ]; then
  kiosk_gid="$(awk -F: -v g="$KIOSK_USER" '$1 == g { print $3 }' "$ROOT/etc/group" 2>/dev/null || true)"
else
  kiosk_gid="$(getent group "$KIOSK_USER" | cut -d: -f3 || true)"
fi
if [ -n "$kiosk_gid" ] || [ "$DRY_RUN" -eq 1 ]; then
  act chown "0:${kiosk_gid:-$KIOSK_USER}" "$ROOT/etc/kiosk"
  [ ! -e "$ROOT/etc/kiosk/kiosk.toml" ] || act chown "0:${kiosk_gid:-$KIOSK_USER}" "$ROOT/etc/kiosk/kiosk.toml"
else
  echo "no group $KIOSK_USER in ${ROOT}/etc/group: $ROOT/etc/kiosk keeps its owner"
fi

# ---- 6. journald cap ----------------------------------------------------------------------
step "journal size cap"
put 0644 "$SRC/systemd/journald-kiosk.conf" /etc/systemd/journald.conf.d/kiosk.conf
[ "$IS_TARGET_DIR" -eq 1 ] || act systemctl try-restart systemd-journald.service

# ---- 7. screen never blanks -------------------------------------------------------------
step "kernel command line"
cmdline=""
for candidate in "$ROOT/boot/firmware/cmdline.txt" "$ROOT/boot/cmdline.txt"; do
  if [ -f "$candidate" ]; then
    cmdline="$candidate"
    break
  fi
done
if [ -z "$cmdline" ]; then
  echo "no cmdline.txt found (not a Raspberry Pi?): add consoleblank=0 to the kernel command line"
elif grep -qw "consoleblank=0" "$cmdline"; then
  echo "kept: $cmdline already has consoleblank=0"
else
  # cmdline.txt is one line; keep a copy of the original once.
  [ -e "$cmdline.kiosk-orig" ] || act cp -p "$cmdline" "$cmdline.kiosk-orig"
  act sed -i -e '1 s/[[:space:]]*$/ consoleblank=0 vt.global_cursor_default=0/' "$cmdline"
  echo "reboot for consoleblank=0 to take effect"
fi

# ---- 8. systemd units -------------------------------------------------------------------
step "systemd units"
for unit in kiosk.service kiosk-maintenance.service kiosk-maintenance.timer; do
  put 0644 "$SRC/systemd/$unit" "/etc/systemd/system/$unit"
done
if [ "$IS_TARGET_DIR" -eq 1 ]; then
  if command -v systemctl >/dev/null; then
    act systemctl --root="$ROOT" --quiet enable kiosk.service kiosk-maintenance.timer
  else
    echo "skipped under --root: systemctl enable kiosk.service kiosk-maintenance.timer"
  fi
else
  act systemctl daemon-reload
  act systemctl enable kiosk.service kiosk-maintenance.timer
  # The kiosk owns tty1's screen; technicians use tty2 (Ctrl+Alt+F2) or SSH.
  act systemctl disable getty@tty1.service
fi

step "done"
if [ "$DRY_RUN" -eq 1 ]; then
  echo "dry run: nothing was changed"
else
  echo "next: sudo $PREFIX/venv/bin/kiosk provision   (see $PREFIX/doc/operations.md)"
fi
