# fastauth: the two commands a newcomer needs are `make run` and `make test`.
# `make help` lists every target.

GO ?= go

# staticcheck 2026.2.2 (module version v0.8.2) supports Go 1.26. `go run`
# builds it from the module proxy on first use and caches it afterwards.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# swag generates the OpenAPI document in docs/ from the annotations in
# ginauth/ (general info in ginauth/openapi.go) and in the modules' packages
# listed in --dir (apikeys/, organizations/, mfa/, audit/); same version as go.mod.
# --parseDependencyLevel 1 lets it read the models ginauth re-exports from
# the contract package fastauth (Role, OrganizationKind).
SWAG_VERSION := v1.16.6
SWAG := $(GO) run github.com/swaggo/swag/cmd/swag@$(SWAG_VERSION)
SWAG_FLAGS := init --dir ./ginauth,./apikeys,./organizations,./mfa,./audit,./passkeys,./social,./users,./roles --generalInfo openapi.go --useStructName --requiredByDefault --parseDependencyLevel 1 --quiet

# Test services. The tests create a fresh database per backend on these
# servers and drop it afterwards, and use a unique key prefix on Redis.
# Override any of them on the command line or in the environment; set one
# empty to skip the tests that need that server:
#   make test                          # SQLite, PostgreSQL, MariaDB/MySQL, Redis
#   DB=sqlite make test                # SQLite and in-memory only: no servers needed
#   DB=postgres make test              # SQLite and PostgreSQL (and Redis)
#   DB=mysql make test                 # SQLite and MariaDB/MySQL (and Redis)
#   FASTAUTH_TEST_POSTGRES_DSN='postgres://me@db:5432/postgres?sslmode=disable' make test
DEFAULT_POSTGRES_DSN := postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
DEFAULT_MYSQL_DSN := root@tcp(127.0.0.1:3306)/?parseTime=true
DEFAULT_REDIS_ADDR := 127.0.0.1:6379

DB ?= all
ifeq ($(DB),sqlite)
  override FASTAUTH_TEST_POSTGRES_DSN :=
  override FASTAUTH_TEST_MYSQL_DSN :=
  override FASTAUTH_TEST_REDIS_ADDR :=
else ifeq ($(DB),postgres)
  FASTAUTH_TEST_POSTGRES_DSN ?= $(DEFAULT_POSTGRES_DSN)
  override FASTAUTH_TEST_MYSQL_DSN :=
else ifeq ($(DB),mysql)
  override FASTAUTH_TEST_POSTGRES_DSN :=
  FASTAUTH_TEST_MYSQL_DSN ?= $(DEFAULT_MYSQL_DSN)
else ifeq ($(DB),all)
  FASTAUTH_TEST_POSTGRES_DSN ?= $(DEFAULT_POSTGRES_DSN)
  FASTAUTH_TEST_MYSQL_DSN ?= $(DEFAULT_MYSQL_DSN)
else
  $(error DB must be all, sqlite, postgres or mysql, not "$(DB)")
endif
FASTAUTH_TEST_REDIS_ADDR ?= $(DEFAULT_REDIS_ADDR)
export FASTAUTH_TEST_POSTGRES_DSN FASTAUTH_TEST_MYSQL_DSN FASTAUTH_TEST_REDIS_ADDR

# Extra flags for go test, e.g. TESTFLAGS='-run TestEndToEnd -v'.
TESTFLAGS ?=
# Packages to test; PKG=./store/... narrows the run.
PKG ?= ./...

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# run builds the server and execs it (instead of `go run`), so that Ctrl-C
# reaches the server alone: it shuts down gracefully and make reports no
# error.
.PHONY: run
run: ## run the example server (SQLite, zero setup) on ADDR, default 127.0.0.1:8080
	@$(GO) build -o bin/fastauth-example-server ./examples/server
	exec ./bin/fastauth-example-server

.PHONY: run-cluster
run-cluster: ## two example servers (127.0.0.1:8081 and :8082) on one PostgreSQL database and one Redis, revocation immediate (docs/instances.md)
	bash scripts/run-cluster.sh

.PHONY: readme-walk
readme-walk: ## run the README's curl walk against a fresh example server and check every response's shape
	node scripts/readme-walk.mjs

.PHONY: test
test: ## go test -race -count=1 ./... (DB=sqlite to run without database servers)
	@echo "FASTAUTH_TEST_POSTGRES_DSN='$(FASTAUTH_TEST_POSTGRES_DSN)'"
	@echo "FASTAUTH_TEST_MYSQL_DSN='$(FASTAUTH_TEST_MYSQL_DSN)'"
	@echo "FASTAUTH_TEST_REDIS_ADDR='$(FASTAUTH_TEST_REDIS_ADDR)'"
	$(GO) test -race -count=1 -timeout 30m $(TESTFLAGS) $(PKG)
	$(GO) test -count=1 -tags purego ./internal/argon2id # the portable argon2 path of non-amd64 CPUs

.PHONY: timing-test
timing-test: ## sign-in timing test (production argon2id) without -race; make test skips it under -race
	$(GO) test -count=1 -v -run '^TestSignInTiming' ./ginauth

.PHONY: alloc-test
alloc-test: ## the allocation tests without -race (under it sync.Pool drops items at random, so some skip there)
	FASTAUTH_TEST_POSTGRES_DSN= FASTAUTH_TEST_MYSQL_DSN= FASTAUTH_TEST_REDIS_ADDR= $(GO) test -count=1 -run 'Allocations|AllocatesNothing|AllocatesNoBlocks' ./ginauth/... ./apikeys ./permissions ./internal/argon2id

.PHONY: fault-test
fault-test: ## database fault test alone (own PostgreSQL/MariaDB crashed, hung, restarted); also part of make test
	$(GO) test -count=1 -v ./internal/faulttest

.PHONY: test-quick
test-quick: ## quick run without the race detector, SQLite only
	FASTAUTH_TEST_POSTGRES_DSN= FASTAUTH_TEST_MYSQL_DSN= FASTAUTH_TEST_REDIS_ADDR= $(GO) test -count=1 $(TESTFLAGS) $(PKG)

.PHONY: lint
lint: fmt-check vet staticcheck deps-check ## gofmt -l (must be empty), go vet, staticcheck, deps-check

.PHONY: fmt-check
fmt-check: ## fail if any Go file is not gofmt-formatted
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path './sdk/node_modules/*' -not -path './.git/*')); \
	if [ -n "$$files" ]; then echo "gofmt: these files need formatting (run make fmt):"; echo "$$files"; exit 1; fi
	@echo "gofmt: ok"

.PHONY: fmt
fmt: ## gofmt -w every Go file
	gofmt -w $$(find . -name '*.go' -not -path './sdk/node_modules/*' -not -path './.git/*')

.PHONY: vet
vet: ## go vet ./...
	$(GO) vet ./...

# Packages a service links only if it asks for them: the SQLite and MySQL
# drivers (store/sqlite, store/sqlitecgo, store/mysql), go-redis
# (redislimit), and GORM with pgx (store, store/postgres).
OTHER_DIALECTS := github.com/mattn/go-sqlite3|github.com/glebarez/|modernc.org/|gorm.io/driver/sqlite|gorm.io/driver/mysql|github.com/go-sql-driver/mysql|github.com/redis/
STORAGE := $(OTHER_DIALECTS)|gorm.io/|github.com/jackc/pgx

.PHONY: deps-check
deps-check: ## a PostgreSQL-only service builds with CGO_ENABLED=0 and links no other driver; ginauth links no storage or Redis; tokenverify no storage, ginauth or (but ginverify) Gin
	@CGO_ENABLED=0 $(GO) build -o /dev/null ./examples/postgres
	@bad=$$(CGO_ENABLED=0 $(GO) list -deps ./examples/postgres | grep -E '^($(OTHER_DIALECTS))' || true); \
	if [ -n "$$bad" ]; then echo "deps-check: examples/postgres links packages of other dialects or Redis:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./ginauth | grep -E '^($(STORAGE))' || true); \
	if [ -n "$$bad" ]; then echo "deps-check: ginauth links storage or Redis packages:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./tokenverify/... | grep -E '^($(STORAGE)|github.com/fastauth/fastauth/(ginauth|store))' || true); \
	if [ -n "$$bad" ]; then echo "deps-check: tokenverify links storage packages or the fastauth server:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./tokenverify | grep -E '^github.com/gin-gonic/' || true); \
	if [ -n "$$bad" ]; then echo "deps-check: tokenverify (net/http) links Gin:"; echo "$$bad"; exit 1; fi
	@CGO_ENABLED=0 $(GO) build -o /dev/null ./examples/server
	@echo "deps-check: examples/postgres builds without cgo and links pgx alone; ginauth links no storage; tokenverify links neither storage nor ginauth (nor Gin outside ginverify); examples/server (SQLite) builds without cgo"

.PHONY: staticcheck
staticcheck: ## staticcheck ./... (pinned version)
	$(STATICCHECK) ./...

.PHONY: build
build: ## compile every package and the example server binary into bin/
	$(GO) build ./...
	$(GO) build -o bin/fastauth-example-server ./examples/server

.PHONY: tidy-check
tidy-check: ## fail if go.mod/go.sum are not tidy (prints the diff)
	$(GO) mod tidy -diff

.PHONY: openapi
openapi: ## regenerate docs/docs.go, docs/swagger.json and docs/swagger.yaml with swag
	$(SWAG) $(SWAG_FLAGS) --output docs

.PHONY: openapi-check
openapi-check: ## fail if docs/ is not what `make openapi` generates
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(SWAG) $(SWAG_FLAGS) --output "$$tmp/docs" && \
	for f in docs.go swagger.json swagger.yaml; do \
		diff -u "docs/$$f" "$$tmp/docs/$$f" || { echo "docs/$$f is stale: run make openapi"; exit 1; }; \
	done
	@echo "openapi: docs/ is up to date"

# Fuzz targets run by execution count, not duration (Go < 1.27 can end a
# duration-bounded run with a spurious "context deadline exceeded").
FUZZTIME ?= 2000x
FUZZ_TARGETS := FuzzEmailNormalize FuzzTokenVerify FuzzSecretParsers FuzzRequestCookie FuzzBindJSON FuzzRoutes FuzzNumericDate
# Fuzz targets of other packages, as package:target.
FUZZ_PKG_TARGETS := ./apikeys:FuzzListQuery ./apikeys:FuzzKeyShape ./internal/signingkey:FuzzParsePEM ./tokenverify:FuzzVerify ./tokenverify:FuzzParseJWKS ./passkeys:FuzzFinish ./mfa:FuzzNormalizeRecoveryCode ./mfa:FuzzCodeKind ./mfa:FuzzBodies ./social:FuzzParseCallback ./social:FuzzValidateRedirect

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME executions each (default 2000x)
	@for f in $(FUZZ_TARGETS); do \
		echo "fuzz: $$f ($(FUZZTIME))"; \
		$(GO) test ./ginauth -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done
	@for pt in $(FUZZ_PKG_TARGETS); do \
		p=$${pt%%:*}; f=$${pt#*:}; \
		echo "fuzz: $$p $$f ($(FUZZTIME))"; \
		$(GO) test $$p -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

.PHONY: sdk
sdk: ## regenerate sdk/src/client from docs/ and the SDK bundles of the demo page and ui/assets (Node >= 20.19)
	cd sdk && npm ci --no-audit --no-fund && npm run generate && npm run build:demo

.PHONY: sdk-test
sdk-test: ## SDK tests against the example server, then the headless-Chromium end-to-end test
	cd sdk && npm test && npm run test:browser

.PHONY: bench
bench: ## in-process benchmarks of the hot path: token verify, middleware, API keys, argon2id (docs/performance.md)
	$(GO) test ./ginauth ./apikeys ./internal/requestcookie ./internal/passwordhash -run '^$$' -bench 'AccessTokenVerify|Middleware|Authenticate|APIKeyRequest|APIKeyVerify|Chain|Known|Argon2idHash' -benchmem

.PHONY: loadtest
loadtest: ## load test: example server vs bare gin under wrk (scripts/loadtest.sh, docs/performance.md)
	bash scripts/loadtest.sh

.PHONY: perf-floors
perf-floors: ## the shared harness (../shared/perf) with the floors of the cookie and key headers in the same rounds (scripts/perf-floors.sh)
	bash scripts/perf-floors.sh

.PHONY: idle-rss
idle-rss: ## idle memory: example server VmRSS 30 s after 200 concurrent sign-ins, target <= 60 MiB (scripts/idle-rss.sh)
	bash scripts/idle-rss.sh

.PHONY: ci
ci: ## run the CI script (.ci/run) locally: services, tidy, lint, openapi, build, test
	bash .ci/run

.PHONY: clean
clean: ## remove build outputs and the example server's SQLite database
	rm -rf bin
	rm -f fastauth.db fastauth.db-shm fastauth.db-wal
