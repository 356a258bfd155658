#!/bin/sh
# Installs, with apt-get, the Debian 12 packages that Volley needs and that are
# missing; does nothing when all are present. `--test` adds what the test
# suite needs, `--fuzz` that and clang for make fuzz. Uses sudo when not run
# as root; never asks a question.
set -eu

build_packages="meson ninja-build pkg-config gcc libc6-dev gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev
  libsoup-3.0-dev libjson-glib-dev"
test_packages="xvfb xauth python3 python3-websockets desktop-file-utils
  appstream nodejs python3-jsonschema"

# make fuzz: libFuzzer and the sanitizers' runtimes come with clang.
fuzz_packages="clang libclang-rt-14-dev"

packages=$build_packages
if [ "${1:-}" = "--test" ]; then
  packages="$packages $test_packages"
fi
if [ "${1:-}" = "--fuzz" ]; then
  packages="$packages $test_packages $fuzz_packages"
fi

missing=""
for package in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  case "$status" in
    *" installed") ;;
    *) missing="$missing $package" ;;
  esac
done

if [ -z "$missing" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
else
  sudo="sudo"
fi

echo "Installing:$missing"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086 # the list is meant to split into words
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
