#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing (CI and fresh machines).
# Each later capability adds its package here (poppler-utils for pdfsig, chromium for the UI tests).
set -euo pipefail
needed=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || needed+=("$pkg")
done
if [ "${#needed[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Paquets manquants : ${needed[*]} (installez-les avec apt-get)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}"
fi
