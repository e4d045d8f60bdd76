import AlignKit
import ArgumentParser
import Foundation
import MediaIO
import TimeSeries

extension MediaAlign {
  struct EnvelopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "envelope",
      abstract: "Write the audio energy envelope (RMS) of a media file as CSV `time,rms`.",
      discussion: """
        Value at time t is the RMS of the samples in [t − 0.5/rate, t + 0.5/rate), on a grid \
        of multiples of 1/rate on the media clock (codec delay trimmed, late streams late, \
        gaps honoured as silence). Channels are averaged to mono.
        """
    )

    @Argument(help: "The media file.", completion: .file())
    var file: String

    @Option(help: "Envelope points per second (Hz).")
    var rate: Double = 100

    @Flag(help: "Write decibels full scale (column rms_db, silence floored at -120 dB) instead of linear RMS.")
    var db = false

    @Option(help: "The audio stream index (default: the first audio stream).")
    var stream: Int?

    @Option(help: "Decoders to run in parallel (default: the number of cores).")
    var threads: Int = EnvelopeOptions.defaultThreads

    @Option(name: [.short, .customLong("output")], help: "Write the CSV here (atomically) instead of stdout.")
    var output: String?

    func validate() throws {
      guard rate > 0 && rate <= 48000 else {
        throw ValidationError("--rate must be between 0 and 48000 Hz, got \(rate).")
      }
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
    }

    func run() async throws {
      ProcessMemory.returnLargeBlocksWhenFreed()
      let result: AudioEnvelope
      ProtectedInputs.shared.protect(file)
      do {
        result = try await audioEnvelope(
          path: file, options: EnvelopeOptions(rate: rate, streamIndex: stream, threads: threads))
      } catch {
        printError(error.description)
        throw ExitCode.failure
      }
      if !result.damage.isEmpty {
        printWarning("\(file): \(result.damage.warning(stream: result.track.streamIndex))")
      }
      do {
        let write = { (writer: inout ChunkWriter) throws(AtomicFile.WriteError) in
          try writeEnvelopeCSV(result.envelope, decibels: db, to: &writer)
        }
        if let output {
          try AtomicFile.write(to: output, write)
        } else {
          try AtomicFile.writeStandardOutput(write)
        }
      } catch {
        printError(error.description)
        throw ExitCode.failure
      }
    }
  }
}
