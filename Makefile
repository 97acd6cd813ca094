# FaceGender: `make serve` and `make test` work on a fresh Debian 12 machine.
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
export FACEGENDER_SHARED ?= $(SHARED)

.PHONY: deps build serve test model detector bench-engine clean

deps:
	scripts/install-deps

build: deps
	$(SWIFT) build -c release --product facegender

serve: build
	.build/release/facegender serve --host 127.0.0.1 --port 8080

# One release build with the tests (the engine trains tiny models in the tests: debug would be slow);
# the browser test then drives the facegender binary from that same build.
test: deps
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build --parallel
	scripts/browser-test

# Retrains the shipped model from ../shared (about 50 minutes on the earlier 2-core machine, about 100 on the
# tenth session's slower one), then measures it on Test once.
# --keep-duplicates: the shipped model was trained before `train` left out byte-identical copies. (It was also
# trained before the detector's fallback, which now crops ~1% of photos it saw whole: same recipe, not same weights.)
model: build
	.build/release/facegender train --data $(SHARED)/datasets/utkface --architecture resnet-small-se --epochs 36 --oversample age=0-9:2 --subclasses-by age --seed 2 --keep-duplicates --view-scales 0.9,1,1.1 --output Models/default.safetensors --run-dir runs/default
	.build/release/facegender evaluate --data $(SHARED)/datasets/utkface/Test --model Models/default.safetensors \
		--metrics Models/default-test-metrics.json --report runs/default/evaluation.html

# Trains the face detector from ../shared (WIDER FACE scenes, All-Age-Faces portraits with landmarks), then
# measures it on the WIDER validation scenes (recall and precision by skin type, size, pose, occlusion, blur).
# About 50 minutes on 2 cores. Every command's default detector; the classifier is trained on its crops, so
# retrain the classifier (make model) after changing it (docs/detector.md).
detector: build
	.build/release/facegender train-detector --scenes $(SHARED)/datasets/widerface/Train.csv \
		--validation-scenes $(SHARED)/datasets/widerface/Validation.csv --portraits $(SHARED)/datasets/aaf/landmarks.csv \
		--epochs 40 --steps-per-epoch 300 --batch-size 16 --seed 1 --output Models/detector.safetensors --run-dir runs/detector
	.build/release/facegender evaluate-detector --detector Models/detector.safetensors --data $(SHARED)/datasets/widerface/Validation.csv

bench-engine: deps
	bench/engine/run

clean:
	rm -rf .build
