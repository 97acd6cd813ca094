import FaceGenderTraining
import Testing

@Suite struct ProgressiveResizingTests {
    @Test func parsesSideEpochPairs() throws {
        let resizing = try #require(ProgressiveResizing(argument: "32:14,48:12"))
        #expect(resizing.stages == [.init(side: 32, epochs: 14), .init(side: 48, epochs: 12)])
        #expect(resizing.epochs == 26 && resizing.description == "32:14,48:12")
        for bad in ["", "32", "32:", ":3", "8:3", "32:0", "32:-1", "a:b", "32:14,", "32:14;48:12", "32:1:2"] {
            #expect(ProgressiveResizing(argument: bad) == nil, "\(bad)")
        }
    }

    @Test func eachEpochGetsItsStagesSideThenTheFullSide() throws {
        let resizing = try #require(ProgressiveResizing(argument: "32:2,48:1"))
        #expect((0..<5).map { resizing.side(epoch: $0, fullSide: 64) } == [32, 32, 48, 64, 64])
    }
}
