import FaceGenderEngine
import Testing

@Suite struct WeightAverageTests {
    func tensors(_ values: [Float]) -> [NamedTensor] { [NamedTensor(name: "w", tensor: Tensor(shape: [values.count], values: values))] }

    @Test func averageFollowsTheDecayWithAWarmUp() {
        let live = tensors([0, 10])
        let average = WeightAverage(of: live, decay: 0.9)
        #expect(average.state[0].name == "average.w")
        #expect(average.factor(at: 0) == 0.1 && average.factor(at: 8) == 0.5 && average.factor(at: 1000) == 0.9)
        // Live values move to 1 and 20; the average starts from the initial values and moves by 1 - factor per step.
        live[0].tensor[0] = 1; live[0].tensor[1] = 20
        var expected: [Double] = [0, 10]
        for step in 0..<30 {
            average.update(step: step)
            let d = Double(average.factor(at: step))
            expected = [d * expected[0] + (1 - d) * 1, d * expected[1] + (1 - d) * 20]
        }
        #expect(abs(Double(average.state[0].tensor[0]) - expected[0]) < 1e-5)
        #expect(abs(Double(average.state[0].tensor[1]) - expected[1]) < 1e-4)
        #expect(average.state[0].tensor[0] < 1 && average.state[0].tensor[0] > 0.9, "close to, but short of, the live value")
        #expect(live[0].tensor.array == [1, 20], "updating never touches the live weights")
    }

    @Test func evaluatingTheAverageLeavesTheLiveWeightsAsTheyWere() {
        let live = tensors([1, 2, 3])
        let average = WeightAverage(of: live, decay: 0.5)
        live[0].tensor.fill(5)
        average.update(step: 100)
        let seen = average.withAverage { live[0].tensor.array }
        #expect(seen == [3, 3.5, 4])
        #expect(live[0].tensor.array == [5, 5, 5])
        #expect(average.state[0].tensor.array == [3, 3.5, 4])
    }
}
