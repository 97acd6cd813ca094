// swift-tools-version:6.0
import PackageDescription

// Hot targets are compiled for Haswell (AVX2 + FMA): a default release build targets baseline
// x86-64, where the SIMD loops run about 100x slower. `x86-64-v3` is refused by this toolchain.
let hotFlags: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell", "-Ounchecked"]),
]

let package = Package(
    name: "FaceGender",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "facegender", targets: ["facegender"]),
        .library(name: "FaceGenderEngine", targets: ["FaceGenderEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C libraries, as modulemaps over Debian's -dev packages.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG"),
        .systemLibrary(name: "CSpng", path: "Sources/CSpng"),
        .systemLibrary(name: "CWebP", path: "Sources/CWebP"),

        // Tensors, layers, losses, optimisers, safetensors. Knows nothing of images or HTTP.
        .target(name: "FaceGenderEngine", dependencies: ["CBLAS"], swiftSettings: hotFlags),

        // Decoding (JPEG, PNG, WebP; EXIF orientation; size limits), resampling and augmentation.
        .target(name: "FaceGenderImaging", dependencies: ["CTurboJPEG", "CSpng", "CWebP"], swiftSettings: hotFlags),

        // Face detection behind the `FaceDetector` protocol: the learned detector (boxes and landmarks) and
        // Viola-Jones on OpenCV's Haar cascades.
        .target(name: "FaceGenderDetection", dependencies: ["FaceGenderEngine", "FaceGenderImaging"], swiftSettings: hotFlags),

        // The classifier: one preprocessing path, network, calibration, and the detect-crop-classify path.
        .target(name: "FaceGenderModel", dependencies: ["FaceGenderEngine", "FaceGenderImaging", "FaceGenderDetection"],
                swiftSettings: hotFlags),

        // Labelled datasets, the evaluator, metrics and reports; depends on the model, never on training.
        .target(name: "FaceGenderEvaluation", dependencies: ["FaceGenderModel"], swiftSettings: hotFlags),

        // The training loop, batches, checkpoints and calibration.
        .target(name: "FaceGenderTraining", dependencies: ["FaceGenderModel", "FaceGenderEvaluation"], swiftSettings: hotFlags),

        // The web app and JSON API (Hummingbird); depends on the model, never on training.
        .target(name: "FaceGenderServer", dependencies: [
            "FaceGenderModel", "FaceGenderImaging", "FaceGenderDetection",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Ink", package: "Ink"),
        ]),

        // The command-line tool: subcommands only.
        .executableTarget(
            name: "facegender",
            dependencies: [
                "FaceGenderEngine",
                "FaceGenderImaging",
                "FaceGenderDetection",
                "FaceGenderModel",
                "FaceGenderEvaluation",
                "FaceGenderTraining",
                "FaceGenderServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmarks (see bench/README.md): not tests, run by hand on a quiet machine.
        .executableTarget(name: "bench-engine", dependencies: ["FaceGenderEngine", "FaceGenderModel"], path: "bench/engine", exclude: ["torch_bench.py", "run"],
                          swiftSettings: hotFlags),
        .executableTarget(name: "bench-http", dependencies: ["FaceGenderServer", "FaceGenderModel", "FaceGenderDetection",
                                                            "FaceGenderImaging", "FaceGenderEngine"],
                          path: "bench/http", exclude: ["run"]),
        .executableTarget(name: "bench-detect", dependencies: ["FaceGenderDetection", "FaceGenderImaging", "FaceGenderEvaluation", "FaceGenderModel"], path: "bench/detect",
                          swiftSettings: hotFlags),
        .executableTarget(name: "bench-classify", dependencies: ["FaceGenderModel", "FaceGenderDetection", "FaceGenderImaging", "FaceGenderEngine"],
                          path: "bench/classify"),
        .executableTarget(name: "bench-robustness", dependencies: ["FaceGenderModel", "FaceGenderDetection", "FaceGenderImaging", "FaceGenderEngine"],
                          path: "bench/robustness"),

        // Where tests find ../shared.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["FaceGenderEngine", "FaceGenderDetection"]),
        .testTarget(name: "DetectionTests", dependencies: ["TestSupport", "FaceGenderDetection", "FaceGenderImaging"]),
        .testTarget(name: "EvaluationTests", dependencies: ["TestSupport", "FaceGenderEvaluation", "FaceGenderModel", "FaceGenderDetection",
                                                          "FaceGenderImaging", "FaceGenderEngine"]),
        .testTarget(name: "TrainingTests", dependencies: ["TestSupport", "FaceGenderTraining", "FaceGenderEvaluation", "FaceGenderModel", "FaceGenderDetection", "FaceGenderImaging", "FaceGenderEngine"]),
        .testTarget(name: "ServerTests", dependencies: [
            "TestSupport", "FaceGenderServer", "FaceGenderModel", "FaceGenderDetection", "FaceGenderImaging", "FaceGenderEngine",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // Runs the built `facegender` binary: output formats and exit statuses.
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "FaceGenderModel", "FaceGenderDetection", "FaceGenderEngine", "facegender"]),
        .testTarget(name: "ImagingTests", dependencies: ["FaceGenderImaging", "FaceGenderEngine", "CSpng", "CTurboJPEG", "CWebP"]),
    ],
    swiftLanguageModes: [.v5]
)
