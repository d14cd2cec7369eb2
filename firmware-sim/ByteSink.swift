// MARK: - ByteSink
//
// Bytes out, one at a time, with text helpers that allocate nothing (no String): the UART's
// stream headers (y4m) and the debug console's measurement lines.
//
// Compiled into one module with Sources/Int8Runtime/*.swift and main.swift (Embedded Swift).

/// Where bytes go: the UART (the stream) or the semihosting debug console (messages).
protocol ByteSink {
  mutating func write(_ byte: UInt8)
}

extension ByteSink {
  mutating func ascii(_ text: StaticString) {
    text.withUTF8Buffer { bytes in
      for b in bytes { write(b) }
    }
  }

  /// A String's UTF-8 bytes (error descriptions from Int8Runtime).
  mutating func text(_ text: String) {
    for b in text.utf8 { write(b) }
  }

  /// `label` then `value` in decimal: labelled("; heap ", 4704) writes "; heap 4704".
  mutating func labelled(_ label: StaticString, _ value: UInt64) {
    ascii(label)
    decimal(value)
  }

  /// `value` in decimal, without leading zeros: decimal(24960) writes "24960".
  mutating func decimal(_ value: UInt64) {
    var divisor: UInt64 = 1
    while value / divisor >= 10 { divisor *= 10 }
    while divisor > 0 {
      write(0x30 + UInt8(value / divisor % 10))
      divisor /= 10
    }
  }
}

/// The UART: the firmware's output stream (run.sh's stdout).
struct UARTSink: ByteSink {
  @inline(__always)
  mutating func write(_ byte: UInt8) { uart_putc(byte) }
}

/// The semihosting debug console (run.sh's stderr): messages, never the stream.
struct DebugSink: ByteSink {
  @inline(__always)
  mutating func write(_ byte: UInt8) { debug_putc(byte) }
}
