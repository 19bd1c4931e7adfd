# The two commands for a fresh machine are `make demo` and `make test`; see README.md.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

DEMO_ADDR ?= 127.0.0.1:8080
DEMO_DB   ?= data/demo.sqlite3

.PHONY: setup build size size-top test test-native test-browser test-e2e demo bench bench-server

setup:
	@scripts/setup.sh

build: setup
	@scripts/build.sh

size: build
	@node scripts/size.mjs

# Where the marketing-page wasm's bytes go, per function and crate. Builds a copy that keeps its
# names in its own target dir (target/size-probe), so the main build cache stays valid.
SIZE_TOP_FEATURES ?= --no-default-features --features browser
# As in scripts/build.sh (what rustc enables for wasm32 by default).
WASM_FEATURES := --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --enable-call-indirect-overlong
size-top: setup
	CARGO_TARGET_DIR=target/size-probe CARGO_PROFILE_RELEASE_STRIP=false \
	  cargo build --release --target wasm32-unknown-unknown -p privacy-widget --lib $(SIZE_TOP_FEATURES)
	wasm-bindgen --target web --out-dir target/size-probe/bindgen --out-name probe \
	  target/size-probe/wasm32-unknown-unknown/release/privacy_widget.wasm
	tests/e2e/node_modules/.bin/wasm-opt -Oz -g --strip-dwarf $(WASM_FEATURES) \
	  target/size-probe/bindgen/probe_bg.wasm -o target/size-probe/probe.wasm
	@node scripts/wasm-top.mjs target/size-probe/probe.wasm 40

# Every layer; scripts/test.sh prints each runner's summary and a final total.
test: build
	@scripts/test.sh

test-native: setup
	@scripts/test.sh native

test-browser: setup
	@scripts/test.sh browser

test-e2e: build
	@scripts/test.sh e2e

# The server is the debug build that `make test` uses too (one build, not two).
demo: build
	@mkdir -p $(dir $(DEMO_DB))
	cargo build -p privacy-widget-server
	@echo "privacy-widget demo: http://$(DEMO_ADDR)/  (Ctrl-C stops it)"
	target/debug/privacy-widget-server --addr $(DEMO_ADDR) --db $(DEMO_DB) --www www --widget dist

# Side by side with vanilla-cookieconsent 3 and klaro in headless Chromium (issue 7): prints the
# table and writes it into README.md. bench/'s npm packages are installed when missing or when
# package-lock.json changed. Options: make bench BENCH_ARGS="--runs 40 --cpu-throttle 4".
bench: build
	@cd bench && { cmp -s package-lock.json node_modules/.bench-lock || { npm ci --no-audit --no-fund && cp package-lock.json node_modules/.bench-lock; }; }
	node bench/run.mjs $(BENCH_ARGS)

# Consent records and sign-in token exchanges per second and p50/p99 at 50 clients for 10 s, and
# webhook deliveries per second (50,000 events from the outbox to a verifying receiver), against
# SQLite and PostgreSQL (a throwaway cluster from scripts/with-postgres.sh, or PW_BENCH_PG_URL),
# `--profile server` build; prints the tables and writes them into README.md.
bench-server:
	@if [ -z "$$PW_BENCH_PG_URL" ] && [ -x scripts/with-postgres.sh ] && grep -rqs postgres server/src/db; then \
	  scripts/with-postgres.sh scripts/bench-server.sh; else scripts/bench-server.sh; fi
