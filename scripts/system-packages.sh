#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing (PostgreSQL server,
# Chromium and its driver, docker-compose, Redis and nginx).
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# The widget's browser tests: Debian's Chromium and its WebDriver (no browser downloads).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# The deployment tests check docker-compose.yml with Debian's docker-compose (no engine needed).
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
# The production topology without containers (scripts/topology.py, the reliability tests).
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
