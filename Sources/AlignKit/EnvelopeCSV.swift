import DSP

/// `time,rms` CSV text of an envelope: time in media seconds, RMS linear
/// (full scale 1) or in dBFS.
public func envelopeCSV(_ envelope: Envelope, decibels: Bool) -> String {
  let values = decibels ? envelope.decibels() : envelope.values
  var text = decibels ? "time,rms_db\n" : "time,rms\n"
  text.reserveCapacity(values.count * 24)
  for (i, value) in values.enumerated() {
    text += "\(envelope.time(at: i)),\(value)\n"
  }
  return text
}
