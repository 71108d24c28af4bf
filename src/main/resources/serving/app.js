// tfj-mnist drawing page: draw on the canvas, send the digit to the TF Serving-style API, show
// the ten probabilities. No libraries; everything is served by the tfj-mnist jar.
'use strict';
(function () {
  const model = document.body.dataset.model;
  const pad = document.getElementById('pad');
  const ctx = pad.getContext('2d', { willReadFrequently: true });
  const preview = document.getElementById('preview');
  const pctx = preview.getContext('2d');
  const digitEl = document.getElementById('digit');
  const confEl = document.getElementById('confidence');
  const barsEl = document.getElementById('bars');
  const statusEl = document.getElementById('status');
  const serverSide = document.getElementById('server-side');
  const SIZE = pad.width;           // 280: ten canvas pixels per MNIST pixel
  const LINE = 20;                  // about 2 px of a 28x28 image, like MNIST's pen

  // ---- the ten bars --------------------------------------------------------------------
  const bars = [];
  for (let d = 0; d < 10; d++) {
    const li = document.createElement('li');
    li.innerHTML = '<span class="label">' + d + '</span><span class="track"><span class="fill"></span></span>' +
      '<span class="pct">–</span>';
    li.dataset.digit = String(d);
    barsEl.appendChild(li);
    bars.push({ li: li, fill: li.querySelector('.fill'), pct: li.querySelector('.pct') });
  }

  // ---- drawing -------------------------------------------------------------------------
  let drawing = false;
  let last = null;
  let inked = false;
  let seq = 0;

  function resetCanvas() {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = LINE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
  }

  function clearAll() {
    seq++;                          // answers still on their way are ignored
    resetCanvas();
    inked = false;
    pctx.fillStyle = '#000';
    pctx.fillRect(0, 0, 28, 28);
    digitEl.textContent = '?';
    confEl.textContent = 'draw a digit';
    statusEl.textContent = '';
    bars.forEach(function (b) { b.fill.style.width = '0'; b.pct.textContent = '–'; b.li.classList.remove('top'); });
    document.body.dataset.state = 'empty';
    window.tfjLastInstance = null;
  }

  function point(e) {
    const r = pad.getBoundingClientRect();
    return { x: (e.clientX - r.left) * SIZE / r.width, y: (e.clientY - r.top) * SIZE / r.height };
  }

  function dot(p) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, LINE / 2, 0, 2 * Math.PI);
    ctx.fill();
    inked = true;
  }

  function segment(a, b) {
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
    inked = true;
  }

  function start(p) {
    drawing = true;
    last = p;
    dot(p);
    document.body.dataset.state = 'drawing';
  }

  function move(p) {
    if (!drawing) return;
    segment(last, p);
    last = p;
  }

  function end() {
    if (!drawing) return;
    drawing = false;
    predict();
  }

  if (window.PointerEvent) {
    // one code path for mouse, touch and pen
    pad.addEventListener('pointerdown', function (e) {
      if (e.button !== undefined && e.button > 0) return;
      e.preventDefault();
      try { pad.setPointerCapture(e.pointerId); } catch (ignored) { /* synthetic pointers */ }
      start(point(e));
    });
    pad.addEventListener('pointermove', function (e) {
      if (!drawing) return;
      e.preventDefault();
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      if (events.length > 1) events.forEach(function (c) { move(point(c)); }); else move(point(e));
    });
    pad.addEventListener('pointerup', end);
    pad.addEventListener('pointercancel', end);
  } else {
    pad.addEventListener('mousedown', function (e) { start(point(e)); });
    window.addEventListener('mousemove', function (e) { move(point(e)); });
    window.addEventListener('mouseup', end);
    pad.addEventListener('touchstart', function (e) { e.preventDefault(); start(point(e.touches[0])); }, { passive: false });
    pad.addEventListener('touchmove', function (e) { e.preventDefault(); move(point(e.touches[0])); }, { passive: false });
    pad.addEventListener('touchend', function (e) { e.preventDefault(); end(); }, { passive: false });
  }

  document.getElementById('clear').addEventListener('click', clearAll);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' || e.key === 'c') clearAll();
  });
  const caption = document.getElementById('preview-caption');
  serverSide.addEventListener('change', function () {
    caption.textContent = serverSide.checked
      ? 'browser framing (the server frames the PNG itself)' : 'what the model sees (28×28)';
    if (inked) predict();
  });

  // ---- MNIST framing in the browser ----------------------------------------------------
  // As MNIST was made: crop to the ink, scale to fit a 20x20 box keeping the aspect ratio
  // (area averaging, so strokes turn into grey edges), then place it in 28x28 so that its
  // centre of mass sits at the centre.
  function toMnist() {
    const data = ctx.getImageData(0, 0, SIZE, SIZE).data;
    let minX = SIZE, minY = SIZE, maxX = -1, maxY = -1;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        if (data[(y * SIZE + x) * 4] > 16) {
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
        }
      }
    }
    if (maxX < 0) return null;
    const w = maxX - minX + 1, h = maxY - minY + 1;
    const scale = 20 / Math.max(w, h);
    const tw = Math.max(1, Math.round(w * scale)), th = Math.max(1, Math.round(h * scale));
    const sum = new Float64Array(tw * th), count = new Float64Array(tw * th);
    for (let y = minY; y <= maxY; y++) {
      const ty = Math.min(th - 1, Math.floor((y - minY) * th / h));
      for (let x = minX; x <= maxX; x++) {
        const tx = Math.min(tw - 1, Math.floor((x - minX) * tw / w));
        sum[ty * tw + tx] += data[(y * SIZE + x) * 4];
        count[ty * tw + tx] += 1;
      }
    }
    let mass = 0, mx = 0, my = 0;
    const small = new Float64Array(tw * th);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const v = count[y * tw + x] ? sum[y * tw + x] / count[y * tw + x] / 255 : 0;
        small[y * tw + x] = v;
        mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
      }
    }
    const ox = Math.round(14 - mx / mass), oy = Math.round(14 - my / mass);
    const out = new Float32Array(784);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const X = x + ox, Y = y + oy;
        if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = small[y * tw + x];
      }
    }
    return out;
  }

  function showPreview(x) {
    const img = pctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(x[i] * 255);
      img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = v;
      img.data[i * 4 + 3] = 255;
    }
    pctx.putImageData(img, 0, 0);
  }

  // The drawing as a PNG of dark ink on white paper, for the server's photo preprocessing.
  function pngBase64() {
    const src = ctx.getImageData(0, 0, SIZE, SIZE);
    const c = document.createElement('canvas');
    c.width = SIZE; c.height = SIZE;
    const cc = c.getContext('2d');
    const out = cc.createImageData(SIZE, SIZE);
    for (let i = 0; i < src.data.length; i += 4) {
      const v = 255 - src.data[i];
      out.data[i] = out.data[i + 1] = out.data[i + 2] = v;
      out.data[i + 3] = 255;
    }
    cc.putImageData(out, 0, 0);
    return c.toDataURL('image/png').split(',')[1];
  }

  // ---- asking the server ---------------------------------------------------------------
  function predict() {
    if (!inked) return;
    const mine = ++seq;
    const x = toMnist();
    if (!x) return;
    showPreview(x);
    let body;
    if (serverSide.checked) {
      body = { instances: [{ b64: pngBase64() }] };
      window.tfjLastInstance = null;
    } else {
      const rows = [];
      for (let r = 0; r < 28; r++) {
        rows.push(Array.from(x.slice(r * 28, r * 28 + 28), function (v) { return Math.round(v * 1000) / 1000; }));
      }
      body = { instances: [rows] };
      window.tfjLastInstance = rows;
    }
    document.body.dataset.state = 'predicting';
    fetch('/v1/models/' + encodeURIComponent(model) + ':predict', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (json) { return { ok: res.ok, status: res.status, json: json }; });
    }).then(function (r) {
      if (mine !== seq) return;
      if (!r.ok) {
        fail('The server answered ' + r.status + ': ' + (r.json && r.json.error));
        return;
      }
      show(r.json.predictions[0]);
    }).catch(function (e) {
      if (mine === seq) fail('Request failed: ' + e);
    });
  }

  function show(probs) {
    let best = 0;
    for (let d = 1; d < probs.length; d++) if (probs[d] > probs[best]) best = d;
    digitEl.textContent = String(best);
    confEl.textContent = (probs[best] * 100).toFixed(1) + ' % sure';
    bars.forEach(function (b, d) {
      const p = probs[d] || 0;
      b.fill.style.width = (p * 100).toFixed(2) + '%';
      b.pct.textContent = (p * 100).toFixed(p >= 0.1 ? 1 : 2) + ' %';
      b.li.dataset.p = String(p);
      b.li.classList.toggle('top', d === best);
    });
    statusEl.textContent = '';
    window.tfjLastProbabilities = probs;
    document.body.dataset.predictions = String(Number(document.body.dataset.predictions) + 1);
    document.body.dataset.state = 'shown';
  }

  function fail(message) {
    statusEl.textContent = message;
    document.body.dataset.state = 'error';
  }

  clearAll();
  document.body.dataset.ready = 'true';
})();
