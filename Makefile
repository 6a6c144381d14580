# hpdiag-trace — see README.md.
GO       ?= go
PREFIX   ?= /usr/local
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
PYTHON   ?= python3

.PHONY: all build test bench demo generate check-generate install vet fmt clean cross

all: build

## build: bin/hpdiag-trace
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/hpdiag-trace ./cmd/hpdiag-trace

## demo: trace the bundled example app (examples/shop) and show its report
demo: build
	bin/hpdiag-trace -p examples/shop/shop.point --report shop-report.json -- $(PYTHON) examples/shop/shop.py

## test: vet, formatting and every test (eBPF and interpreter tests included)
test:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) test -count=1 -race -timeout 15m ./...

## bench: Go benchmarks of the pipeline, then each engine against a plain run
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./pipeline/ ./matcher/ ./pyre/
	$(GO) test -run '^$$' -bench 'BatchedCalls|ProgramPerCall' -benchmem -cpu 1 ./loader/
	$(GO) run ./bench -tracer bin/hpdiag-trace

## generate: rebuild the generated code: the BPF objects and their Go bindings
## (bpf/, with clang and libbpf-dev) and the CPython layouts (pyframes/, from
## each installed interpreter's headers)
generate:
	$(GO) generate ./...

## check-generate: fail when regeneration changes a committed file (CI runs it)
check-generate: generate
	@git diff --exit-code --stat -- bpf pyframes || { echo "generated files are out of date: run make generate and commit"; exit 1; }

## cross: the Windows build (shim engine only), vetted for Windows too; CI runs it
cross:
	GOOS=windows GOARCH=amd64 $(GO) vet ./cmd/... ./shim/... ./conf/... ./pipeline/... ./matcher/... ./points/...
	GOOS=windows GOARCH=amd64 $(GO) build -trimpath -o bin/hpdiag-trace.exe ./cmd/hpdiag-trace

## install: bin/hpdiag-trace to $(PREFIX)/bin
install: build
	install -D -m 0755 bin/hpdiag-trace $(DESTDIR)$(PREFIX)/bin/hpdiag-trace

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin shop-report.json
