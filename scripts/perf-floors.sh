#!/usr/bin/env bash
# The shared harness (../shared/perf) with two floors in the same rounds
# (issue 20, docs/performance.md): what receiving and reading the
# credential's header costs before any verification.
#
#   floor_cookie  gin + examples/minimal's body behind a check that an
#                 access_token cookie is present (a random base64url value
#                 as long as a signed-in user's token: COOKIE_LEN, 558)
#   floor_key     the same with an `Authorization: Bearer sk-<64 hex>`
#                 header present
#
# next to bare gin (no header), fastauth's cookie and key paths and the
# harness's sha256key (SHA-256 + map). The floors are internal/loadtest
# floor.
#
#   scripts/perf-floors.sh                          # examples/minimal, 5 rounds
#   EXAMPLE=examples/server ROUNDS=3 scripts/perf-floors.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_PERF:-../shared/perf}
[ -f "$shared/fastauth-vs-peers.sh" ] || { echo "perf-floors: no harness at $shared (set SHARED_PERF)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/loadtest" ./internal/loadtest
n=${COOKIE_LEN:-558}
cat >"$work/cookie-header" <<HDR
#!/usr/bin/env bash
printf 'Cookie: access_token=%s\n' "\$(head -c 1024 /dev/urandom | base64 -w0 | tr '+/' '-_' | head -c $n)"
HDR
cat >"$work/key-header" <<'HDR'
#!/usr/bin/env bash
printf 'Authorization: Bearer sk-%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
HDR
chmod +x "$work/cookie-header" "$work/key-header"
export TARGET_floor_cookie_CMD="$work/loadtest floor -mode cookie -addr \$ADDR"
export TARGET_floor_cookie_HEADER_CMD="$work/cookie-header"
export TARGET_floor_key_CMD="$work/loadtest floor -mode key -addr \$ADDR"
export TARGET_floor_key_HEADER_CMD="$work/key-header"
export EXAMPLE=${EXAMPLE:-examples/minimal} PORT=${PORT:-18391}
# The harness prints its summary, then copies its results under
# $shared/results, which may not exist (or be writable): the summary is
# what counts.
MODES=${MODES:-"bare floor_cookie fastauth_cookie floor_key sha256key fastauth_key"} \
	bash "$shared/fastauth-vs-peers.sh" . "${ROUNDS:-5}" >"$work/out" 2>&1 || true
grep -v '^cp: cannot create directory' "$work/out"
grep -q '^== summary' "$work/out"
