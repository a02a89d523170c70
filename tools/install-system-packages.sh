#!/usr/bin/env bash
# Install the Debian packages the project needs, once. Needs root (or sudo) only when something is missing.
# A JDK (17-25) builds and runs the engine, Maven fetches Operaton from Maven Central, Chromium renders
# diagrams and runs the browser tests, PostgreSQL serves cluster mode (ENGINE_DATABASE=postgres).
set -euo pipefail
missing=()
compgen -G "/usr/lib/jvm/*/bin/javac" >/dev/null || [ -x "${JAVA_HOME:-/nonexistent}/bin/javac" ] \
  || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)  # cluster mode, its tests
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
