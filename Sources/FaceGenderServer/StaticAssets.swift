/// CSS and the small enhancement script, served by the app (machines here have no internet: no CDN).
enum StaticAssets {
    static let css = """
    :root{--fg:#1b1f24;--muted:#586069;--accent:#0b5fff;--ok:#0a7d32;--warn:#9a5b00;--bad:#b00020;--bg:#f6f7f9;--card:#fff}
    *{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
    .top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;padding:.8rem 1.5rem;background:#111827;color:#fff}
    .top a{color:#fff;text-decoration:none;margin-left:1.2rem}.top .brand{font-weight:700;font-size:1.2rem;margin-left:0}
    .top a:focus-visible,a:focus-visible,button:focus-visible,.drop-label:focus-within{outline:3px solid #ffbf47;outline-offset:2px}
    main{max-width:960px;margin:0 auto;padding:1.5rem}h1{font-size:1.8rem;margin:.5rem 0}.lead{color:var(--muted);max-width:46rem}
    .drop{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:1.5rem;border:2px dashed #9aa4b2;border-radius:12px;background:var(--card)}
    .drop.dragging{border-color:var(--accent);background:#eef4ff}.drop-label{display:flex;flex-direction:column;flex:1 1 16rem;cursor:pointer}
    .drop-label .big{font-size:1.15rem;font-weight:600}.hint{color:var(--muted);font-size:.92rem}
    input[type=file]{font-size:1rem;max-width:100%}
    button,.button{display:inline-block;background:var(--accent);color:#fff;border:0;border-radius:8px;padding:.65rem 1.2rem;font-size:1rem;font-weight:600;cursor:pointer;text-decoration:none}
    #status{min-height:1.6rem;margin:1rem 0;font-weight:600}#status.error,.error{color:var(--bad)}.notice{color:var(--warn);font-weight:600}
    .stage{position:relative;display:inline-block;max-width:100%;line-height:0;border-radius:8px;overflow:hidden;box-shadow:0 2px 10px rgba(0,0,0,.12)}
    .stage img{max-width:100%;max-height:70vh;display:block}
    .box{position:absolute;border:3px solid var(--ok);border-radius:4px;line-height:1.2}
    .box span{position:absolute;left:0;top:0;white-space:nowrap;background:var(--ok);color:#fff;font-size:.85rem;font-weight:600;padding:.15rem .4rem;border-radius:4px}
    .box.uncertain{border-color:var(--warn);border-style:dashed}.box.uncertain span{background:var(--warn)}
    .faces{padding-left:1.2rem}.model{color:var(--muted);font-size:.9rem;margin-top:2rem}
    table.metrics td{padding:.2rem .8rem;border-bottom:1px solid #ddd}.card{margin-top:2rem}
    footer{max-width:960px;margin:2rem auto;padding:0 1.5rem;color:var(--muted);font-size:.9rem}
    @media (max-width:600px){.top a{margin-left:.8rem}main{padding:1rem}h1{font-size:1.4rem}}
    """

    static let js = """
    // Progressive enhancement: drag-and-drop, paste, and results in place. The form works without it.
    (function () {
      const form = document.getElementById('upload'), input = document.getElementById('image');
      const status = document.getElementById('status'), result = document.getElementById('result');
      const photo = document.getElementById('photo'), boxes = document.getElementById('boxes'), list = document.getElementById('faces');
      function say(text, isError) { status.textContent = text; status.className = isError ? 'error' : ''; }
      function label(f) {
        const pct = Math.round(100 * f.probability) + '%';
        return f.uncertain ? 'uncertain (leans ' + f.label + ', ' + pct + ')' : f.label + ' ' + pct;
      }
      async function analyse(file) {
        if (!file) return;
        say('Analysing…', false);
        result.hidden = true;
        const body = new FormData();
        body.append('image', file);
        let response;
        try { response = await fetch('/api/v1/predict', { method: 'POST', body: body }); }
        catch (e) { say('The server could not be reached. Try again.', true); return; }
        const data = await response.json().catch(() => ({}));
        if (!response.ok) { say(data.detail ? (data.title + ': ' + data.detail) : 'Error ' + response.status, true); return; }
        photo.src = URL.createObjectURL(file);
        boxes.replaceChildren(); list.replaceChildren();
        data.faces.forEach(function (f, i) {
          const box = document.createElement('div');
          box.className = 'box' + (f.uncertain ? ' uncertain' : '');
          box.style.left = (100 * f.box.x / data.image.width) + '%';
          box.style.top = (100 * f.box.y / data.image.height) + '%';
          box.style.width = (100 * f.box.width / data.image.width) + '%';
          box.style.height = (100 * f.box.height / data.image.height) + '%';
          const tag = document.createElement('span');
          tag.textContent = (i + 1) + '. ' + label(f);
          box.appendChild(tag); boxes.appendChild(box);
          const item = document.createElement('li');
          item.textContent = 'Face ' + (i + 1) + ': ' + label(f);
          list.appendChild(item);
        });
        result.hidden = false;
        say(data.faces.length + (data.faces.length === 1 ? ' face found.' : ' faces found.'), false);
      }
      form.addEventListener('submit', function (e) { e.preventDefault(); analyse(input.files[0]); });
      input.addEventListener('change', function () { analyse(input.files[0]); });
      ['dragenter', 'dragover'].forEach(function (t) { form.addEventListener(t, function (e) { e.preventDefault(); form.classList.add('dragging'); }); });
      ['dragleave', 'drop'].forEach(function (t) { form.addEventListener(t, function (e) { e.preventDefault(); form.classList.remove('dragging'); }); });
      form.addEventListener('drop', function (e) { analyse(e.dataTransfer.files[0]); });
      document.addEventListener('paste', function (e) {
        const item = Array.from(e.clipboardData.items).find(function (i) { return i.type.startsWith('image/'); });
        if (item) analyse(item.getAsFile());
      });
    })();
    """
}
