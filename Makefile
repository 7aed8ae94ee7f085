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

# test installs every client and server the tests drive, then runs them all.
test: test-deps build
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

test-deps:
	bash scripts/install-test-deps.sh

bench: build
	$(GO) run ./cmd/silo-bench

fuzz:
	bash scripts/fuzz.sh

clean:
	rm -rf bin
