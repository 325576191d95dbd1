#!/usr/bin/env bash
# Installs the system packages the local stack needs, only where missing:
#   java      -> openjdk-17-jre-headless (runs DynamoDB Local)
#   chromium  -> Debian's chromium (browser tests)
#   debootstrap -> a Python 3.13 root for `make runtime-smoke` (infra/runtime_smoke.py)
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
need=()
for what in "$@"; do
  case "$what" in
    java) command -v java >/dev/null || need+=(openjdk-17-jre-headless) ;;
    chromium) command -v chromium >/dev/null || need+=(chromium) ;;
    debootstrap) command -v debootstrap >/dev/null || need+=(debootstrap) ;;
    *) echo "unknown system need: $what" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing ${need[*]} with apt-get..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
