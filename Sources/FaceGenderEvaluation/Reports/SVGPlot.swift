import Foundation

/// Small self-contained SVG charts for the HTML reports (no JavaScript, no external files).
public enum SVGPlot {
    public struct Series {
        public var name: String, color: String, points: [(x: Double, y: Double)], dashed = false
        public init(name: String, color: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name; self.color = color; self.points = points; self.dashed = dashed
        }
    }

    static let width = 460.0, height = 300.0, left = 56.0, right = 16.0, top = 34.0, bottom = 44.0

    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func number(_ v: Double) -> String {
        abs(v) >= 100 ? String(format: "%.0f", v) : abs(v) >= 1 ? String(format: "%.2g", v) == "1" ? "1" : String(format: "%.3g", v) : String(format: "%.2g", v)
    }

    public static func lineChart(title: String, xLabel: String, yLabel: String, series: [Series],
                                 xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                                 diagonal: Bool = false) -> String {
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let xr = xRange ?? ((xs.min() ?? 0)...max((xs.max() ?? 1), (xs.min() ?? 0) + 1e-9))
        var yr = yRange ?? ((ys.min() ?? 0)...(ys.max() ?? 1))
        if yr.upperBound - yr.lowerBound < 1e-9 { yr = (yr.lowerBound - 0.5)...(yr.upperBound + 0.5) }
        let pw = width - left - right, ph = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * pw }
        func py(_ y: Double) -> Double { top + ph - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * ph }
        var svg = header(title: title)
        svg += axes(xLabel: xLabel, yLabel: yLabel, xr: xr, yr: yr, px: px, py: py)
        if diagonal {
            svg += "<line x1=\"\(px(xr.lowerBound))\" y1=\"\(py(yr.lowerBound))\" x2=\"\(px(xr.upperBound))\" y2=\"\(py(yr.upperBound))\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>"
        }
        for (i, s) in series.enumerated() {
            let path = s.points.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(path)\"/>"
            if s.points.count < 40 {
                for p in s.points { svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%@\"/>", px(p.x), py(p.y), s.color) }
            }
            let ly = top + 14 + Double(i) * 16
            svg += "<rect x=\"\(width - right - 150)\" y=\"\(ly - 9)\" width=\"12\" height=\"3\" fill=\"\(s.color)\"/>"
            svg += "<text x=\"\(width - right - 134)\" y=\"\(ly - 4)\" font-size=\"11\">\(escape(s.name))</text>"
        }
        return svg + "</svg>"
    }

    /// Bars with optional confidence intervals; values in [0, 1] by default.
    public static func barChart(title: String, bars: [(label: String, value: Double, low: Double?, high: Double?)],
                                yRange: ClosedRange<Double> = 0...1, yLabel: String = "accuracy") -> String {
        let pw = width - left - right, ph = height - top - bottom
        func py(_ y: Double) -> Double { top + ph - (max(yRange.lowerBound, min(yRange.upperBound, y)) - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * ph }
        var svg = header(title: title)
        svg += axes(xLabel: "", yLabel: yLabel, xr: 0...1, yr: yRange, px: { left + $0 * pw }, py: py, xTicks: false)
        let slot = pw / Double(max(bars.count, 1))
        for (i, b) in bars.enumerated() {
            let x = left + Double(i) * slot + slot * 0.15, w = slot * 0.7
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4c78a8\"><title>%@: %.3f</title></rect>",
                          x, py(b.value), w, max(0, top + ph - py(b.value)), escape(b.label), b.value)
            if let lo = b.low, let hi = b.high {
                let cx = x + w / 2
                svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>", cx, py(lo), cx, py(hi))
            }
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%@</text>", x + w / 2, top + ph + 14, escape(b.label))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\" fill=\"#fff\">%.1f</text>", x + w / 2, py(b.value) + 11, b.value * 100)
        }
        return svg + "</svg>"
    }

    public static func confusionMatrix(title: String, classes: [String], matrix: [[Int]]) -> String {
        let n = classes.count, cell = min(80.0, (height - top - bottom) / Double(max(n, 1)))
        let maxValue = Double(matrix.flatMap { $0 }.max() ?? 1)
        var svg = header(title: title)
        let x0 = 120.0, y0 = top + 34
        for (i, row) in matrix.enumerated() {
            svg += "<text x=\"\(x0 - 8)\" y=\"\(y0 + (Double(i) + 0.5) * cell + 4)\" font-size=\"11\" text-anchor=\"end\">true \(escape(classes[i]))</text>"
            for (j, v) in row.enumerated() {
                let shade = Int(235 - 170 * Double(v) / max(maxValue, 1))
                svg += "<rect x=\"\(x0 + Double(j) * cell)\" y=\"\(y0 + Double(i) * cell)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" fill=\"rgb(\(shade),\(shade + 10),255)\"/>"
                svg += "<text x=\"\(x0 + (Double(j) + 0.5) * cell)\" y=\"\(y0 + (Double(i) + 0.5) * cell + 4)\" font-size=\"13\" text-anchor=\"middle\">\(v)</text>"
            }
        }
        svg += "<text x=\"\(x0 + Double(n) * cell / 2)\" y=\"\(y0 - 20)\" font-size=\"11\" text-anchor=\"middle\">predicted</text>"
        for j in 0..<n {
            svg += "<text x=\"\(x0 + (Double(j) + 0.5) * cell)\" y=\"\(y0 - 6)\" font-size=\"11\" text-anchor=\"middle\">\(escape(classes[j]))</text>"
        }
        return svg + "</svg>"
    }

    static func header(title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\" font-family=\"sans-serif\">"
            + "<text x=\"\(width / 2)\" y=\"18\" font-size=\"14\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(title))</text>"
    }

    static func axes(xLabel: String, yLabel: String, xr: ClosedRange<Double>, yr: ClosedRange<Double>,
                     px: (Double) -> Double, py: (Double) -> Double, xTicks: Bool = true) -> String {
        let ph = height - top - bottom
        var s = "<line x1=\"\(left)\" y1=\"\(top + ph)\" x2=\"\(width - right)\" y2=\"\(top + ph)\" stroke=\"#333\"/>"
        s += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + ph)\" stroke=\"#333\"/>"
        for k in 0...4 {
            let y = yr.lowerBound + (yr.upperBound - yr.lowerBound) * Double(k) / 4
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", left, py(y), width - right, py(y))
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%@</text>", left - 4, py(y) + 3, number(y))
            if xTicks {
                var x = xr.lowerBound + (xr.upperBound - xr.lowerBound) * Double(k) / 4
                // Whole-number axes (epochs) get whole-number ticks.
                if xr.lowerBound == xr.lowerBound.rounded(), xr.upperBound - xr.lowerBound >= 4 { x = x.rounded() }
                s += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%@</text>", px(x), top + ph + 14, number(x))
            }
        }
        s += "<text x=\"\(left + (width - left - right) / 2)\" y=\"\(height - 8)\" font-size=\"11\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        s += "<text transform=\"translate(14 \(top + ph / 2)) rotate(-90)\" font-size=\"11\" text-anchor=\"middle\">\(escape(yLabel))</text>"
        return s
    }
}
