#!/usr/bin/env bash
# Two example-server instances of one service: A on 127.0.0.1:8081 and B
# on 127.0.0.1:8082, one PostgreSQL database, one Redis (shared rate
# limits and the revocation broadcast), AUTH_REVOCATION=immediate, EdDSA
# tokens from one key file. Nothing in front of them: each answers on its
# own port. Ctrl-C stops both. See docs/instances.md for a curl walk.
#
#   make run-cluster
#   CLUSTER_PG=postgres://me@db:5432/postgres?sslmode=disable make run-cluster
#
# CLUSTER_PG is the PostgreSQL server's admin URL: the script creates the
# database $CLUSTER_DB there if it is missing (with psql). The signing key
# and the JWT secret are generated once into $CLUSTER_DIR and kept, so
# that sessions survive a restart of the cluster.
set -euo pipefail

cd "$(dirname "$0")/.."

CLUSTER_DIR=${CLUSTER_DIR:-bin/cluster}
CLUSTER_PG=${CLUSTER_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
CLUSTER_DB=${CLUSTER_DB:-fastauth_cluster}
CLUSTER_DATABASE_URL=${CLUSTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$CLUSTER_DB?sslmode=disable}
CLUSTER_REDIS_URL=${CLUSTER_REDIS_URL:-redis://127.0.0.1:6379/0}
ADDR_A=${ADDR_A:-127.0.0.1:8081}
ADDR_B=${ADDR_B:-127.0.0.1:8082}

for tool in psql openssl curl; do
	command -v "$tool" >/dev/null || { echo "run-cluster: $tool is required" >&2; exit 1; }
done
mkdir -p "$CLUSTER_DIR"

if ! psql "$CLUSTER_PG" -Atc "SELECT 1 FROM pg_database WHERE datname = '$CLUSTER_DB'" | grep -q 1; then
	psql "$CLUSTER_PG" -qc "CREATE DATABASE $CLUSTER_DB"
	echo "run-cluster: created database $CLUSTER_DB"
fi
# One Ed25519 key (PKCS#8 PEM) and one secret for both instances.
[ -f "$CLUSTER_DIR/signing.pem" ] || (umask 077 && openssl genpkey -algorithm ed25519 -out "$CLUSTER_DIR/signing.pem")
[ -f "$CLUSTER_DIR/jwt-secret" ] || (umask 077 && openssl rand -base64 48 | tr -d '\n' >"$CLUSTER_DIR/jwt-secret")
[ -f "$CLUSTER_DIR/mfa-key" ] || (umask 077 && openssl rand -base64 32 | tr -d '\n' >"$CLUSTER_DIR/mfa-key")

go build -o bin/fastauth-example-server ./examples/server

PIDS=()
stop() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# start NAME ADDR: one instance, its log lines prefixed with NAME.
start() {
	local name=$1 addr=$2
	if curl -s -o /dev/null --max-time 1 "http://$addr/"; then
		echo "run-cluster: something already listens on $addr; stop it first" >&2
		exit 1
	fi
	ADDR=$addr DATABASE_URL=$CLUSTER_DATABASE_URL REDIS_URL=$CLUSTER_REDIS_URL \
		AUTH_REVOCATION=immediate AUTH_TOKEN_ALG=EdDSA AUTH_SIGNING_KEY_FILE=$CLUSTER_DIR/signing.pem \
		AUTH_JWT_SECRET=$(cat "$CLUSTER_DIR/jwt-secret") AUTH_MFA_KEY=$(cat "$CLUSTER_DIR/mfa-key") \
		./bin/fastauth-example-server > >(sed -u "s/^/$name | /") 2>&1 &
	PIDS+=("$!")
	for _ in $(seq 1 200); do
		curl -fs -o /dev/null "http://$addr/healthz" && return 0
		sleep 0.05
	done
	echo "run-cluster: instance $name did not come up on $addr" >&2
	exit 1
}

# A first: it creates the tables, B finds them.
start A "$ADDR_A"
start B "$ADDR_B"
echo "run-cluster: A http://$ADDR_A  B http://$ADDR_B  (Ctrl-C stops both)"
wait -n  # either instance ending stops the other (trap)
