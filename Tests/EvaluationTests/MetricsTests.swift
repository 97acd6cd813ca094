import FaceGenderDetection
import FaceGenderEvaluation
import Testing

@Suite struct MetricsTests {
    @Test func accuracyAndConfusion() {
        let labels = [0, 0, 1, 1, 1], predicted = [0, 1, 1, 1, 0]
        #expect(Metrics.accuracy(labels: labels, predicted: predicted) == 0.6)
        let m = Metrics.confusion(labels: labels, predicted: predicted, classes: 2)
        #expect(m == [[1, 1], [1, 2]])
        let scores = Metrics.perClass(confusion: m)
        // class 1: precision 2/3, recall 2/3; class 0: precision 1/2, recall 1/2.
        #expect(abs(scores[1].precision - 2.0 / 3) < 1e-12 && abs(scores[1].recall - 2.0 / 3) < 1e-12)
        #expect(abs(scores[0].f1 - 0.5) < 1e-12 && scores[0].support == 2)
    }

    @Test func wilsonIntervalMatchesHandComputation() {
        // 8 of 10, z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.71674; half 0.19637 -> [0.4902, 0.9433].
        let ci = Metrics.wilsonInterval(successes: 8, total: 10)
        #expect(abs(ci.low - 0.4902) < 1e-3 && abs(ci.high - 0.9433) < 1e-3)
        let all = Metrics.wilsonInterval(successes: 50, total: 50)
        #expect(all.high > 0.9999 && all.low > 0.9 && all.low < 1)
    }

    @Test func rocAUC() {
        // Perfect ranking, reversed ranking, and one tie across classes (counted half).
        #expect(Metrics.rocAUC(scores: [0.1, 0.2, 0.8, 0.9], positives: [false, false, true, true]) == 1)
        #expect(Metrics.rocAUC(scores: [0.9, 0.8, 0.2, 0.1], positives: [false, false, true, true]) == 0)
        // pairs (pos, neg): (0.5 vs 0.5) = 0.5, (0.5 vs 0.1) = 1, (0.9 vs both) = 2 -> 3.5 / 4.
        #expect(Metrics.rocAUC(scores: [0.1, 0.5, 0.5, 0.9], positives: [false, false, true, true]) == 0.875)
        let curve = Metrics.rocCurve(scores: [0.1, 0.2, 0.8, 0.9], positives: [false, false, true, true])
        #expect(curve.first! == (0, 0) && curve.last! == (1, 1))
    }

    @Test func expectedCalibrationError() {
        // Bin (0.9, 1.0]: confidence 0.95 twice, one right -> |0.5 - 0.95| = 0.45, weight 2/4.
        // Bin (0.6, 0.7]: confidence 0.65 twice, both right -> |1 - 0.65| = 0.35, weight 2/4.
        let ece = Metrics.expectedCalibrationError(confidences: [0.95, 0.95, 0.65, 0.65], correct: [true, false, true, true])
        #expect(abs(ece - 0.4) < 1e-12)
        #expect(Metrics.expectedCalibrationError(confidences: [1, 1], correct: [true, true]) == 0)
    }

    @Test func abstentionThresholdReachesTarget() {
        let confidences = [0.55, 0.6, 0.7, 0.8, 0.9, 0.95], correct = [false, false, true, true, true, true]
        let t = Metrics.abstentionThreshold(confidences: confidences, correct: correct, targetAccuracy: 1)
        #expect(t > 0.6 && t <= 0.7)
        let curve = Metrics.accuracyCoverage(confidences: confidences, correct: correct, thresholds: [0.5, 0.75])
        #expect(abs(curve[0].accuracy - 4.0 / 6) < 1e-12 && curve[0].coverage == 1)
        #expect(curve[1].accuracy == 1 && abs(curve[1].coverage - 0.5) < 1e-12)
    }

    @Test func utkFaceGroups() {
        #expect(UTKFaceName.groups(fileName: "8_1_2_20170109.jpg") == ["age": "0-9", "race": "Asian", "age_summary": "under 10",
                                                                      "age_detail": "3-9"])
        #expect([0, 2, 3, 10, 14, 15, 20, 39, 69, 70, 116].map(UTKFaceName.ageDetail)
                == ["0-2", "0-2", "3-9", "10-14", "10-14", "15-19", "20-29", "30-39", "60-69", "70+", "70+"])
        #expect([0, 9, 10, 19, 20, 39, 40, 59, 60, 116].map(UTKFaceName.ageBand)
                == ["0-9", "0-9", "10-19", "10-19", "20-39", "20-39", "40-59", "40-59", "60+", "60+"])
        #expect(UTKFaceName.groups(fileName: "45_0_1_2017.jpg")["age"] == "40-59")
        #expect(UTKFaceName.groups(fileName: "photo.jpg").isEmpty)
        #expect(UTKFaceName.groups(fileName: "20_0_9_x.jpg").isEmpty)
    }

    @Test func predictionTableHasARowPerPhoto() {
        let samples = [
            EvaluatedSample(path: "a,b.jpg", label: 0, probabilities: [0.9, 0.1], uncalibrated: [0.8, 0.2], faceDetected: true,
                            groups: ["age": "0-9"]),
            EvaluatedSample(path: "c.jpg", label: 0, probabilities: [0.3, 0.7], uncalibrated: [0.4, 0.6], faceDetected: false,
                            groups: ["race": "Asian"]),
        ]
        let csv = PredictionTable.csv(samples, classes: ["Female", "Male"], abstainBelow: 0.8)
        #expect(csv == """
            file,label,predicted,probability,uncertain,correct,face_detected,age,race
            "a,b.jpg",Female,Female,0.9000,false,true,true,0-9,
            c.jpg,Female,Male,0.7000,true,false,false,,Asian

            """)
        #expect(CSVField.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVField.escape("line\nbreak") == "\"line\nbreak\"")
    }
}

@Suite struct DetectionMetricsTests {
    func face(_ x: Double, _ side: Double, invalid: Bool = false) -> SceneDataset.Face {
        SceneDataset.Face(box: FaceBox(x: x, y: 0, width: side, height: side, score: 1), invalid: invalid, attributes: [:])
    }
    func found(_ x: Double, _ side: Double, _ score: Double) -> FaceBox { FaceBox(x: x, y: 0, width: side, height: side, score: score) }

    /// Three counted faces, one small and one invalid face not counted; detections right, wrong and not counted.
    @Test func recallAndPrecisionCountOnlyCountedFaces() {
        let faces = [face(0, 50), face(100, 60), face(200, 80), face(300, 20), face(400, 50, invalid: true)]
        let detections = [found(2, 50, 0.9), found(101, 58, 0.6), found(300, 20, 0.8), found(400, 50, 0.7), found(600, 50, 0.5),
                          found(0, 50, 0.4)]
        let matched = DetectionMetrics().match(detections, to: faces)
        #expect(matched.faces.count == 3)
        let all = DetectionMetrics.at(0, [matched])
        // Found 2 of 3; right 2, wrong 2 (the stray at 600 and the duplicate of the first face); 2 not counted.
        #expect(all.recall == 2.0 / 3 && all.precision == 0.5 && all.faces == 3)
        let strict = DetectionMetrics.at(0.55, [matched])
        #expect(strict.recall == 2.0 / 3 && strict.precision == 1)
        let best = DetectionMetrics.bestRecall(atPrecision: 0.9, [matched])
        #expect(best.recall == 2.0 / 3 && best.precision == 1 && best.threshold == 0.6)
    }

    /// The report splits recall by the faces' annotations: here the found faces are of skin type I, the missed one VI.
    @Test func theReportSplitsRecallBySkinTypeAndSize() {
        var faces = [face(0, 50), face(100, 60), face(200, 90)]
        faces[0].attributes = ["perceived_skin": "I"]; faces[1].attributes = ["perceived_skin": "II"]; faces[2].attributes = ["perceived_skin": "VI"]
        let matched = DetectionMetrics().match([found(0, 50, 0.9), found(100, 60, 0.8)], to: faces)
        let report = DetectionReport(photos: [matched], threshold: 0.5, milliseconds: 3)
        #expect(report.groups["skin I-III"]?.recall == 1 && report.groups["skin I-III"]?.faces == 2)
        #expect(report.groups["skin IV-VI"]?.recall == 0 && report.groups["side 80-159 px"]?.faces == 1)
        #expect(report.recall == 2.0 / 3 && report.precision == 1)
    }
}
