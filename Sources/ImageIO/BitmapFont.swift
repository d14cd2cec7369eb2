// MARK: - BitmapFont

/// A small bitmap font drawn for this project: 5 x 7 pixel glyphs for digits, upper- and
/// lower-case letters and a little punctuation, with 2 extra rows below the baseline for the
/// descenders of g, j, p, q, y and ','. Characters it lacks are drawn as '?'.
///
/// A text line is `lineHeight` pixels tall (7 + 2 descender rows + 1 spacing) and each
/// character advances `advance` pixels (5 + 1 spacing); `scale` multiplies both.
///
/// ```swift
/// var img = RGBImage(width: 80, height: 12)
/// BitmapFont.draw("loss 1.5e-3", into: &img, x: 1, y: 1, color: .black)
/// BitmapFont.width(of: "loss")        // 23: 4 glyphs, 3 gaps
/// ```
public enum BitmapFont {
  public static let glyphWidth = 5
  public static let glyphHeight = 7
  public static let descent = 2
  public static let advance = 6
  public static let lineHeight = 10

  /// Pixel width of `text` drawn at `scale` (no trailing gap).
  public static func width(of text: String, scale: Int = 1) -> Int {
    text.isEmpty ? 0 : (text.count * advance - 1) * scale
  }

  /// Draws `text` with its cell's top-left corner at (x, y), clipped to the image.
  public static func draw(
    _ text: String, into image: inout RGBImage, x: Int, y: Int, color: RGBColor, scale: Int = 1
  ) {
    forEachPixel(text, x: x, y: y, scale: scale) { r, c in image.plot(row: r, column: c, color) }
  }

  /// Draws `text` in gray `level` with its cell's top-left corner at (x, y), clipped.
  public static func draw(
    _ text: String, into image: inout GrayImage, x: Int, y: Int, level: UInt8, scale: Int = 1
  ) {
    forEachPixel(text, x: x, y: y, scale: scale) { r, c in
      if r >= 0, r < image.height, c >= 0, c < image.width { image[r, c] = level }
    }
  }

  /// The glyph's rows, top first, 5 bits each (bit 4 = leftmost pixel); 7 rows, or 9 for
  /// glyphs with a descender.
  public static func rows(for character: Character) -> [UInt8] {
    glyphs[character] ?? glyphs["?"]!
  }

  static func forEachPixel(
    _ text: String, x: Int, y: Int, scale: Int, _ set: (Int, Int) -> Void
  ) {
    let s = max(1, scale)
    for (i, ch) in text.enumerated() {
      let left = x + i * advance * s
      for (r, bits) in rows(for: ch).enumerated() {
        for c in 0..<glyphWidth where (bits >> UInt8(4 - c)) & 1 == 1 {
          for dy in 0..<s {
            for dx in 0..<s { set(y + r * s + dy, left + c * s + dx) }
          }
        }
      }
    }
  }

  // MARK: - Glyphs

  /// Each glyph as rows of five '#' (ink) or '.' (paper), separated by spaces.
  static let glyphs: [Character: [UInt8]] = {
    let art: [(Character, String)] = [
      ("0", ".###. #...# #..## #.#.# ##..# #...# .###."),
      ("1", "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###."),
      ("2", ".###. #...# ....# ...#. ..#.. .#... #####"),
      ("3", "##### ...#. ..#.. ...#. ....# #...# .###."),
      ("4", "...#. ..##. .#.#. #..#. ##### ...#. ...#."),
      ("5", "##### #.... ####. ....# ....# #...# .###."),
      ("6", "..##. .#... #.... ####. #...# #...# .###."),
      ("7", "##### ....# ...#. ..#.. .#... .#... .#..."),
      ("8", ".###. #...# #...# .###. #...# #...# .###."),
      ("9", ".###. #...# #...# .#### ....# ...#. .##.."),
      ("A", ".###. #...# #...# ##### #...# #...# #...#"),
      ("B", "####. #...# #...# ####. #...# #...# ####."),
      ("C", ".###. #...# #.... #.... #.... #...# .###."),
      ("D", "###.. #..#. #...# #...# #...# #..#. ###.."),
      ("E", "##### #.... #.... ####. #.... #.... #####"),
      ("F", "##### #.... #.... ####. #.... #.... #...."),
      ("G", ".###. #...# #.... #.### #...# #...# .####"),
      ("H", "#...# #...# #...# ##### #...# #...# #...#"),
      ("I", ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###."),
      ("J", "..### ...#. ...#. ...#. ...#. #..#. .##.."),
      ("K", "#...# #..#. #.#.. ##... #.#.. #..#. #...#"),
      ("L", "#.... #.... #.... #.... #.... #.... #####"),
      ("M", "#...# ##.## #.#.# #.#.# #...# #...# #...#"),
      ("N", "#...# #...# ##..# #.#.# #..## #...# #...#"),
      ("O", ".###. #...# #...# #...# #...# #...# .###."),
      ("P", "####. #...# #...# ####. #.... #.... #...."),
      ("Q", ".###. #...# #...# #...# #.#.# #..#. .##.#"),
      ("R", "####. #...# #...# ####. #.#.. #..#. #...#"),
      ("S", ".#### #.... #.... .###. ....# ....# ####."),
      ("T", "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#.."),
      ("U", "#...# #...# #...# #...# #...# #...# .###."),
      ("V", "#...# #...# #...# #...# #...# .#.#. ..#.."),
      ("W", "#...# #...# #...# #.#.# #.#.# #.#.# .#.#."),
      ("X", "#...# #...# .#.#. ..#.. .#.#. #...# #...#"),
      ("Y", "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#.."),
      ("Z", "##### ....# ...#. ..#.. .#... #.... #####"),
      ("a", "..... ..... .###. ....# .#### #...# .####"),
      ("b", "#.... #.... ####. #...# #...# #...# ####."),
      ("c", "..... ..... .###. #.... #.... #...# .###."),
      ("d", "....# ....# .#### #...# #...# #...# .####"),
      ("e", "..... ..... .###. #...# ##### #.... .###."),
      ("f", "..##. .#..# .#... ###.. .#... .#... .#..."),
      ("g", "..... ..... .#### #...# #...# #...# .#### ....# .###."),
      ("h", "#.... #.... #.##. ##..# #...# #...# #...#"),
      ("i", "..#.. ..... .##.. ..#.. ..#.. ..#.. .###."),
      ("j", "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##.."),
      ("k", "#.... #.... #..#. #.#.. ##... #.#.. #..#."),
      ("l", ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###."),
      ("m", "..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#"),
      ("n", "..... ..... #.##. ##..# #...# #...# #...#"),
      ("o", "..... ..... .###. #...# #...# #...# .###."),
      ("p", "..... ..... ####. #...# #...# #...# ####. #.... #...."),
      ("q", "..... ..... .#### #...# #...# #...# .#### ....# ....#"),
      ("r", "..... ..... #.##. ##..# #.... #.... #...."),
      ("s", "..... ..... .###. #.... .###. ....# ####."),
      ("t", ".#... .#... ###.. .#... .#... .#..# ..##."),
      ("u", "..... ..... #...# #...# #...# #..## .##.#"),
      ("v", "..... ..... #...# #...# #...# .#.#. ..#.."),
      ("w", "..... ..... #...# #...# #.#.# #.#.# .#.#."),
      ("x", "..... ..... #...# .#.#. ..#.. .#.#. #...#"),
      ("y", "..... ..... #...# #...# #...# #...# .#### ....# .###."),
      ("z", "..... ..... ##### ...#. ..#.. .#... #####"),
      (" ", "..... ..... ..... ..... ..... ..... ....."),
      (".", "..... ..... ..... ..... ..... .##.. .##.."),
      (",", "..... ..... ..... ..... ..... .##.. .##.. ..#.. .#..."),
      ("-", "..... ..... ..... .###. ..... ..... ....."),
      ("+", "..... ..#.. ..#.. ##### ..#.. ..#.. ....."),
      ("=", "..... ..... ##### ..... ##### ..... ....."),
      (":", "..... .##.. .##.. ..... .##.. .##.. ....."),
      ("/", "....# ....# ...#. ..#.. .#... #.... #...."),
      ("(", "...#. ..#.. .#... .#... .#... ..#.. ...#."),
      (")", ".#... ..#.. ...#. ...#. ...#. ..#.. .#..."),
      ("_", "..... ..... ..... ..... ..... ..... #####"),
      ("%", "##..# ##.#. ...#. ..#.. .#... .#.## #..##"),
      ("?", ".###. #...# ....# ...#. ..#.. ..... ..#.."),
    ]
    var table: [Character: [UInt8]] = [:]
    for (ch, picture) in art {
      table[ch] = picture.split(separator: " ").map { row in
        row.reduce(UInt8(0)) { bits, pixel in bits << 1 | (pixel == "#" ? 1 : 0) }
      }
    }
    return table
  }()
}
