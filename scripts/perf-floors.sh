#!/usr/bin/env bash
# The shared load harness (../shared/perf/baseline.sh) with two floors in
# the same rounds as bare gin and fastauth (issue 20, docs/performance.md):
# what receiving and reading the credential's header costs before any
# verification.
#
#   floor_cookie  gin + examples/minimal's body behind a check that an
#                 access_token cookie is present (a random base64url value
#                 as long as a signed-in user's token: COOKIE_LEN, 558)
#   floor_key     the same with an `Authorization: Bearer sk-<64 hex>`
#                 header present
#
# next to bare gin (no header), fastauth's cookie and key paths (the
# example's server signed in with the harness's own fastauth-header.sh)
# and the harness's sha256key (SHA-256 + map). The floors are
# `internal/loadtest floor`. It runs the example as the harness's
# fastauth-vs-peers.sh does, and keeps every round (runs.tsv, raw wrk
# output) in OUT, which that script cannot do when ../shared/perf is
# read-only.
#
#   scripts/perf-floors.sh                          # examples/minimal, 5 rounds
#   EXAMPLE=examples/server ROUNDS=3 scripts/perf-floors.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=$(cd "${SHARED_PERF:-../shared/perf}" 2>/dev/null && pwd) ||
	{ echo "perf-floors: no harness at ${SHARED_PERF:-../shared/perf} (set SHARED_PERF)" >&2; exit 1; }
example=${EXAMPLE:-examples/minimal}
OUT=${OUT:-/tmp/fastauth-perf-floors/$(basename "$example")-$(date -u +%Y%m%dT%H%M%SZ)}
bin=$OUT/bin
mkdir -p "$bin"
go build -o "$bin/server" "./$example"
go build -o "$bin/loadtest" ./internal/loadtest
n=${COOKIE_LEN:-558}
cat >"$bin/cookie-header" <<HDR
#!/usr/bin/env bash
printf 'Cookie: access_token=%s\n' "\$(head -c 1024 /dev/urandom | base64 -w0 | tr '+/' '-_' | head -c $n)"
HDR
cat >"$bin/key-header" <<'HDR'
#!/usr/bin/env bash
printf 'Authorization: Bearer sk-%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
HDR
chmod +x "$bin/cookie-header" "$bin/key-header"
# The example as fastauth-vs-peers.sh runs it: a fresh SQLite file per start.
run="env ADDR=\$ADDR DATABASE_URL=sqlite://$bin/perf-\$\$.db AUTH_JWT_SECRET=perf-secret-perf-secret-perf-secret-0123 AUTH_ACCESS_TTL=1h AUTH_COOKIE_SECURE=false AUTH_RATE_LIMIT_PER_IP=0 LOG_REQUESTS=false $bin/server"
export TARGET_fastauth_cookie_CMD="$run"
export TARGET_fastauth_cookie_HEADER_CMD="$shared/fastauth-header.sh \$ADDR cookie"
export TARGET_fastauth_key_CMD="$run"
export TARGET_fastauth_key_HEADER_CMD="$shared/fastauth-header.sh \$ADDR key"
export TARGET_floor_cookie_CMD="$bin/loadtest floor -mode cookie -addr \$ADDR"
export TARGET_floor_cookie_HEADER_CMD="$bin/cookie-header"
export TARGET_floor_key_CMD="$bin/loadtest floor -mode key -addr \$ADDR"
export TARGET_floor_key_HEADER_CMD="$bin/key-header"
MODES=${MODES:-"bare floor_cookie fastauth_cookie floor_key sha256key fastauth_key"} \
	ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-6s} PORT=${PORT:-18391} OUT=$OUT/results \
	bash "$shared/baseline.sh" >"$OUT/log" 2>&1 || { tail -20 "$OUT/log"; exit 1; }
sed -n '/== summary/,$p' "$OUT/log" | sed '/Raw data/d'
echo "per round: $OUT/results/runs.tsv"
