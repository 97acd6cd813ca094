/// The shared page shell of the reports.
public enum HTMLPage {
    public static func wrap(title: String, body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(SVGPlot.escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.45}
        h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
        .charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{background:#fafafa;border:1px solid #e5e5e5;border-radius:6px;max-width:100%;height:auto}
        table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}
        pre{background:#f4f4f4;padding:.8rem;overflow:auto}
        </style></head><body>
        \(body)
        </body></html>
        """
    }
}
