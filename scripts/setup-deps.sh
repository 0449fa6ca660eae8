#!/usr/bin/env bash
# Install what a fresh Debian 12 machine lacks to build, test and demo ecert.
# Run as root (or with sudo). Safe to run again.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config git
  libssl-dev libcjson-dev libqrencode-dev libpng-dev libjpeg62-turbo-dev zlib1g-dev
  libzbar-dev zbar-tools libsqlite3-dev sqlite3 libmicrohttpd-dev libcmocka-dev
  clang libclang-rt-14-dev valgrind openssl curl imagemagick python3
  chromium fonts-droid-fallback wrk
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup-deps: all packages present"
fi
# The browser test drives Debian's chromium with playwright-core from npm (Node >= 18).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup-deps: installing nodejs npm"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm
fi
