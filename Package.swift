// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "MediaAlign",
  products: [
    .executable(name: "mediaalign", targets: ["mediaalign"]),
    .library(name: "MediaIO", targets: ["MediaIO"]),
    .library(name: "DSP", targets: ["DSP"]),
    .library(name: "TimeSeries", targets: ["TimeSeries"]),
    .library(name: "LabelStudio", targets: ["LabelStudio"]),
    .library(name: "Reports", targets: ["Reports"]),
    .library(name: "AlignKit", targets: ["AlignKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // MARK: - Implementation details

    /// FFmpeg's C API (libavformat, libavcodec, libavutil) plus one shim
    /// header for the macros Swift cannot import. Only MediaIO imports it.
    .systemLibrary(
      name: "CFFmpeg",
      pkgConfig: "libavformat libavcodec libavutil libswresample",
      providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswresample-dev"])]
    ),

    /// FFTW 3 (double precision) for the correlations. Only DSP imports it.
    .systemLibrary(name: "CFFTW", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),

    // MARK: - Public API

    /// The only module that touches FFmpeg pointers; its API is plain values.
    .target(name: "MediaIO", dependencies: ["CFFmpeg"]),
    /// Sensor CSV reading and writing, and time parsing.
    .target(name: "TimeSeries"),
    /// Signal processing on plain arrays: envelopes (and, later, correlation).
    .target(name: "DSP", dependencies: ["CFFTW"]),
    /// Escaping for generated HTML/XML and URLs (a leaf).
    .target(name: "Markup"),
    /// Label Studio configs, tasks and the legacy player: text generation only.
    .target(name: "LabelStudio", dependencies: ["Markup", "TimeSeries"]),
    /// The HTML/SVG report and the Markdown summary, rendered from a plain model.
    .target(name: "Reports", dependencies: ["Markup"]),
    /// The workflows the commands call.
    .target(name: "AlignKit", dependencies: ["MediaIO", "DSP", "TimeSeries", "LabelStudio", "Reports"]),
    /// The command-line tool: parsing and printing only.
    .executableTarget(
      name: "mediaalign",
      dependencies: [
        "AlignKit", "MediaIO", "DSP", "TimeSeries", "LabelStudio",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: - Unit test bundles

    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "MediaIOTests", dependencies: ["MediaIO", "TestSupport"]),
    .testTarget(name: "TimeSeriesTests", dependencies: ["TimeSeries", "TestSupport"]),
    .testTarget(name: "DSPTests", dependencies: ["DSP", "TestSupport"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "TestSupport"]),
    .testTarget(name: "LabelStudioTests", dependencies: ["LabelStudio", "TimeSeries", "TestSupport"]),
    .testTarget(
      name: "AlignKitTests", dependencies: ["AlignKit", "MediaIO", "DSP", "TimeSeries", "LabelStudio", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["TestSupport", "mediaalign", "LabelStudio", "TimeSeries"]),
  ]
)
