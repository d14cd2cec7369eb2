import Testing
import Trainer

@Suite struct ClipSplitTests {
  @Test func lastTenPercentOfEveryClipIsHeldOut() {
    let s = ClipSplit(clipLengths: [100, 35, 5], heldOutPercent: 10)
    #expect(s.trainRanges == [0..<90, 0..<32, 0..<5])
    #expect(s.heldOutRanges == [90..<100, 32..<35, 5..<5])
    #expect(s.trainFrameCount + s.heldOutFrameCount == 140)
    #expect(s.heldOutDescription == "0:90-100;1:32-35;2:5-5")
  }

  @Test func shortClipStillHoldsOutOneFrame() {
    let s = ClipSplit(clipLengths: [12], heldOutPercent: 5)
    #expect(s.heldOutRanges == [11..<12])
  }

  @Test func startPointsHaveTheirPrimersInsideTheTrainingPart() {
    let s = ClipSplit(clipLengths: [100, 20], heldOutPercent: 10)
    let points = s.startPoints(every: 30, primers: 8)
    #expect(points.map(\.clip) == [0, 0, 0, 1])
    #expect(points.map(\.frame) == [8, 38, 68, 8])
    for p in points { #expect(s.trainRanges[p.clip].contains(p.frame)) }
  }
}
