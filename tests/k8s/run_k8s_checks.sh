#!/usr/bin/env bash
# The Kubernetes manifest checks, as CTest runs them (tests/k8s/CMakeLists.txt, label deploy):
#   run_k8s_checks.sh tools WORK_DIR          find Debian's kubectl; install the pinned npm
#                                             packages (package-lock.json) into WORK_DIR
#   run_k8s_checks.sh overlay NAME WORK_DIR   render k8s/overlays/NAME with `kubectl kustomize`
#                                             and check every object (check_manifests.js)
#   run_k8s_checks.sh fixtures WORK_DIR       the checks accept fixtures/accept and reject
#                                             every file of fixtures/reject for its stated defect
# deploy/setup.sh provides the tools; STADT_KUBECTL overrides which kubectl renders.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/tests/k8s"
NAMESPACE="stadtportal"

fail() {
  echo "k8s checks: $*" >&2
  exit 1
}

# Debian 12's kubectl (kubernetes-client, 1.20): its embedded kustomize is the oldest
# the manifests must render with. deploy/setup.sh unpacks it into .local/tools, since
# another package may own /usr/bin/kubectl (any other kubectl there is not used).
find_kubectl() {
  if [ -n "${STADT_KUBECTL:-}" ]; then
    echo "$STADT_KUBECTL"
  elif [ -x "$ROOT/.local/tools/kubernetes-client/usr/bin/kubectl" ]; then
    echo "$ROOT/.local/tools/kubernetes-client/usr/bin/kubectl"
  elif dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q "install ok installed"; then
    echo /usr/bin/kubectl
  else
    fail "Debian's kubectl (package kubernetes-client) is missing; run deploy/setup.sh"
  fi
}

node_modules_of() { echo "$1/node/node_modules"; }

install_tools() {
  local work="$1" kubectl
  kubectl="$(find_kubectl)"
  "$kubectl" version --client --short 2>/dev/null || "$kubectl" version --client ||
    fail "$kubectl does not run"
  command -v node > /dev/null || fail "node is missing; run deploy/setup.sh"
  command -v npm > /dev/null || fail "npm is missing; run deploy/setup.sh"
  echo "node $(node --version), npm $(npm --version)"
  local dir="$work/node"
  mkdir -p "$dir"
  # npm ci only when the lock file changed since the last install here.
  if [ -d "$dir/node_modules" ] && cmp -s "$HERE/package-lock.json" "$dir/installed.lock"; then
    echo "npm packages up to date in $dir"
    return
  fi
  cp "$HERE/package.json" "$HERE/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed in $dir"
  cp "$HERE/package-lock.json" "$dir/installed.lock"
}

check() {  # check WORK_DIR ARGS...
  local work="$1"; shift
  [ -d "$(node_modules_of "$work")" ] || fail "npm packages missing in $work/node; run the k8s_tools test"
  NODE_PATH="$(node_modules_of "$work")" node "$HERE/check_manifests.js" \
    --repo "$ROOT" --namespace "$NAMESPACE" "$@"
}

check_overlay() {
  local name="$1" work="$2" kubectl rendered
  kubectl="$(find_kubectl)"
  rendered="$work/rendered-$name.yaml"
  [ -f "$ROOT/k8s/overlays/$name/kustomization.yaml" ] || fail "no overlay k8s/overlays/$name"
  "$kubectl" kustomize "$ROOT/k8s/overlays/$name" > "$rendered" ||
    fail "kubectl kustomize k8s/overlays/$name failed"
  echo "rendered k8s/overlays/$name -> $rendered"
  check "$work" "$rendered"
}

check_fixtures() {
  local work="$1"
  check "$work" --fragment "$HERE"/fixtures/accept/*.yaml
  check "$work" --expect-rejection "$HERE"/fixtures/reject/*.yaml
}

case "${1:-}" in
  tools) install_tools "${2:?WORK_DIR}" ;;
  overlay) check_overlay "${2:?NAME}" "${3:?WORK_DIR}" ;;
  fixtures) check_fixtures "${2:?WORK_DIR}" ;;
  *) fail "usage: $0 tools WORK_DIR | overlay NAME WORK_DIR | fixtures WORK_DIR" ;;
esac
