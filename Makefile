# Every target installs what it needs, so a fresh clone needs only `make run` or `make test`.
SHELL := /bin/bash

# Node.js: the `node` on PATH when it is 22 or newer, else the pinned Node 24 LTS that
# scripts/toolchain.sh unpacks from the npm registry into .toolchain/ (its headers then build
# native modules). Every target below runs with it first on PATH.
NODE_BIN := $(shell scripts/toolchain.sh)
ifeq ($(NODE_BIN),)
$(error no Node.js 22 or newer, and none could be fetched: see scripts/toolchain.sh)
endif
export PATH := $(NODE_BIN):$(PATH)
ifneq ($(findstring /.toolchain/,$(NODE_BIN)),)
export npm_config_nodedir := $(abspath $(NODE_BIN)/..)
endif

NODE_TEST := node --import tsx --test --test-reporter=spec
UNIT_TESTS = $(shell find test/unit -name '*.test.ts' | sort)
INTEGRATION_TESTS = $(shell find test/integration -name '*.test.ts' | sort)
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install generate build lint typecheck test test-unit test-integration test-sqlite \
	test-postgres test-production run start bench-engine bench-api bench-persistence \
	bench-expressions bench-waits bench-access bench-engine-host bench-dispatch bench-scale node fuzz

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: node_modules/.installed

src/gen/.generated: node_modules/.installed $(shell find proto -name '*.proto') buf.gen.yaml
	npx buf generate
	touch $@

generate: src/gen/.generated

# The production build: dist/ runs with `node dist/main.js` and production dependencies only.
build: generate
	npx tsc -p tsconfig.build.json

lint: generate
	npx biome check --error-on-warnings .
	npx depcruise src --config .dependency-cruiser.cjs
	npx buf lint

typecheck: generate
	npx tsc --noEmit

test-unit: generate
	$(NODE_TEST) $(UNIT_TESTS)

test-sqlite: generate
	TEST_DATABASE=sqlite $(NODE_TEST) $(INTEGRATION_TESTS)

test-postgres: generate
	TEST_DATABASE=postgresql TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) $(NODE_TEST) $(INTEGRATION_TESTS)

test-integration: test-sqlite test-postgres

# The production path: build, install production dependencies only, start dist/main.js.
test-production: install
	bash scripts/production-check.sh

# The whole suite: static checks, unit tests, the integration tests on both databases, and the
# production build started on production dependencies only.
test: lint typecheck test-unit test-integration test-production

# A longer fuzz run than the one in the integration suite, on SQLite then PostgreSQL:
# make fuzz FUZZ_REQUESTS=100000 [FUZZ_SEED=<seed printed by a failed run>]
FUZZ_REQUESTS ?= 20000
# A random seed per database unless FUZZ_SEED is given (make test replays a fixed one).
fuzz: generate
	TEST_DATABASE=sqlite FUZZ_REQUESTS=$(FUZZ_REQUESTS) FUZZ_SEED=$${FUZZ_SEED:-$$RANDOM$$RANDOM} \
		$(NODE_TEST) test/integration/fuzz/fuzz.test.ts
	TEST_DATABASE=postgresql TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) FUZZ_REQUESTS=$(FUZZ_REQUESTS) \
		FUZZ_SEED=$${FUZZ_SEED:-$$RANDOM$$RANDOM} $(NODE_TEST) test/integration/fuzz/fuzz.test.ts

# Development: the service from its TypeScript sources.
run: generate
	node --import tsx src/main.ts

# Production: the built service.
start: build
	node dist/main.js

bench-engine: generate
	node --import tsx bench/engine/run.ts

bench-api: generate
	node --import tsx bench/api/run.ts

bench-persistence: generate
	TEST_DATABASE=sqlite node --import tsx bench/persistence/lifecycle.ts 10000 16
	TEST_DATABASE=postgresql TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) node --import tsx bench/persistence/lifecycle.ts 10000 16

# Several service processes on one PostgreSQL: throughput and CPU with 1-3 processes,
# cross-process cancel and watch latency, resume after kill -9.
bench-scale: generate
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) node --import tsx bench/scale/run.ts

bench-expressions: generate
	node --import tsx bench/expressions/run.ts

bench-waits: generate
	node --import tsx bench/waits/run.ts 10000 200 both

bench-access: generate
	node --import tsx bench/access-timing/run.ts

bench-engine-host: generate
	node --import tsx bench/engine-host/run.ts

bench-dispatch: generate
	TEST_DATABASE=sqlite node --import tsx bench/dispatch/run.ts 2000
	TEST_DATABASE=postgresql TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) node --import tsx bench/dispatch/run.ts 2000

# Prints which Node.js the targets use.
node:
	@command -v node; node --version
