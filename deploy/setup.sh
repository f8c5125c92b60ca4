#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the local stack need.
# Idempotent: skips apt-get entirely when everything is already installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git clang-format
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libhiredis-dev libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev libhowardhinnant-date-dev
  redis-server redis-tools curl wrk
  nodejs npm
)

missing=()
for package in "${PACKAGES[@]}"; do
  # Some Node.js builds bundle npm (and conflict with Debian's npm package).
  if [ "$package" = npm ] && command -v npm > /dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
