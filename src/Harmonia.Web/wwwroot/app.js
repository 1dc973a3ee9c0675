// The harmonia serve page: uploads, method picker, before/after, live strength and curve edits, downloads.
// Everything goes through the same HTTP API a script would use (see /openapi/v1.json).
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const state = { id: null, info: null, points: null, edited: false, methods: [], generation: 0,
                  busy: false, pending: false, composite: null, mask: null, zoom100: false };
  const channelColors = ["#d33", "#2a2", "#33d"];

  function status(text, isError) {
    $("status").textContent = text;
    $("status").classList.toggle("error", !!isError);
  }

  async function errorText(response) {
    try { return (await response.json()).error || response.statusText; } catch { return response.statusText; }
  }

  // ---------- methods ----------
  async function loadMethods() {
    const response = await fetch("/api/methods");
    state.methods = await response.json();
    const select = $("method");
    for (const m of state.methods) {
      const option = document.createElement("option");
      option.value = m.name;
      option.textContent = m.isDefault ? `${m.name} (default)` : m.name;
      option.selected = m.isDefault;
      select.append(option);
    }
    showMethod();
  }

  function showMethod() {
    const m = state.methods.find(x => x.name === $("method").value);
    $("method-description").textContent = m ? m.description : "";
    const box = $("settings");
    box.replaceChildren();
    for (const s of (m ? m.settings : [])) {
      const label = document.createElement("label");
      label.textContent = `${s.key} — ${s.description} `;
      const input = document.createElement("input");
      input.dataset.key = s.key;
      input.placeholder = s.default;
      label.append(input);
      box.append(label);
    }
  }

  // ---------- foreground + background placement ----------
  const place = { fg: null, bg: null, x: 0, y: 0, dragging: null };

  async function loadBitmap(input) {
    return input.files[0] ? await createImageBitmap(input.files[0]) : null;
  }

  async function preparePlacement() {
    const fg = await loadBitmap($("fg-file")), fgMask = await loadBitmap($("fgmask-file")), bg = await loadBitmap($("bg-file"));
    place.bg = bg;
    if (fg) {
      const c = new OffscreenCanvas(fg.width, fg.height), g = c.getContext("2d");
      g.drawImage(fg, 0, 0);
      if (fgMask) {
        // A separate mask becomes the foreground's alpha (luminance, white = foreground).
        const m = new OffscreenCanvas(fg.width, fg.height).getContext("2d");
        m.drawImage(fgMask, 0, 0, fg.width, fg.height);
        const mp = m.getImageData(0, 0, fg.width, fg.height).data, img = g.getImageData(0, 0, fg.width, fg.height);
        for (let i = 0; i < mp.length; i += 4) img.data[i + 3] = Math.round(0.299 * mp[i] + 0.587 * mp[i + 1] + 0.114 * mp[i + 2]);
        g.putImageData(img, 0, 0);
      }
      place.fg = c;
    }
    if (place.bg) { place.x = place.bg.width / 4; place.y = place.bg.height / 4; }
    drawPlacement();
  }

  function drawPlacement() {
    const canvas = $("place-canvas"), g = canvas.getContext("2d");
    if (!place.bg) { g.clearRect(0, 0, canvas.width, canvas.height); return; }
    canvas.width = place.bg.width; canvas.height = place.bg.height;
    g.drawImage(place.bg, 0, 0);
    if (place.fg) {
      const s = Number($("place-scale").value) * place.bg.width / place.fg.width;
      g.drawImage(place.fg, place.x, place.y, place.fg.width * s, place.fg.height * s);
    }
  }

  function canvasPoint(canvas, event) {
    const r = canvas.getBoundingClientRect();
    return [(event.clientX - r.left) * canvas.width / r.width, (event.clientY - r.top) * canvas.height / r.height];
  }

  async function placedPair() {
    if (!place.bg || !place.fg) throw new Error("Choose a foreground and a background first.");
    const w = place.bg.width, h = place.bg.height, s = Number($("place-scale").value) * w / place.fg.width;
    const composite = new OffscreenCanvas(w, h), cg = composite.getContext("2d");
    cg.drawImage(place.bg, 0, 0);
    cg.drawImage(place.fg, place.x, place.y, place.fg.width * s, place.fg.height * s);
    const mask = new OffscreenCanvas(w, h), mg = mask.getContext("2d");
    mg.drawImage(place.fg, place.x, place.y, place.fg.width * s, place.fg.height * s);
    mg.globalCompositeOperation = "source-in";
    mg.fillStyle = "#fff"; mg.fillRect(0, 0, w, h);
    mg.globalCompositeOperation = "destination-over";
    mg.fillStyle = "#000"; mg.fillRect(0, 0, w, h);
    return [await composite.convertToBlob({ type: "image/png" }), await mask.convertToBlob({ type: "image/png" })];
  }

  // ---------- harmonize once, then render ----------
  async function harmonize() {
    let composite, mask;
    try {
      if (!$("place-inputs").hidden) [composite, mask] = await placedPair();
      else {
        composite = $("composite-file").files[0]; mask = $("mask-file").files[0];
        if (!composite || !mask) throw new Error("Choose a composite and a mask first.");
      }
    } catch (e) { status(e.message, true); return; }
    const form = new FormData();
    form.append("composite", composite, "composite");
    form.append("mask", mask, "mask");
    form.append("method", $("method").value);
    for (const input of $("settings").querySelectorAll("input"))
      if (input.value.trim()) form.append("set", `${input.dataset.key}=${input.value.trim()}`);
    $("harmonize").disabled = true;
    status("Harmonizing…");
    const started = performance.now();
    try {
      const response = await fetch("/api/images", { method: "POST", body: form });
      if (!response.ok) { status(await errorText(response), true); return; }
      state.info = await response.json();
      state.id = state.info.id;
      state.composite = composite; state.mask = mask; state.edited = false;
      $("before").src = URL.createObjectURL(composite);
      await $("before").decode();
      state.points = state.info.curves ? state.info.curves.map(table => [0, 0.25, 0.5, 0.75, 1].map(x => [x, table[Math.round(x * 255)]])) : null;
      $("curve-editor").hidden = !state.info.curves;
      $("result").hidden = false;
      drawCurves();
      await drawOutline();
      status(`${state.info.method}: ${state.info.width}×${state.info.height} in ${Math.round(performance.now() - started)} ms` +
             (state.info.warning ? ` — ${state.info.warning}` : ""));
      await render();
    } finally { $("harmonize").disabled = false; }
  }

  function renderBody(preview, format) {
    const body = { id: state.id, strength: Number($("strength").value), preview, format };
    if (state.edited && state.points) body.points = { r: state.points[0], g: state.points[1], b: state.points[2] };
    return body;
  }

  async function postRender(body) {
    const response = await fetch("/api/render", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(await errorText(response));
    return await response.blob();
  }

  // Live controls: one render in flight; the latest change is rendered when it returns.
  async function render() {
    if (!state.id) return;
    if (state.busy) { state.pending = true; return; }
    state.busy = true;
    try {
      do {
        state.pending = false;
        const body = renderBody(!state.zoom100, "jpeg");
        const started = performance.now();
        const blob = await postRender(body);
        const after = $("after"), old = after.src;
        after.src = URL.createObjectURL(blob);
        await after.decode();
        // Freed a little later: whoever still reads the previous image (a save, a test) keeps it meanwhile.
        if (old.startsWith("blob:")) setTimeout(() => URL.revokeObjectURL(old), 30000);
        after.dataset.request = JSON.stringify(body);
        after.dataset.generation = String(++state.generation);
        $("stack").dataset.ms = String(Math.round(performance.now() - started));
      } while (state.pending);
    } catch (e) { status(e.message, true); }
    finally { state.busy = false; }
  }

  // ---------- before/after, zoom, outline ----------
  function compare() {
    const v = Number($("compare").value);
    $("after").style.clipPath = `inset(0 0 0 ${v}%)`;
    $("divider").style.left = `${v}%`;
  }

  async function drawOutline() {
    const canvas = $("outline-canvas");
    const bitmap = await createImageBitmap(state.mask);
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const w = Math.round(bitmap.width * scale), h = Math.round(bitmap.height * scale);
    canvas.width = w; canvas.height = h;
    const g = canvas.getContext("2d");
    g.drawImage(bitmap, 0, 0, w, h);
    const src = g.getImageData(0, 0, w, h), out = g.createImageData(w, h);
    const fg = i => {
      const a = src.data[i * 4 + 3];
      return a < 255 ? a >= 128 : (0.299 * src.data[i * 4] + 0.587 * src.data[i * 4 + 1] + 0.114 * src.data[i * 4 + 2]) >= 128;
    };
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = y * w + x, f = fg(i);
        const edge = (x > 0 && fg(i - 1) !== f) || (y > 0 && fg(i - w) !== f);
        if (edge) { out.data[i * 4] = 255; out.data[i * 4 + 1] = 0; out.data[i * 4 + 2] = 255; out.data[i * 4 + 3] = 255; }
      }
    g.putImageData(out, 0, 0);
    canvas.hidden = !$("outline").checked;
  }

  function toggleZoom() {
    state.zoom100 = !state.zoom100;
    $("viewer").classList.toggle("fit", !state.zoom100);
    $("zoom").textContent = state.zoom100 ? "Fit" : "100 %";
    render();
  }

  // ---------- curve editor ----------
  let dragging = null;
  const channel = () => Number(document.querySelector("input[name=channel]:checked").value);

  function drawCurves() {
    const canvas = $("curve-canvas"), g = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
    g.clearRect(0, 0, W, H);
    g.strokeStyle = "#ddd"; g.lineWidth = 1;
    for (let i = 1; i < 4; i++) { g.beginPath(); g.moveTo(i * W / 4, 0); g.lineTo(i * W / 4, H); g.moveTo(0, i * H / 4); g.lineTo(W, i * H / 4); g.stroke(); }
    g.beginPath(); g.moveTo(0, H); g.lineTo(W, 0); g.stroke();
    if (!state.points) return;
    for (let c = 0; c < 3; c++) {
      const table = state.edited ? HarmoniaCurves.sample256(state.points[c]) : state.info.curves[c];
      g.strokeStyle = channelColors[c]; g.lineWidth = c === channel() ? 2.5 : 1; g.globalAlpha = c === channel() ? 1 : 0.5;
      g.beginPath();
      table.forEach((y, v) => { const px = v / 255 * W, py = (1 - y) * H; if (v === 0) g.moveTo(px, py); else g.lineTo(px, py); });
      g.stroke();
    }
    g.globalAlpha = 1;
    canvas.dataset.points = JSON.stringify(state.points[channel()]);
    g.fillStyle = channelColors[channel()];
    for (const [x, y] of state.points[channel()]) { g.beginPath(); g.arc(x * W, (1 - y) * H, 5, 0, 2 * Math.PI); g.fill(); }
  }

  function curvePoint(event) {
    const [x, y] = canvasPoint($("curve-canvas"), event);
    return [Math.min(1, Math.max(0, x / $("curve-canvas").width)), Math.min(1, Math.max(0, 1 - y / $("curve-canvas").height))];
  }

  function nearest(p) {
    const pts = state.points[channel()];
    let best = -1, bestD = 0.05;
    pts.forEach((q, i) => { const d = Math.hypot(q[0] - p[0], q[1] - p[1]); if (d < bestD) { best = i; bestD = d; } });
    return best;
  }

  function curveDown(event) {
    if (!state.points || event.button !== 0) return;
    const i = nearest(curvePoint(event));
    if (i >= 0) { dragging = i; $("curve-canvas").setPointerCapture(event.pointerId); }
  }

  function curveMove(event) {
    if (dragging === null) return;
    const pts = state.points[channel()], [x, y] = curvePoint(event);
    // A point stays strictly between its neighbours; the end points keep their x.
    const lo = dragging > 0 ? pts[dragging - 1][0] + 0.01 : 0, hi = dragging < pts.length - 1 ? pts[dragging + 1][0] - 0.01 : 1;
    pts[dragging] = [dragging === 0 ? pts[0][0] : dragging === pts.length - 1 ? pts[dragging][0] : Math.min(hi, Math.max(lo, x)), y];
    state.edited = true;
    drawCurves();
    render();
  }

  function curveAdd(event) {
    if (!state.points) return;
    const p = curvePoint(event), pts = state.points[channel()];
    if (pts.some(q => Math.abs(q[0] - p[0]) < 0.02)) return;
    pts.push(p); pts.sort((a, b) => a[0] - b[0]);
    state.edited = true; drawCurves(); render();
  }

  function curveRemove(event) {
    event.preventDefault();
    if (!state.points) return;
    const i = nearest(curvePoint(event)), pts = state.points[channel()];
    if (i > 0 && i < pts.length - 1) { pts.splice(i, 1); state.edited = true; drawCurves(); render(); }
  }

  // ---------- downloads ----------
  function save(blob, name) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  async function download(format) {
    status("Rendering at full resolution…");
    try {
      if (format === "json") {
        const response = await fetch("/api/parameters", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(renderBody(false)) });
        if (!response.ok) throw new Error(await errorText(response));
        save(await response.blob(), "harmonized-parameters.json");
      } else {
        save(await postRender(renderBody(false, format)), format === "png" ? "harmonized.png" : "harmonized.jpg");
      }
      status("Downloaded.");
    } catch (e) { status(e.message, true); }
  }

  // ---------- wiring ----------
  function wire() {
    $("method").addEventListener("change", showMethod);
    $("harmonize").addEventListener("click", harmonize);
    $("strength").addEventListener("input", () => { $("strength-value").textContent = Number($("strength").value).toFixed(2); render(); });
    $("compare").addEventListener("input", compare);
    $("outline").addEventListener("change", () => { $("outline-canvas").hidden = !$("outline").checked; });
    $("zoom").addEventListener("click", toggleZoom);
    $("download-png").addEventListener("click", () => download("png"));
    $("download-jpeg").addEventListener("click", () => download("jpeg"));
    $("download-json").addEventListener("click", () => download("json"));
    $("reset-curves").addEventListener("click", () => {
      state.points = state.info.curves.map(table => [0, 0.25, 0.5, 0.75, 1].map(x => [x, table[Math.round(x * 255)]]));
      state.edited = false; drawCurves(); render();
    });
    for (const r of document.querySelectorAll("input[name=channel]")) r.addEventListener("change", drawCurves);
    const cc = $("curve-canvas");
    cc.addEventListener("pointerdown", curveDown);
    cc.addEventListener("pointermove", curveMove);
    cc.addEventListener("pointerup", () => { dragging = null; });
    cc.addEventListener("dblclick", curveAdd);
    cc.addEventListener("contextmenu", curveRemove);
    $("tab-pair").addEventListener("click", () => { $("pair-inputs").hidden = false; $("place-inputs").hidden = true; $("tab-pair").classList.add("active"); $("tab-place").classList.remove("active"); });
    $("tab-place").addEventListener("click", () => { $("pair-inputs").hidden = true; $("place-inputs").hidden = false; $("tab-place").classList.add("active"); $("tab-pair").classList.remove("active"); });
    for (const id of ["fg-file", "fgmask-file", "bg-file"]) $(id).addEventListener("change", preparePlacement);
    $("place-scale").addEventListener("input", drawPlacement);
    const pc = $("place-canvas");
    pc.addEventListener("pointerdown", e => { const [x, y] = canvasPoint(pc, e); place.dragging = [x - place.x, y - place.y]; pc.setPointerCapture(e.pointerId); });
    pc.addEventListener("pointermove", e => { if (!place.dragging) return; const [x, y] = canvasPoint(pc, e); place.x = x - place.dragging[0]; place.y = y - place.dragging[1]; drawPlacement(); });
    pc.addEventListener("pointerup", () => { place.dragging = null; });
    compare();
  }

  wire();
  loadMethods().catch(e => status(e.message, true));
})();
