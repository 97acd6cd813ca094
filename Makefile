# FaceGender: `make serve` and `make test` work on a fresh Debian 12 machine.
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
export FACEGENDER_SHARED ?= $(SHARED)

.PHONY: deps build serve test model bench-engine clean

deps:
	scripts/install-deps

build: deps
	$(SWIFT) build -c release --product facegender

serve: build
	.build/release/facegender serve --host 127.0.0.1 --port 8080

test: deps
	$(SWIFT) build -c release --product facegender
	$(SWIFT) test -c release --parallel
	scripts/browser-test

model: build
	.build/release/facegender train --data $(SHARED)/datasets/utkface --output Models/default.safetensors --report-dir runs/default

bench-engine: deps
	bench/engine/run

clean:
	rm -rf .build
