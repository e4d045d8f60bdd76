/// DESIGN §1: `t_media = offset + scale × (t_csv − csvOrigin)`, seconds.
public struct ClockMap: Sendable, Codable, Equatable {
  /// Media time of the CSV's first row, seconds.
  public var offset: Double
  /// Media seconds per sensor second.
  public var scale: Double
  /// `t_csv0`: the time value of the CSV's first data row, seconds.
  public var csvOrigin: Double

  public init(offset: Double, scale: Double, csvOrigin: Double) {
    self.offset = offset
    self.scale = scale
    self.csvOrigin = csvOrigin
  }

  public func mediaTime(_ csvTime: Double) -> Double { offset + scale * (csvTime - csvOrigin) }
  public func csvTime(_ mediaTime: Double) -> Double { csvOrigin + (mediaTime - offset) / scale }
}
