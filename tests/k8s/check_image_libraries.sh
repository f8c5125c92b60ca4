#!/usr/bin/env bash
# check_image_libraries.sh DOCKERFILE BINARY
# The runtime stage of DOCKERFILE must install the Debian package of every shared
# library BINARY links (ldd, then dpkg -S), apart from those debian:12-slim already has.
# Catches a new library dependency before an image build (not possible here) does.
set -euo pipefail
dockerfile="$1"
binary="$2"
kSlimBase="libc6 libgcc-s1 libstdc++6"

fail() {
  echo "FAIL $(basename "$dockerfile"): $*"
  exit 1
}

[ -f "$dockerfile" ] || fail "no such file"
[ -x "$binary" ] || fail "binary $binary not built"

# Package names of the runtime stage's apt-get install (everything after the slim FROM).
installed="$(awk '/^FROM[[:space:]].*debian:12-slim/ { runtime = 1 } runtime' "$dockerfile" |
  sed -n '/apt-get install/,/rm -rf/p' | tr ' \\' '\n\n' | grep -E '^(lib|zlib)[a-z0-9.+-]*$' || true)"
[ -n "$installed" ] || fail "no apt-get install of libraries in the debian:12-slim stage"

# One dpkg -S for all libraries (it is slow per call); a library is found under its
# /lib path, its /usr/lib path (merged /usr) or its resolved file name.
libraries="$(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')"
owners="$(for library in $libraries; do
  echo "$library"; echo "/usr$library"; echo "${library#/usr}"; readlink -f "$library"
done | sort -u | xargs dpkg -S 2> /dev/null || true)"

owner_of() {  # owner_of LIBRARY_PATH -> Debian package name, or "?"
  local library="$1" candidate package
  for candidate in "$library" "/usr$library" "${library#/usr}" "$(readlink -f "$library")"; do
    package="$(awk -v path="$candidate" '$2 == path { sub(/:.*/, "", $1); print $1; exit }' <<< "$owners")"
    if [ -n "$package" ]; then
      echo "$package"
      return
    fi
  done
  echo "?"
}

if ldd "$binary" | grep -q "not found"; then fail "$(ldd "$binary" | grep 'not found')"; fi
missing=0
checked=0
for library in $libraries; do
  package="$(owner_of "$library")"
  checked=$((checked + 1))
  if [ "$package" = "?" ]; then
    echo "FAIL $(basename "$dockerfile"): no Debian package owns $library"
    missing=1
  elif ! grep -qx "$package" <<< "$installed" && ! grep -qw -- "$package" <<< "$kSlimBase"; then
    echo "FAIL $(basename "$dockerfile"): $library comes from $package, which the runtime stage does not install"
    missing=1
  fi
done
[ "$missing" -eq 0 ] || exit 1
echo "$(basename "$dockerfile"): the runtime stage provides all $checked libraries of $(basename "$binary")"
