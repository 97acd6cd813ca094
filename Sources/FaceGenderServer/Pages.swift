import FaceGenderDetection
import FaceGenderImaging
import FaceGenderModel
import Foundation
import HTTPTypes
import Hummingbird

/// The HTML of the web app. Plain HTML + CSS; `app.js` only enhances the form (drag-and-drop, paste,
/// results without a page load). Without JavaScript the form posts to / and gets a result page.
enum Pages {
    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func shell(title: String, main: String, script: Bool = false) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <link rel="stylesheet" href="/static/style.css">
        </head>
        <body>
        <header class="top"><a class="brand" href="/">FaceGender</a>
        <nav aria-label="Main"><a href="/">Analyse a photo</a><a href="/about">About the model</a><a href="/openapi.yaml">API</a></nav></header>
        <main id="main">\(main)</main>
        <footer><p>Estimates apparent, binary gender presentation from a face. It cannot know anyone's gender identity.
        Photos are processed in memory and never stored.</p></footer>
        \(script ? "<script src=\"/static/app.js\" defer></script>" : "")
        </body>
        </html>
        """
    }

    static func index(info: ModelInfo) -> String {
        shell(title: "FaceGender — analyse a photo", main: """
            <h1>Analyse a photo</h1>
            <p class="lead">Upload, drop or paste a photo. Every face found is boxed and labelled with the model's \
            calibrated probability; when the model is not confident enough it says <em>uncertain</em> instead of guessing.</p>
            <form id="upload" class="drop" action="/" method="post" enctype="multipart/form-data">
              <label for="image" class="drop-label"><span class="big">Choose a photo</span>
              <span class="hint">or drag it here, or paste it (Ctrl+V). JPEG, PNG or WebP, up to 10 MB.</span></label>
              <input id="image" name="image" type="file" accept="image/jpeg,image/png,image/webp" required>
              <button type="submit">Analyse</button>
            </form>
            <div id="status" role="status" aria-live="polite"></div>
            <section id="result" hidden aria-label="Result">
              <div class="stage"><img id="photo" alt="The uploaded photo"><div id="boxes"></div></div>
              <ol id="faces" class="faces"></ol>
            </section>
            <p class="model">Model: \(escape(info.name)) \(escape(info.version)).</p>
            """, script: true)
    }

    static func result(_ a: ImageAnalysis, photo: Data, info: ModelInfo) -> String {
        // Decoding succeeded, so the sniffed format is one of the three decodable ones.
        let format = photo.withUnsafeBytes { ImageFormat.sniff($0) }
        let mime = format == .png ? "image/png" : format == .webp ? "image/webp" : "image/jpeg"
        let boxes = a.faces.enumerated().map { i, f -> String in
            let box = f.box.clipped(width: a.width, height: a.height)
            let style = String(format: "left:%.3f%%;top:%.3f%%;width:%.3f%%;height:%.3f%%",
                               100 * box.x / Double(a.width), 100 * box.y / Double(a.height),
                               100 * box.width / Double(a.width), 100 * box.height / Double(a.height))
            return "<div class=\"box\(f.uncertain ? " uncertain" : "")\" style=\"\(style)\"><span>\(i + 1). \(escape(label(f)))</span></div>"
        }.joined()
        let items = a.faces.enumerated().map { i, f in "<li>Face \(i + 1): <strong>\(escape(label(f)))</strong></li>" }.joined()
        let message = a.faces.isEmpty
            ? "<p class=\"notice\">No face was found. Try a photo where the face is frontal, well lit and at least 24 pixels wide.</p>" : ""
        return shell(title: "FaceGender — result", main: """
            <h1>Result</h1>\(message)
            <section id="result" aria-label="Result"><div class="stage">
            <img id="photo" alt="The uploaded photo" src="data:\(mime);base64,\(photo.base64EncodedString())">
            <div id="boxes">\(boxes)</div></div><ol class="faces">\(items)</ol></section>
            <p><a class="button" href="/">Analyse another photo</a></p>
            """)
    }

    static func label(_ f: FacePrediction) -> String {
        let pct = String(format: "%.0f%%", 100 * f.probability)
        return f.uncertain ? "uncertain (leans \(f.label), \(pct))" : "\(f.label) \(pct)"
    }

    static func errorPage(_ p: Problem) -> String {
        shell(title: "FaceGender — \(p.title)", main: """
            <h1>\(escape(p.title))</h1><p class="error" role="alert">\(escape(p.detail))</p>
            <p><a class="button" href="/">Try another photo</a></p>
            """)
    }

    static func about(info: ModelInfo, cardHTML: String?) -> String {
        let metrics = info.metrics.sorted { $0.key < $1.key }.map { key, value in
            "<tr><td>\(escape(key))</td><td>\(value < 1 && value > 0 ? String(format: "%.4f", value) : String(format: "%.1f", value))</td></tr>"
        }.joined()
        return shell(title: "FaceGender — about the model", main: """
            <h1>About the model</h1>
            <p>\(escape(info.name)) version \(escape(info.version)), trained \(escape(info.trainedAt)). Classes: \(escape(info.classes.joined(separator: ", "))).
            Probabilities are temperature-scaled (T = \(String(format: "%.3f", info.temperature))); below \
            \(String(format: "%.0f%%", 100 * info.abstainBelow)) the answer is "uncertain".</p>
            <h2>Measured</h2><table class="metrics">\(metrics)</table>
            <h2>Limits and out-of-scope uses</h2>
            <ul><li>It estimates <strong>apparent, binary</strong> gender presentation from a face crop. It does not and cannot
            know anyone's gender identity; do not use it to decide anything about a person.</li>
            <li>Out of scope: identity verification, surveillance or tracking of people without their consent, and any
            decision with legal or similarly significant effects.</li>
            <li>Known weak spots: young children, profile views, occlusion (masks, hands), very small or blurred faces,
            and people under-represented in the training data.</li></ul>
            \(cardHTML.map { "<section class=\"card\"><h2>Model card</h2>\($0)</section>" } ?? "")
            """)
    }
}
