#!/usr/bin/env bash
# Idle memory after a sign-in burst (issue 20): starts the example server
# on a fresh SQLite database of seeded users, sends 200 concurrent
# sign-ins (one each, internal/loadtest signin -once), waits 30 s without
# traffic and prints the server's VmRSS. Fails when it is above
# TARGET_MIB (60). Everything listens on and talks to 127.0.0.1 only.
#
#   scripts/idle-rss.sh                  # or: make idle-rss
#   CONC=400 QUIET=60 scripts/idle-rss.sh
#   SERVER_BIN=/tmp/server-main scripts/idle-rss.sh   # another build of examples/server
set -euo pipefail

cd "$(dirname "$0")/.."

WORK=${WORK:-/tmp/fastauth-idle-rss}
CONC=${CONC:-200}         # concurrent sign-ins
QUIET=${QUIET:-30}        # seconds without traffic before the reading
TARGET_MIB=${TARGET_MIB:-60}
APP=${APP:-127.0.0.1:18090}
PASSWORD=idle-rss-password-1
SECRET=idle-rss-secret-0123456789abcdef0123456789abcdef

mkdir -p "$WORK/bin"
echo "== build"
SERVER=${SERVER_BIN:-$WORK/bin/server}
[ -n "${SERVER_BIN:-}" ] || go build -o "$SERVER" ./examples/server
go build -o "$WORK/bin/loadtest" ./internal/loadtest
LT="$WORK/bin/loadtest"

if curl -s -o /dev/null --max-time 1 "http://$APP/"; then
	echo "idle-rss: something already answers at $APP; set APP=host:port" >&2
	exit 1
fi

rm -f "$WORK/idle.db"
echo "== seed $CONC users"
"$LT" seed -db "sqlite://$WORK/idle.db" -users "$CONC" -keys 1 -password "$PASSWORD" >/dev/null

ADDR=$APP DATABASE_URL="sqlite://$WORK/idle.db" AUTH_JWT_SECRET=$SECRET LOG_REQUESTS=false \
	AUTH_RATE_LIMIT_PER_IP=0 "$SERVER" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
	curl -fs -o /dev/null "http://$APP/healthz" && break
	sleep 0.1
done
kill -0 "$PID" 2>/dev/null || { echo "idle-rss: the server exited; see $WORK/server.log" >&2; exit 1; }

rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }
echo "started: VmRSS $(rss) MiB"
echo "== $CONC concurrent sign-ins"
"$LT" signin -url "http://$APP" -c "$CONC" -once -d 120s -users "$CONC" -password "$PASSWORD" -pid "$PID"
echo "after the burst: VmRSS $(rss) MiB"
for s in $(seq 5 5 "$QUIET"); do
	sleep 5
	echo "quiet ${s}s: VmRSS $(rss) MiB"
done
IDLE=$(rss)
awk '/^(RssAnon|RssFile|RssShmem)/ { printf "%s %.1f MiB  ", $1, $2 / 1024 } END { print "" }' "/proc/$PID/status"
echo "idle-rss: VmRSS ${IDLE} MiB after ${QUIET}s quiet (target <= ${TARGET_MIB} MiB)"
awk -v r="$IDLE" -v t="$TARGET_MIB" 'BEGIN { exit !(r <= t) }' || { echo "idle-rss: above target" >&2; exit 1; }
