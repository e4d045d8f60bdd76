import DSP
import TimeSeries

/// Writes an envelope as CSV `time,rms` (linear, full scale 1) or
/// `time,rms_db` (dBFS): time in media seconds, one row per grid point.
public func writeEnvelopeCSV(_ envelope: Envelope, decibels: Bool, to writer: inout ChunkWriter) throws(AtomicFile
  .WriteError)
{
  let values = decibels ? envelope.decibels() : envelope.values
  try writer.write(decibels ? "time,rms_db\n" : "time,rms\n")
  for (i, value) in values.enumerated() {
    try writer.write("\(envelope.time(at: i)),\(value)\n")
  }
}
