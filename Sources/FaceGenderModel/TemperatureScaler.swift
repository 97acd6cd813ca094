#if canImport(Glibc)
import Glibc
#endif

/// Temperature scaling (Guo et al. 2017): one scalar T dividing the logits, fitted to minimise the
/// negative log-likelihood on held-out data. It changes confidence, never the predicted class.
public enum TemperatureScaler {
    /// Mean NLL of `labels` under softmax(logits / T). `logits` is row-major [N, K].
    public static func negativeLogLikelihood(logits: [Float], classes k: Int, labels: [Int], temperature t: Double) -> Double {
        var total = 0.0
        for (i, label) in labels.enumerated() {
            let row = (0..<k).map { Double(logits[i * k + $0]) / t }
            let m = row.max() ?? 0
            let logSum = m + log(row.reduce(0) { $0 + exp($1 - m) })
            total += logSum - row[label]
        }
        return total / Double(max(labels.count, 1))
    }

    /// Golden-section search for T in [0.05, 20] (the NLL is unimodal in log T).
    public static func fit(logits: [Float], classes k: Int, labels: [Int]) -> Double {
        var lo = log(0.05), hi = log(20.0)
        let phi = (sqrt(5.0) - 1) / 2
        func f(_ x: Double) -> Double { negativeLogLikelihood(logits: logits, classes: k, labels: labels, temperature: exp(x)) }
        var a = hi - phi * (hi - lo), b = lo + phi * (hi - lo)
        var fa = f(a), fb = f(b)
        for _ in 0..<60 {
            if fa < fb { hi = b; b = a; fb = fa; a = hi - phi * (hi - lo); fa = f(a) } else { lo = a; a = b; fa = fb; b = lo + phi * (hi - lo); fb = f(b) }
        }
        return exp((lo + hi) / 2)
    }
}
