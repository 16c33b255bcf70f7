# Every target installs what it needs, so a fresh clone needs only `make run` or `make test`.
SHELL := /bin/bash
NODE_TEST := node --import tsx --test --test-reporter=spec
UNIT_TESTS = $(shell find test/unit -name '*.test.ts' | sort)
INTEGRATION_TESTS = $(shell find test/integration -name '*.test.ts' | sort)
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install generate lint typecheck test test-unit test-integration test-sqlite test-postgres run bench-engine bench-api bench-expressions

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: node_modules/.installed

src/gen/.generated: node_modules/.installed $(shell find proto -name '*.proto') buf.gen.yaml
	npx buf generate
	touch $@

generate: src/gen/.generated

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

# The whole suite: static checks, unit tests, then the integration tests on both databases.
test: lint typecheck test-unit test-integration

run: generate
	node --import tsx src/main.ts

bench-engine: generate
	node --import tsx bench/engine/run.ts

bench-api: generate
	node --import tsx bench/api/run.ts

bench-expressions: generate
	node --import tsx bench/expressions/run.ts
