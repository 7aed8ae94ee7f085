# Silo build entry points. `make run` and `make test` are the two set-up
# commands the README promises; everything else is for developers.
GO      ?= go
BIN     := bin/silo
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: build run test test-deps vet bench fuzz clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/silo

run: build
	./$(BIN) server --address 127.0.0.1:9000 './data/drive{1...4}'

# test installs every client the tests drive, builds the server, then runs them all.
# The end-to-end tests (tests/e2e) drive the freshly built bin/silo via SILO_BIN.
test: test-deps build
	$(GO) vet ./...
	SILO_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 20m ./...

# test-deps installs aws, s3cmd, rclone, boto3 (apt) and a pinned mc (go install).
test-deps:
	bash scripts/install-test-deps.sh

bench: build
	$(GO) run ./cmd/silo-bench $(BENCHFLAGS)

# fuzz runs every Fuzz* target for FUZZTIME (default 10s) each, one at a time.
FUZZTIME ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

clean:
	rm -rf bin
