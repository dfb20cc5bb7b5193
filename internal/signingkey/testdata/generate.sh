#!/usr/bin/env bash
# Regenerates the key files the tests read, with OpenSSL 3. They are test
# keys: never use them to sign anything real.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

openssl genpkey -algorithm ed25519 -out ed25519.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem
openssl genpkey -algorithm X25519 -out x25519.pem
openssl ec -in p256.pem -out p256-sec1.pem 2>/dev/null
openssl ec -in p384.pem -out p384-sec1.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -out p256-ecparam.pem
openssl rsa -in rsa.pem -traditional -out rsa-pkcs1.pem 2>/dev/null
openssl pkcs8 -topk8 -in ed25519.pem -v2 aes-256-cbc -passout pass:test -out ed25519-encrypted.pem
openssl ec -in p256.pem -aes256 -passout pass:test -out p256-sec1-encrypted.pem 2>/dev/null
openssl pkey -in ed25519.pem -pubout -out ed25519-public.pem
openssl req -x509 -key p256.pem -subj /CN=test -days 1 -out p256-cert.pem 2>/dev/null
