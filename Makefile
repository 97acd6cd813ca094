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

# Retrains the shipped model from ../shared on UTKFace, CelebA and All-Age-Faces together, on the shipped
# detector's crops (about 80 minutes on 2 cores), then measures it on their Test splits once, and on the faces of
# the WIDER scenes (photos no classifier trains on).
model: build
	.build/release/facegender train --data utkface=$(SHARED)/datasets/utkface --data celeba=$(SHARED)/datasets/celeba \
		--data aaf=$(SHARED)/datasets/aaf --architecture resnet-small-se --epochs 30 --oversample age=0-9:2 --subclasses-by age \
		--seed 2 --max-rotation 15 --max-shear 0.1 --blur 0.1 --low-light 0.1 --colour-cast 0.1 \
		--output Models/default.safetensors --run-dir runs/default
	cp runs/default/learning-curves.csv Models/default-learning-curves.csv
	.build/release/facegender evaluate --data utkface=$(SHARED)/datasets/utkface/Test --data celeba=$(SHARED)/datasets/celeba/Test \
		--data aaf=$(SHARED)/datasets/aaf/Test.csv --model Models/default.safetensors \
		--metrics Models/default-test-metrics.json --report Models/default-test-report.html
	.build/release/facegender evaluate --scenes wider=$(SHARED)/datasets/widerface/Validation.csv \
		--scenes wider=$(SHARED)/datasets/widerface/Train.csv --model Models/default.safetensors

# Trains the face detector from ../shared (WIDER FACE scenes, All-Age-Faces portraits with landmarks), then
# measures it on the WIDER validation scenes (recall and precision by skin type, size, pose, occlusion, blur).
# About 50 minutes on 2 cores. Every command's default detector; the classifier is trained on its crops, so
# retrain the classifier (make model) after changing it (docs/detector.md).
detector: build
	.build/release/facegender train-detector --scenes $(SHARED)/datasets/widerface/Train.csv \
		--validation-scenes $(SHARED)/datasets/widerface/Validation.csv --portraits $(SHARED)/datasets/aaf/landmarks.csv \
		--epochs 40 --steps-per-epoch 300 --batch-size 16 --seed 1 --low-light 0.15 --noise 0.15 --output Models/detector.safetensors --run-dir runs/detector
	.build/release/facegender evaluate-detector --detector Models/detector.safetensors --data $(SHARED)/datasets/widerface/Validation.csv

bench-engine: deps
	bench/engine/run

clean:
	rm -rf .build
