#!/usr/bin/env bash
# Installs the Debian 12 packages lbsim needs, only those that are missing.
# Idempotent; run as root (or with sudo). Every dependency of the project is listed here.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # engine/models/scenarios/cli
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  libboost-dev libboost-graph-dev libeigen3-dev
  # tests (python3: scripts/doc_outputs.py checks the outputs shown in the docs)
  catch2 python3
  # studies: results store and distributed runs
  libsqlite3-dev openmpi-bin libopenmpi-dev
  # GUI (Qt Charts needs the OpenGL and xkbcommon development files too)
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libxkbcommon-dev libgl-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists when they are missing or older than a day.
if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]]; then
  $SUDO apt-get update -q
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
