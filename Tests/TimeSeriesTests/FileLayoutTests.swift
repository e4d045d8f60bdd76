import Foundation
import TestSupport
import Testing
import TimeSeries

/// `FileLayout` detection as `CSVReader` obeys it, on small files in each
/// layout, and the advice given where detection cannot help.
@Suite("file layouts")
struct FileLayoutTests: ReadsCSV {
  @Test("Empatica E4: start and rate rows give the times; one column is named by the file")
  func empatica() throws {
    let table = try read("1709283600.000000\n4.000000\n0.5\n0.6\n0.7\n0.8\n0.9\n", name: "EDA.csv")
    #expect(table.layout.format == .empaticaE4)
    #expect(table.times == [1_709_283_600, 1_709_283_600.25, 1_709_283_600.5, 1_709_283_600.75, 1_709_283_601])
    #expect(table.columns.map(\.name) == ["eda"] && table.timeColumn == nil)
    #expect(table.layout.summary == "read as an Empatica E4 file: start 2024-03-01 09:00:00 UTC, 4 Hz, 1 column (eda)")
    // Read as a plain CSV it used to fail with "time goes backwards … --sort".
    let plain = try readError("1709283600.0\n4.0\n0.5\n0.6\n", CSVOptions(skipRows: 0))
    #expect(!plain.contains("--sort"), "\(plain)")
  }

  @Test("ActiGraph: the header block's date format reads the Timestamp column; without one, Start Date + Time at N Hz")
  func actigraph() throws {
    let block = """
      ------------ Data File Created By ActiGraph GT3X+ ActiLife v6.13.4 Firmware v2.5.0 date format dd/MM/yyyy at 10 Hz  Filter Normal -----------
      Serial Number: NEO1F12345678
      Start Time 13:30:00
      Start Date 02/03/2024
      Epoch Period (hh:mm:ss) 00:00:00
      Download Time 14:12:04
      Download Date 02/03/2024
      Current Memory Address: 0
      Current Battery Voltage: 4.19     Mode = 12
      --------------------------------------------------

      """
    let stamped = try read(
      block + "Timestamp,Accelerometer X,Accelerometer Y,Accelerometer Z\n"
        + "02/03/2024 13:30:00.000,0.1,0.2,0.9\n02/03/2024 13:30:00.100,0.1,0.2,0.9\n02/03/2024 13:30:00.200,0.1,0.2,0.9\n"
    )
    #expect(stamped.layout.format == .actigraph && stamped.timeColumn == "Timestamp")
    #expect(abs(stamped.times[2] - (1_709_386_200 + 0.2)) < 1e-6, "\(stamped.times)")
    let bare = try read(block + "0.1,0.2,0.9\n0.1,0.2,0.9\n0.1,0.2,0.9\n")
    #expect(bare.times == [1_709_386_200, 1_709_386_200.1, 1_709_386_200.2])
    #expect(bare.columns.map(\.name) == ["Accelerometer X", "Accelerometer Y", "Accelerometer Z"])
  }

  @Test("OpenBCI v4 without a names row: the last column is the epoch time in ms")
  func openBCIv4() throws {
    let text = """
      %OpenBCI Raw EEG Data
      %Number of channels = 4
      %Sample Rate = 200.0 Hz
      %First Column = SampleIndex
      %Last Column = Timestamp
      0, 1.0, 2.0, 3.0, 4.0, 09:00:00.000, 1709283600000
      1, 1.0, 2.0, 3.0, 4.0, 09:00:00.005, 1709283600005
      2, 1.0, 2.0, 3.0, 4.0, 09:00:00.010, 1709283600010

      """
    let table = try read(text)
    #expect(table.layout.format == .openBCI && table.timeColumn == "Timestamp")
    #expect(abs(table.times[2] - 1_709_283_600.010) < 1e-6, "\(table.times)")
    #expect(table.layout.rateHz == nil, "the header's rate must not replace the timestamps")
  }

  @Test("comment lines anywhere once detected at the top; a units row sets the time unit")
  func commentsAndUnits() throws {
    let table = try read("# logger v2\n# 50 Hz\ntime,level\n0.00,1\n# pause\n0.02,2\n0.04,3\n")
    #expect(table.rowCount == 3 && table.layout.skippedLines == 2 && table.layout.format == .preamble)
    let units = try read("t,level\nms,dB\n0,1\n20,2\n40,3\n")
    #expect(units.times == [0, 0.02, 0.04] && units.layout.labelRows == 1 && units.layout.format == .unitsRow)
  }

  @Test("ragged data is not a preamble, and a header-less numeric file keeps its first row")
  func notPreambles() throws {
    // Rows of different widths: not a preamble to cut off.
    let ragged = try readError("time,a,b\n0,1,2\n1,1\n2,1,2\n")
    #expect(ragged.contains("line 3"), "\(ragged)")
    let bare = try read("0.00,1,2\n0.02,3,4\n0.04,5,6\n")
    #expect(
      bare.rowCount == 3 && bare.columns.map(\.name) == ["column_1", "column_2"] && bare.layout.format == .noHeader)
  }

  @Test("a preamble detection missed: the advice is --skip-rows, not --time-format or --sort")
  func advice() throws {
    // A preamble of value rows as wide as the data, then a reset clock.
    let text = "Start,1709283600\nRate,50\ntime,level\n0.00,1\n0.02,2\n0.04,3\n"
    let table = try read(text)
    #expect(table.rowCount == 3 && table.layout.skippedLines == 2, "\(table.layout)")
    let backwards = try readError("1000,1\n1,2\n2,3\n3,4\n", CSVOptions(hasHeader: false))
    #expect(backwards.contains("look like a preamble") && backwards.contains("--skip-rows"), "\(backwards)")
    let reset = try readError("time,v\n5000,1\n5001,2\n5002,3\n5003,4\n1,5\n2,6\n")
    #expect(reset.contains("the clock steps back 5002.0 s") && reset.contains("split the file at line 6"), "\(reset)")
  }

  @Test("--skip-rows, --comment and --start with --rate")
  func options() throws {
    let table = try read(
      "junk\nmore junk\n1\n2\n!note\n3\n",
      CSVOptions(hasHeader: false, rate: 2, start: 100, skipRows: 2, comment: UInt8(ascii: "!")))
    #expect(table.times == [100, 100.5, 101] && table.rowCount == 3)
    #expect(parseStartTime("2024-03-01T09:00:00Z") == 1_709_283_600 && parseStartTime("12.5") == 12.5)
    #expect(parseStartTime("yesterday") == nil)
  }
}
