#!/usr/bin/env bash
# Load test of the authenticated hot path: the example server against a bare
# gin server, interleaved under wrk, server and load pinned to separate
# cores. Prints throughput ratios against bare gin; see docs/performance.md.
#
#   scripts/loadtest.sh                 # SQLite + PostgreSQL, ~8 minutes
#   PG= scripts/loadtest.sh             # SQLite only
#   DURATION=10s ROUNDS=5 scripts/loadtest.sh
#   TOKEN_ALG=EdDSA scripts/loadtest.sh # access tokens signed with Ed25519 (or ES256)
#
# Needs wrk (Debian: apt-get install -y wrk), taskset, and for the
# PostgreSQL part psql and a server at $PG. Everything listens on and
# talks to 127.0.0.1 only. The seeded databases are kept in $WORK (and the
# PostgreSQL database $PG_DB) so that later runs skip seeding.
set -euo pipefail

cd "$(dirname "$0")/.."

WORK=${WORK:-/tmp/fastauth-loadtest}
DURATION=${DURATION:-5s}         # each wrk run
ROUNDS=${ROUNDS:-3}              # interleaved rounds; the median is reported
CONNS=${CONNS:-64}               # wrk connections
USERS=${USERS:-100000}
KEYS=${KEYS:-100000}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
SIGNIN_CONC=${SIGNIN_CONC:-200}          # the burst: RSS and 503s under overload
SIGNIN_RATE_CONC=${SIGNIN_RATE_CONC:-8}   # the throughput run: enough to keep the hashing slot busy
SIGNIN_DURATION=${SIGNIN_DURATION:-20s}
REFRESH_CONC=${REFRESH_CONC:-32}
REFRESH_DURATION=${REFRESH_DURATION:-15s}
# PG is the server's admin URL (psql creates PG_DB there); empty skips
# the PostgreSQL part.
PG=${PG-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
PG_DB=${PG_DB:-fastauth_loadtest}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/$PG_DB?sslmode=disable}
# TOKEN_ALG is the access tokens' algorithm (AUTH_TOKEN_ALG): HS256, or
# EdDSA / ES256 with a key generated once into $WORK (openssl).
TOKEN_ALG=${TOKEN_ALG:-HS256}
PASSWORD=loadtest-password-1
SECRET=loadtest-secret-0123456789abcdef0123456789abcdef
APP=127.0.0.1:18080
BARE=127.0.0.1:18081

for tool in wrk taskset; do
	command -v "$tool" >/dev/null || { echo "loadtest: $tool is required (apt-get install -y $tool)" >&2; exit 1; }
done
mkdir -p "$WORK/bin"

# ALG_ENV is the server's token-algorithm environment, MINT_KEY how
# `loadtest tokens` signs like it.
case "$TOKEN_ALG" in
HS256)
	ALG_ENV=()
	MINT_KEY=(-secret "$SECRET")
	;;
EdDSA | ES256)
	KEY_FILE="$WORK/signing-$TOKEN_ALG.pem"
	if [ ! -f "$KEY_FILE" ]; then
		if [ "$TOKEN_ALG" = EdDSA ]; then
			openssl genpkey -algorithm ed25519 -out "$KEY_FILE"
		else
			openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$KEY_FILE"
		fi
	fi
	ALG_ENV=(AUTH_TOKEN_ALG="$TOKEN_ALG" AUTH_SIGNING_KEY_FILE="$KEY_FILE")
	MINT_KEY=(-key "$KEY_FILE")
	;;
*)
	echo "loadtest: TOKEN_ALG must be HS256, EdDSA or ES256, not $TOKEN_ALG" >&2
	exit 1
	;;
esac

echo "== build"
go build -o "$WORK/bin/server" ./examples/server
go build -o "$WORK/bin/bare" ./examples/bare
go build -o "$WORK/bin/loadtest" ./internal/loadtest
LT="$WORK/bin/loadtest"

PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

# wait_up URL: wait until URL answers.
wait_up() {
	for _ in $(seq 1 200); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.05
	done
	echo "loadtest: $1 did not come up" >&2
	exit 1
}

# port_free ADDR: fail unless nothing answers at ADDR (a server left over
# from an earlier run would otherwise be measured instead of ours).
port_free() {
	if curl -s -o /dev/null --max-time 1 "http://$1/"; then
		echo "loadtest: something already listens on $1; stop it first" >&2
		exit 1
	fi
}

# start_app DATABASE_URL: the example server pinned to SERVER_CPU.
start_app() {
	port_free "$APP"
	env ADDR=$APP DATABASE_URL="$1" AUTH_JWT_SECRET=$SECRET AUTH_ACCESS_TTL=1h LOG_REQUESTS=false \
		AUTH_RATE_LIMIT_PER_IP=0 "${ALG_ENV[@]}" taskset -c "$SERVER_CPU" "$WORK/bin/server" >"$WORK/server.log" 2>&1 &
	APP_PID=$!
	PIDS+=("$APP_PID")
	wait_up "http://$APP/healthz"
	kill -0 "$APP_PID" 2>/dev/null || { echo "loadtest: the example server exited; see $WORK/server.log" >&2; exit 1; }
}

stop_app() {
	kill "$APP_PID" 2>/dev/null || true
	wait "$APP_PID" 2>/dev/null || true
}

cat >"$WORK/keys.lua" <<'LUA'
-- Cycles through the API keys in $KEYS_FILE, each thread from its own place.
local keys = {}
for line in io.lines(os.getenv("KEYS_FILE")) do keys[#keys + 1] = line end
local i = math.random(#keys)
request = function()
	i = i % #keys + 1
	return wrk.format("GET", "/api/whoami", { ["Authorization"] = "Bearer " .. keys[i] })
end
LUA

cat >"$WORK/tokens.lua" <<'LUA'
-- Cycles through the access tokens in $TOKENS_FILE: many browsers.
local toks = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do toks[#toks + 1] = line end
local i = math.random(#toks)
request = function()
	i = i % #toks + 1
	return wrk.format("GET", "/api/whoami", { ["Cookie"] = "theme=dark; access_token=" .. toks[i] })
end
LUA

# run NAME URL [wrk args...]: one wrk run pinned to LOAD_CPU; appends
# "NAME ROUND rps p99 non2xx" to $WORK/results (ROUND from $ROUND).
run() {
	local name=$1 url=$2
	shift 2
	local out
	out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$@" "$url")
	local rps p99 bad
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
	echo "$name ${ROUND:-0} ${rps:-0} ${p99:-?} ${bad:-0}" >>"$WORK/results"
	printf '  %-22s %10s req/s  p99 %-8s non-2xx %s\n' "$name" "$rps" "$p99" "${bad:-0}"
}

# rotated R CMD...: runs the commands (one string each, eval'ed) starting
# with the (R mod N)-th, so that over the rounds every run takes every
# place in the sequence and a drift of the machine's speed within a round
# favours none of them.
rotated() {
	local r=$1
	shift
	local cmds=("$@") n=$# i
	for ((i = 0; i < n; i++)); do
		eval "${cmds[$(((i + r) % n))]}"
	done
}

# report: for each run, the median req/s over the rounds and the median of
# its per-round ratios to the bare gin run of the same round that received
# the same headers (bare: cookie headers, bare-bearer: the bearer header,
# pg-bare: the bearer header against the PostgreSQL server).
report() {
	echo
	printf '%-22s %12s %8s %s\n' run "median req/s" "x bare" "(median of per-round ratios; non-2xx expected only for no-credentials)"
	awk '
		function base(name) {
			if (name ~ /^pg-/) return "pg-bare"
			if (name ~ /^(apikey|bare-bearer)/) return "bare-bearer"
			return "bare"
		}
		function median(arr, m,    a, b, t) {
			for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (arr[b] < arr[a]) { t = arr[a]; arr[a] = arr[b]; arr[b] = t }
			return (m % 2) ? arr[(m + 1) / 2] : (arr[m / 2] + arr[m / 2 + 1]) / 2
		}
		{ rps[$1, $2] = $3; bad[$1] += $5; rounds[$1] = rounds[$1] " " $2; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
		END {
			for (i = 1; i <= k; i++) {
				name = order[i]; b = base(name)
				nr = split(substr(rounds[name], 2), rs, " ")
				split("", x); split("", q); nq = 0
				for (j = 1; j <= nr; j++) {
					x[j] = rps[name, rs[j]]
					if (((b, rs[j]) in rps) && rps[b, rs[j]] > 0) q[++nq] = rps[name, rs[j]] / rps[b, rs[j]]
				}
				printf "%-22s %12.0f %8s %s\n", name, median(x, nr), (nq ? sprintf("%.2f", median(q, nq)) : "-"), (bad[name] ? "non-2xx " bad[name] : "")
			}
		}' "$WORK/results"
}

: >"$WORK/results"
: >"$WORK/signin.txt"
rm -f "$WORK/refresh.txt"
KEYS_FILE="$WORK/keys.txt"
export KEYS_FILE
ONEKEY_FILE="$WORK/onekey.txt"

echo "== machine"
echo "  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  access tokens: $TOKEN_ALG"

echo "== seed SQLite ($USERS users, $KEYS keys)"
SQLITE_URL="sqlite://$WORK/loadtest.db"
"$LT" seed -db "$SQLITE_URL" -users "$USERS" -keys "$KEYS" -password "$PASSWORD" -keys-out "$KEYS_FILE"
head -n1 "$KEYS_FILE" >"$ONEKEY_FILE"
TOKENS_FILE="$WORK/tokens.txt"
export TOKENS_FILE
echo "== mint $USERS $TOKEN_ALG access tokens (distinct users and sessions) with the server's key"
"$LT" tokens "${MINT_KEY[@]}" -n "$USERS" -ttl 2h -out "$TOKENS_FILE"

start_app "$SQLITE_URL"
port_free "$BARE"
ADDR=$BARE taskset -c "$SERVER_CPU" "$WORK/bin/bare" >"$WORK/bare.log" 2>&1 &
PIDS+=("$!")
wait_up "http://$BARE/healthz"

TOKEN=$("$LT" token -url "http://$APP" -email user000000@loadtest.example -password "$PASSWORD")
COOKIE="Cookie: theme=dark; access_token=$TOKEN"
KEY=$(cat "$ONEKEY_FILE")
UA="User-Agent: Mozilla/5.0 (X11; Linux x86_64) loadtest"

echo "== warm-up"
DURATION=2s run warmup-bare "http://$BARE/api/whoami" -H "$COOKIE" -H "$UA" >/dev/null
DURATION=2s run warmup-app "http://$APP/api/whoami" -H "$COOKIE" -H "$UA" >/dev/null
: >"$WORK/results"

echo "== SQLite: $ROUNDS interleaved rounds of $DURATION, $CONNS connections, order rotated each round"
for ROUND in $(seq 1 "$ROUNDS"); do
	echo " round $ROUND"
	rotated "$ROUND" \
		'run bare "http://$BARE/api/whoami" -H "$COOKIE" -H "$UA"' \
		'run cookie "http://$APP/api/whoami" -H "$COOKIE" -H "$UA"' \
		'run bare-bearer "http://$BARE/api/whoami" -H "Authorization: Bearer $KEY" -H "$UA"' \
		'run apikey-warm "http://$APP/api/whoami" -H "Authorization: Bearer $KEY" -H "$UA"' \
		'run no-credentials-401 "http://$APP/api/whoami" -H "$UA"'
done
# The scale runs come after the head-to-head rounds: they fill the
# caches and grow the heap, which the warm runs should not inherit
# half-way. Each is compared with a bare run right before it.
echo "== SQLite at scale: $USERS distinct tokens, $KEYS distinct keys"
for ROUND in $(seq 1 "$ROUNDS"); do
	echo " round $ROUND"
	ROUND=s$ROUND
	run bare "http://$BARE/api/whoami" -H "$COOKIE" -H "$UA"
	run cookie-${USERS}tokens "http://$APP/api/whoami" -s "$WORK/tokens.lua" -H "$UA"
	run bare-bearer "http://$BARE/api/whoami" -H "Authorization: Bearer $KEY" -H "$UA"
	run apikey-${KEYS}keys "http://$APP/api/whoami" -s "$WORK/keys.lua" -H "$UA"
done
ROUND=0

echo "== sign-in: argon2id hash rate on the server's core, $SIGNIN_RATE_CONC concurrent sign-ins (throughput), hash rate again, then a burst of $SIGNIN_CONC (RSS, 503s)"
taskset -c "$SERVER_CPU" "$LT" hashrate -d 5s | tee -a "$WORK/signin.txt"
taskset -c "$LOAD_CPU" "$LT" signin -url "http://$APP" -c "$SIGNIN_RATE_CONC" -d "$SIGNIN_DURATION" \
	-users "$USERS" -password "$PASSWORD" -pid "$APP_PID" | tee -a "$WORK/signin.txt"
taskset -c "$SERVER_CPU" "$LT" hashrate -d 5s | tee -a "$WORK/signin.txt"
taskset -c "$LOAD_CPU" "$LT" signin -url "http://$APP" -c "$SIGNIN_CONC" -d "$SIGNIN_DURATION" \
	-users "$USERS" -password "$PASSWORD" -probe /api/whoami -probe-cookie "access_token=$TOKEN" -pid "$APP_PID" | tee "$WORK/signin-burst.txt"
# The machine's hash rate: the mean of the measurements before and after.
HASH_RATE=$(awk '/^hashrate/ { for (i = 1; i <= NF; i++) if ($i ~ /^per_second=/) { sub("per_second=", "", $i); s += $i; n++ } } END { if (n) print s / n }' "$WORK/signin.txt")
SIGNIN_RATE=$(awk '/^signin concurrency/ { for (i = 1; i <= NF; i++) if ($i ~ /^ok_per_second=/) { sub("ok_per_second=", "", $i); print $i } }' "$WORK/signin.txt" | tail -n1)
cat "$WORK/signin-burst.txt" >>"$WORK/signin.txt"
stop_app

if [ -n "$PG" ]; then
	echo "== PostgreSQL ($PG_DB)"
	if ! psql "$PG" -Atc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
		psql "$PG" -qc "CREATE DATABASE $PG_DB"
	fi
	"$LT" seed -db "$PG_URL" -users "$USERS" -keys "$KEYS" -password "$PASSWORD"
	start_app "$PG_URL"
	TOKEN=$("$LT" token -url "http://$APP" -email user000000@loadtest.example -password "$PASSWORD")
	COOKIE="Cookie: theme=dark; access_token=$TOKEN"
	for ROUND in $(seq 1 "$ROUNDS"); do
		echo " round $ROUND"
		ROUND=pg$ROUND
		run pg-bare "http://$BARE/api/whoami" -H "Authorization: Bearer $KEY" -H "$UA"
		run pg-apikey-warm "http://$APP/api/whoami" -H "Authorization: Bearer $KEY" -H "$UA"
		run pg-apikey-${KEYS}keys "http://$APP/api/whoami" -s "$WORK/keys.lua" -H "$UA"
	done
	ROUND=0
	echo "== refresh rotation on PostgreSQL, $REFRESH_CONC clients"
	taskset -c "$LOAD_CPU" "$LT" refresh -url "http://$APP" -c "$REFRESH_CONC" -d "$REFRESH_DURATION" -password "$PASSWORD" | tee "$WORK/refresh.txt"
	stop_app
fi

echo
echo "== results ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
report
echo
awk -v h="$HASH_RATE" -v s="$SIGNIN_RATE" 'BEGIN { if (h > 0) printf "sign-in: %.1f/s vs argon2id %.1f hashes/s on the server core: %.2fx\n", s, h, s / h }'
grep -h '^signin-rss\|^signin-probe' "$WORK/signin.txt" | tail -n2
[ -f "$WORK/refresh.txt" ] && cat "$WORK/refresh.txt"
echo "raw runs: $WORK/results"
