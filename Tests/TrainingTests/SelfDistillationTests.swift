import FaceGenderEngine
import FaceGenderTraining
import Testing

@Suite struct SelfDistillationTests {
    @Test func unseenPhotosAnswerTheirLabels() {
        let d = SelfDistillation(alpha: 0.5, labels: [2, 0, 1], outputs: 3)
        #expect(d.targets(for: [0, 2]) == [0, 0, 1, 0, 1, 0])
    }

    @Test func weightGrowsLinearlyToAlphaInTheLastEpoch() {
        let d = SelfDistillation(alpha: 0.5, labels: [0], outputs: 2)
        #expect(d.weight(epoch: 0, epochs: 5) == 0)
        #expect(d.weight(epoch: 2, epochs: 5) == 0.25)
        #expect(d.weight(epoch: 4, epochs: 5) == 0.5)
        #expect(d.weight(epoch: 0, epochs: 1) == 0)
    }

    @Test func recordedAnswersBecomeTheTargets() {
        let d = SelfDistillation(alpha: 0.5, labels: [0, 1, 1], outputs: 2)
        d.record(Tensor(shape: [2, 2], values: [0.3, 0.7, 0.9, 0.1]), for: [2, 0])
        #expect(d.targets(for: [0, 1, 2]) == [0.9, 0.1, 0, 1, 0.3, 0.7])
    }
}
