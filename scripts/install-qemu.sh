#!/usr/bin/env bash
# Installs the real QEMUs the tests and the committed targets use, on Debian bookworm, as root:
#  - QEMU 7.2 from bookworm (qemu-system-x86, installed system-wide);
#  - QEMU 10.0 from bookworm-backports, unpacked with dpkg -x into .cache/qemu-10.0
#    (run it with QEMU_MODULE_DIR pointing at its own module folder: see runtime/qemu-install.ts);
#  - the QAPI source (qapi/*.json) of exactly those two Debian versions, into .cache/qapi-<version>;
#  - the guest agent (qemu-ga) of the same two versions: 7.2 system-wide (qemu-guest-agent), 10.0 unpacked
#    into .cache/qemu-ga-10.0; and its QAPI source (qga/*.json, docs/interop/qemu-ga.rst) into .cache/qga-src-<version>.
# Idempotent: what is already there is not fetched again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache"
mkdir -p "$cache"

export DEBIAN_FRONTEND=noninteractive

# Runs a network step up to three times (a mirror hiccup should not fail CI).
retry() {
  local n
  for n in 1 2 3; do
    "$@" && return 0
    [ "$n" = 3 ] || { echo "install-qemu.sh: '$*' failed, retrying in $((n * 5)) s" >&2; sleep $((n * 5)); }
  done
  return 1
}

if [ "$(id -u)" != 0 ]; then echo "install-qemu.sh: run as root (it uses apt-get)" >&2; exit 1; fi
# shellcheck disable=SC1091
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
  echo "install-qemu.sh: made for Debian bookworm (QEMU 7.2 from bookworm, 10.0 from bookworm-backports); this is ${PRETTY_NAME:-unknown}" >&2
  exit 1
fi

src=/etc/apt/sources.list.d/qmp-sdk.sources
if [ ! -f "$src" ]; then
  cat > "$src" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  retry apt-get update -q
elif [ ! -d /var/lib/apt/lists ] || [ -z "$(ls /var/lib/apt/lists/ | grep -i backports | head -1)" ]; then
  retry apt-get update -q
fi

# QEMU 7.2 (bookworm), system-wide.
if ! command -v qemu-system-x86_64 >/dev/null || ! qemu-system-x86_64 --version | grep -q 'version 7\.2'; then
  retry apt-get install -y -q --no-install-recommends -t bookworm qemu-system-x86
fi
# qemu-img/qemu-io (bookworm), for the disk images of the job tests (test/operations).
if ! command -v qemu-img >/dev/null || ! command -v qemu-io >/dev/null; then
  retry apt-get install -y -q --no-install-recommends -t bookworm qemu-utils
fi
v72=$(dpkg-query -W -f='${source:Version}' qemu-system-x86)

# QEMU 10.0 (bookworm-backports), unpacked into the project cache.
v100=$(apt-cache madison qemu-system-x86 | awk -F'|' '/bookworm-backports/ {gsub(/ /,"",$2); print $2; exit}')
[ -n "$v100" ] || { echo "install-qemu.sh: no qemu-system-x86 in bookworm-backports" >&2; exit 1; }
dest="$cache/qemu-10.0"
if [ ! -f "$dest/.version" ] || [ "$(cat "$dest/.version")" != "$v100" ]; then
  rm -rf "$dest" "$cache/debs-10.0"; mkdir -p "$dest" "$cache/debs-10.0"
  (cd "$cache/debs-10.0" && chown _apt "$cache/debs-10.0" 2>/dev/null; retry apt-get download -q \
      "qemu-system-x86=$v100" "qemu-system-common=$v100" "qemu-system-gui=$v100" \
      "qemu-system-modules-opengl=$v100" "qemu-system-modules-spice=$v100" "qemu-block-extra=$v100")
  for deb in "$cache"/debs-10.0/*.deb; do dpkg -x "$deb" "$dest"; done
  echo "$v100" > "$dest/.version"
  rm -rf "$cache/debs-10.0"
fi

# QAPI sources of exactly those versions (only qapi/*.json is kept).
fetch_qapi() { # debian-source-version short-name
  local ver=$1 out="$cache/qapi-$2" tmp orig
  [ -f "$out/.version" ] && [ "$(cat "$out/.version")" = "$ver" ] && return 0
  tmp=$(mktemp -d); chown _apt "$tmp" 2>/dev/null || true
  # The Debian tarball beside a backport's upstream tarball may be missing (404), and then
  # apt-get exits non-zero: accept the run when the *.orig.tar.* arrived.
  local n
  for n in 1 2 3; do
    (cd "$tmp" && apt-get source --download-only -q "qemu=$ver" >/dev/null 2>&1) || true
    orig=$(ls "$tmp"/*.orig.tar.* 2>/dev/null | head -1 || true)
    [ -n "$orig" ] && break
    [ "$n" = 3 ] || sleep $((n * 5))
  done
  [ -n "$orig" ] || { echo "install-qemu.sh: could not fetch the source of qemu=$ver" >&2; rm -rf "$tmp"; exit 1; }
  rm -rf "$out.tmp"; mkdir -p "$out.tmp"
  tar -xf "$orig" -C "$out.tmp" --wildcards --no-wildcards-match-slash --strip-components=2 '*/qapi/*.json'
  # The protocol spec itself, for reference (docs/interop/qmp-spec.rst; 7.2 has qmp-spec.txt).
  tar -xf "$orig" -C "$out.tmp" --wildcards --no-wildcards-match-slash --strip-components=3 \
    '*/docs/interop/qmp-spec.*' 2>/dev/null || true
  echo "$ver" > "$out.tmp/.version"
  rm -rf "$out"; mv "$out.tmp" "$out"; rm -rf "$tmp"
}
fetch_qapi "$v72" 7.2
src100=$(apt-cache show "qemu-system-x86=$v100" | awk '/^Source:/ { if ($3) print $3; exit }' | tr -d '()')
fetch_qapi "${src100:-$v100}" 10.0

# The guest agent: 7.2 (bookworm) system-wide, 10.0 (bookworm-backports) unpacked into the project cache.
if [ ! -x /usr/sbin/qemu-ga ] || ! /usr/sbin/qemu-ga --version | grep -q 'Agent 7\.2'; then
  retry apt-get install -y -q --no-install-recommends -t bookworm qemu-guest-agent
fi
ga100=$(apt-cache madison qemu-guest-agent | awk -F'|' '/bookworm-backports/ {gsub(/ /,"",$2); print $2; exit}')
[ -n "$ga100" ] || { echo "install-qemu.sh: no qemu-guest-agent in bookworm-backports" >&2; exit 1; }
gadest="$cache/qemu-ga-10.0"
if [ ! -f "$gadest/.version" ] || [ "$(cat "$gadest/.version")" != "$ga100" ]; then
  rm -rf "$gadest" "$cache/debs-ga-10.0"; mkdir -p "$gadest" "$cache/debs-ga-10.0"
  (cd "$cache/debs-ga-10.0" && chown _apt "$cache/debs-ga-10.0" 2>/dev/null; retry apt-get download -q "qemu-guest-agent=$ga100")
  dpkg -x "$cache"/debs-ga-10.0/*.deb "$gadest"
  echo "$ga100" > "$gadest/.version"
  rm -rf "$cache/debs-ga-10.0"
fi

# The guest agent's QAPI source (qga/*.json) and its protocol doc (docs/interop/qemu-ga.rst), same versions.
fetch_qga() { # debian-source-version short-name
  local ver=$1 out="$cache/qga-src-$2" tmp orig n
  [ -f "$out/.version" ] && [ "$(cat "$out/.version")" = "$ver" ] && return 0
  tmp=$(mktemp -d); chown _apt "$tmp" 2>/dev/null || true
  for n in 1 2 3; do
    (cd "$tmp" && apt-get source --download-only -q "qemu=$ver" >/dev/null 2>&1) || true
    orig=$(ls "$tmp"/*.orig.tar.* 2>/dev/null | head -1 || true)
    [ -n "$orig" ] && break
    [ "$n" = 3 ] || sleep $((n * 5))
  done
  [ -n "$orig" ] || { echo "install-qemu.sh: could not fetch the source of qemu=$ver" >&2; rm -rf "$tmp"; exit 1; }
  rm -rf "$out.tmp"; mkdir -p "$out.tmp"
  tar -xf "$orig" -C "$out.tmp" --wildcards --no-wildcards-match-slash --strip-components=2 '*/qga/*.json'
  tar -xf "$orig" -C "$out.tmp" --wildcards --no-wildcards-match-slash --strip-components=3 '*/docs/interop/qemu-ga.rst'
  echo "$ver" > "$out.tmp/.version"
  rm -rf "$out"; mv "$out.tmp" "$out"; rm -rf "$tmp"
}
fetch_qga "$v72" 7.2
gasrc100=$(apt-cache show "qemu-guest-agent=$ga100" | awk '/^Source:/ { if ($3) print $3; exit }' | tr -d '()')
fetch_qga "${gasrc100:-$ga100}" 10.0

echo "QEMU 7.2:  $(qemu-system-x86_64 --version | head -1)  [$v72]"
echo "QEMU 10.0: $(QEMU_MODULE_DIR="$dest/usr/lib/x86_64-linux-gnu/qemu" "$dest/usr/bin/qemu-system-x86_64" --version | head -1)  [$v100]"
echo "qemu-ga 7.2:  $(/usr/sbin/qemu-ga --version | head -1)  [$(dpkg-query -W -f='${Version}' qemu-guest-agent)]"
echo "qemu-ga 10.0: $("$gadest/usr/sbin/qemu-ga" --version | head -1)  [$ga100]"
