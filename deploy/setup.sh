#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the local stack need.
# Idempotent: skips apt-get entirely when everything is already installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git clang-format
  ccache lld clang-tidy python3  # CMakePresets.json: every build through ccache, linked by lld; deploy/clang_tidy.py
  lua5.1  # the Redis scripts' syntax check (luac5.1 -p; Redis embeds Lua 5.1)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libhiredis-dev libssl-dev openssl
  libjemalloc-dev  # the gateway's allocator (gateway/CMakeLists.txt, issue 16)
  libcurl4-openssl-dev  # services/notifications: SMTP (STARTTLS/TLS, AUTH) through libcurl
  python3-aiosmtpd  # deploy/local and tests/e2e: a real SMTP server that keeps every mail as a file
  libgtest-dev libgmock-dev libbenchmark-dev libhowardhinnant-date-dev
  redis-server redis-tools curl wrk tzdata
  redis-sentinel  # services/common/redis tests: a real Sentinel that fails the primary over
  clang libclang-rt-14-dev  # fuzz/run.sh: clang 14 and its libFuzzer/sanitizer runtimes
  chromium fonts-dejavu-core  # the staff app browser test (web/staff/test): headless browser, a font for its screenshots
)

# ---- Kubernetes manifest checks (tests/k8s) ------------------------------------------
# Node.js and npm run the offline schema and policy checks. Skipped when an npm is on
# PATH already (NodeSource's nodejs bundles one and conflicts with Debian's npm).
if ! command -v npm > /dev/null 2>&1; then PACKAGES+=(nodejs npm); fi
# kubectl from Debian's kubernetes-client (1.20, whose embedded kustomize the manifests
# are written for), unpacked into .local/tools instead of installed: another package
# (e.g. a cloud SDK's kubectl) may own /usr/bin/kubectl, and dpkg refuses a second owner.
KUBECTL_DIR="$(cd "$(dirname "$0")/.." && pwd)/.local/tools/kubernetes-client"
if [ ! -x "$KUBECTL_DIR/usr/bin/kubectl" ]; then
  echo "setup: unpacking Debian's kubernetes-client into $KUBECTL_DIR"
  download_dir="$(mktemp -d)"
  chmod 755 "$download_dir"  # apt's download user must be able to write there
  if ! (cd "$download_dir" && apt-get download -qq kubernetes-client 2> /dev/null); then
    if [ "$(id -u)" -ne 0 ]; then sudo apt-get update -qq; else apt-get update -qq; fi
    (cd "$download_dir" && apt-get download -qq kubernetes-client)
  fi
  mkdir -p "$KUBECTL_DIR"
  dpkg-deb -x "$download_dir"/kubernetes-client_*.deb "$KUBECTL_DIR"
  rm -rf "$download_dir"
fi
# ---- end of the Kubernetes manifest checks block -------------------------------------

# ---- npm packages of the staff web app and the local OpenID provider ---------------
# Pinned by their package-lock.json; installed again only when a lock file changed
# (npm ci keeps a copy of the lock in node_modules/.package-lock.json).
install_npm_packages() {
  local dir
  for dir in web/staff deploy/oidc; do
    dir="$(cd "$(dirname "$0")/.." && pwd)/$dir"
    if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
       [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "setup: npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}
# ---- end of the npm block ----------------------------------------------------------

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  install_npm_packages
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_npm_packages
