import Testing

@testable import dancenet

// MARK: - --budget: byte counts and the arena check

@Suite struct ByteCountTests {
  @Test(arguments: [
    ("131072", 131_072), ("128K", 131_072), ("128k", 131_072), ("1M", 1_048_576), ("1m", 1_048_576),
    ("1", 1), ("007", 7),
  ])
  func acceptsDigitsWithKOrM(_ text: String, _ bytes: Int) throws {
    #expect(try ByteCount.parse(text, flag: "--budget") == bytes)
  }

  @Test func refusesWithOneLine() {
    let notACount = "is not a byte count (digits, optionally K or M: 131072, 128K, 1M)"
    for (text, line) in [
      ("12Q", "--budget '12Q' \(notACount)"), ("-5", "--budget '-5' \(notACount)"),
      ("", "--budget '' \(notACount)"), ("K", "--budget 'K' \(notACount)"),
      ("1.5M", "--budget '1.5M' \(notACount)"), (" 5", "--budget ' 5' \(notACount)"),
      ("0", "--budget must be at least 1 byte, got '0'"),
      ("99999999999999999999", "--budget '99999999999999999999' is too large"),
      ("9000000000000000M", "--budget '9000000000000000M' is too large"),
    ] {
      #expect(throws: ByteCount.Invalid(description: line)) { try ByteCount.parse(text, flag: "--budget") }
    }
  }
}
