import Foundation
import Int8Runtime
import Testing

// MARK: - Decimal text to Q16, against exact rational arithmetic

@Suite struct DecimalQ16Tests {
  @Test func examplesOfTheDocComment() {
    #expect(DecimalQ16.parse("1") == 65536)
    #expect(DecimalQ16.parse("0.5") == 32768)
    #expect(DecimalQ16.parse("0.3") == 19661)
    #expect(DecimalQ16.parse("0.30") == 19661)
    #expect(DecimalQ16.parse("10") == 655_360)
    #expect(DecimalQ16.parse("0") == 0)
  }

  @Test func badTextIsRefused() {
    for bad in ["", "-1", "+1", "1e3", ".5", "1.", "1..2", "0.5 ", "1,5", "65536", "0.12345678901234567"] {
      #expect(DecimalQ16.parse(bad) == nil, "\(bad)")
    }
  }

  @Test func everyThousandthRoundsHalfUp() {
    // v = n / 1000: Q16 = ⌊(n · 65536 · 2 + 1000) / 2000⌋, exact in integers.
    for n in 0...20_000 {
      let text = "\(n / 1000).\(String(repeating: "0", count: 3 - String(n % 1000).count))\(n % 1000)"
      let expected = UInt32((UInt64(n) * 65536 * 2 + 1000) / 2000)
      #expect(DecimalQ16.parse(text) == expected, "\(text)")
    }
  }

  @Test func longFractionsStayExact() {
    // 0.00000762939453125 = 2^-17: exactly half a Q16 step, ties up to 1.
    #expect(DecimalQ16.parse("0.0000076293945") == 0)
    #expect(DecimalQ16.parse("0.00001525878906") == 1)
    #expect(DecimalQ16.parse("9.99999999999999") == 655_360)
  }
}
