// SharpCam explorer: the data-set view (paged on the server) and live re-explanation. Every name shown comes from the
// run or an upload, so text goes in with textContent only, never as HTML.
"use strict";

const state = { run: null, offset: 0, limit: 50, total: 0, panels: [] };
const $ = (selector, root = document) => root.querySelector(selector);
const element = (tag, className, text) => {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
};
const percent = p => (100 * p).toFixed(1) + " %";
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function showMessage(text, kind = "error") {
  const box = $("#message");
  box.textContent = text;
  box.className = kind;
  box.hidden = !text;
}

// One request: JSON errors become exceptions with the server's message; 429 (model busy) is retried a few times.
async function api(path, options = {}, onBusy = () => {}) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(path, options);
    if (response.status === 429 && attempt < 8) {
      const wait = 1000 * (Number(response.headers.get("Retry-After")) || 1);
      onBusy(attempt + 1);
      await sleep(wait * (attempt < 3 ? 0.5 : 1));
      continue;
    }
    const body = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
    if (!response.ok) throw new Error(body?.error || `The server answered ${response.status}.`);
    return body;
  }
}

const post = (path, body, onBusy) => api(path, {
  method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
}, onBusy);

async function start() {
  const run = state.run = await api("/api/run");
  const parts = [`${run.run_dir}: ${run.kind} run`, `${run.architecture}`, `${run.count.toLocaleString("en")} items`,
                 `${run.method} at ${run.layer}`];
  if (run.accuracy != null) parts.push(`test accuracy ${percent(run.accuracy)}` + (run.evaluated ? ` on ${run.evaluated.toLocaleString("en")}` : ""));
  $("#run-summary").textContent = parts.join(" · ");
  document.body.classList.toggle("digits", run.digits);
  const filters = $("#filters");
  for (const name of ["true", "pred"])
    run.class_names.forEach((n, i) => filters.elements[name].append(new Option(`${i}: ${n}`, String(i))));
  const list = $("#class-list");
  run.class_names.forEach((n, i) => list.append(new Option(`${i}: ${n}`, n)));
  buildConfusion(run);
  filters.addEventListener("change", () => loadItems(0));
  filters.addEventListener("reset", () => setTimeout(() => loadItems(0)));
  filters.addEventListener("submit", e => { e.preventDefault(); loadItems(0); });
  $("#prev").addEventListener("click", () => loadItems(Math.max(0, state.offset - state.limit)));
  $("#next").addEventListener("click", () => loadItems(state.offset + state.limit));
  setUpUploads();
  await loadItems(0);
  document.body.dataset.ready = "1";
}

function buildConfusion(run) {
  const table = $("#confusion");
  const n = run.class_names.length;
  if (n > 30) { table.replaceChildren(); table.closest(".scroll").append(element("p", "note", `${n} classes: filter by class above.`)); return; }
  const head = table.createTHead().insertRow();
  head.append(element("th", "", "true \\ pred"));
  run.class_names.forEach(name => head.append(element("th", "", name)));
  const body = table.createTBody();
  run.confusion.forEach((row, t) => {
    const tr = body.insertRow();
    tr.append(element("th", "", run.class_names[t]));
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, p) => {
      const cell = tr.insertCell();
      if (!count) { cell.className = "zero"; return; }
      const button = element("button", `cell s${Math.min(5, Math.ceil(5 * count / total))}${t === p ? " diag" : ""}`, String(count));
      button.type = "button";
      button.dataset.true = t;
      button.dataset.pred = p;
      button.title = `${count} with true ${run.class_names[t]}, predicted ${run.class_names[p]}`;
      button.addEventListener("click", () => {
        const f = $("#filters").elements;
        f.true.value = String(t); f.pred.value = String(p); f.mistakes.checked = false;
        loadItems(0);
      });
      cell.append(button);
    });
  });
}

function currentQuery(offset) {
  const f = $("#filters").elements;
  const q = new URLSearchParams({ offset, limit: state.limit, sort: f.sort.value });
  if (f.true.value) q.set("true", f.true.value);
  if (f.pred.value) q.set("pred", f.pred.value);
  if (f.mistakes.checked) q.set("mistakes", "1");
  if (f.min.value) q.set("min", f.min.value);
  if (f.max.value) q.set("max", f.max.value);
  return q;
}

async function loadItems(offset) {
  const list = $("#items");
  list.dataset.loading = "1";
  try {
    const page = await api("/api/items?" + currentQuery(offset));
    state.offset = page.offset; state.total = page.total;
    list.replaceChildren(...page.items.map(itemRow));
    const shown = page.items.length ? `${page.offset + 1}–${page.offset + page.items.length} of ${page.total.toLocaleString("en")} matching` : "nothing matches";
    $("#items-status").textContent = `${shown} (${state.run.count.toLocaleString("en")} in all)`;
    $("#prev").disabled = page.offset === 0;
    $("#next").disabled = page.offset + page.items.length >= page.total;
    showMessage("");
  } catch (e) {
    showMessage(e.message);
  } finally {
    delete list.dataset.loading;
  }
}

function itemRow(item) {
  const li = element("li");
  const button = element("button", "item" + (item.mistake ? " mistake" : ""));
  button.type = "button";
  Object.assign(button.dataset, { id: item.id, true: item.true_label ?? "", pred: item.predicted });
  const picture = element("img");
  picture.src = item.thumbnail; picture.alt = ""; picture.loading = "lazy";
  button.append(picture, element("span", "id", item.id),
    element("span", "labels", item.true_name != null ? `${item.true_name} → ${item.predicted_name}` : `→ ${item.predicted_name}`),
    element("span", "confidence", percent(item.confidence)));
  button.addEventListener("click", () => open(item.id, item.id));
  li.append(button);
  return li;
}

// --- Panels: one subject each (an item or an upload), explained with its own settings. ---

function newPanel(subject, title, settings) {
  const run = state.run;
  const el = $("#panel-template").content.firstElementChild.cloneNode(true);
  const method = $(".method", el), layer = $(".layer", el);
  run.methods.forEach(m => { const o = new Option(m.name, m.name); o.title = m.description; method.append(o); });
  run.layers.filter(l => l.name).forEach(l => {
    const o = new Option(`${"\u00a0\u00a0".repeat(l.depth - 1)}${l.name} (${l.type}${l.shape ? " " + l.shape.slice(1).join("×") : ""})`, l.name);
    o.disabled = !l.spatial;
    layer.append(o);
  });
  if (!run.layer.includes("+")) layer.value = run.layer;
  else layer.append(new Option(run.layer, run.layer, true, true));
  method.value = run.method;
  $(".normalization", el).value = run.normalization;
  const panel = { el, subject, title, seq: 0, result: null };
  if (settings) applySettings(panel, settings);
  for (const control of [method, layer, $(".normalization", el)]) control.addEventListener("change", () => explain(panel));
  $(".target", el).addEventListener("change", () => explain(panel));
  $(".opacity", el).addEventListener("input", () => setOpacity(panel));
  $(".metrics", el).addEventListener("click", () => metrics(panel));
  $(".compare", el).addEventListener("click", () => compare(panel));
  $(".close", el).addEventListener("click", () => closePanel(panel));
  setOpacity(panel);
  return panel;
}

const settingsOf = panel => ({
  method: $(".method", panel.el).value, layer: $(".layer", panel.el).value, target: $(".target", panel.el).value,
  normalization: $(".normalization", panel.el).value, opacity: $(".opacity", panel.el).value,
});

function applySettings(panel, s) {
  $(".method", panel.el).value = s.method; $(".layer", panel.el).value = s.layer; $(".target", panel.el).value = s.target;
  $(".normalization", panel.el).value = s.normalization; $(".opacity", panel.el).value = s.opacity;
}

function setOpacity(panel) {
  $(".over", panel.el).style.opacity = $(".opacity", panel.el).value;   // CSSOM, allowed by the CSP (no inline style)
}

function renderPanels() {
  const holder = $("#panels");
  holder.replaceChildren(...state.panels.map(p => p.el));
  holder.classList.toggle("two", state.panels.length === 2);
  state.panels.forEach((p, i) => {
    p.el.dataset.slot = i === 0 ? "a" : "b";
    $(".compare", p.el).hidden = state.panels.length > 1;
    $(".close", p.el).hidden = i === 0;
  });
}

/** Shows a subject in the first panel (the second, when comparing, keeps its own). */
function open(subject, title) {
  const first = state.panels[0];
  const settings = first ? settingsOf(first) : null;
  if (settings) settings.target = "";
  const panel = newPanel(subject, title, settings);
  state.panels[0] = panel;
  renderPanels();
  return explain(panel);
}

function compare(panel) {
  const twin = newPanel(panel.subject, panel.title, settingsOf(panel));
  state.panels = [panel, twin];
  renderPanels();
  return explain(twin);
}

function closePanel(panel) {
  state.panels = state.panels.filter(p => p !== panel);
  renderPanels();
}

async function explain(panel) {
  const el = panel.el, seq = ++panel.seq;
  const s = settingsOf(panel);
  const method = state.run.methods.find(m => m.name === s.method);
  $(".layer", el).disabled = !method.uses_layers;
  el.dataset.state = "loading";
  $(".subject", el).textContent = panel.title;
  $(".state", el).textContent = "explaining…";
  try {
    const result = await post("/api/explain",
      { subject: panel.subject, method: s.method, layer: s.layer, target: s.target.trim() || "pred", normalization: s.normalization },
      attempt => { if (seq === panel.seq) $(".state", el).textContent = `the model is busy; retrying (${attempt})…`; });
    if (seq !== panel.seq) return;   // a newer request for this panel has been sent
    panel.result = result;
    show(panel, result);
    showMessage("");
  } catch (e) {
    if (seq !== panel.seq) return;
    el.dataset.state = "error";
    $(".state", el).textContent = e.message;
    showMessage(e.message);
  }
}

function show(panel, r) {
  const el = panel.el;
  const truth = r.true_name != null ? `true ${r.true_name}, ` : "";
  $(".subject", el).textContent = r.title;
  $(".prediction", el).textContent = `${truth}predicted ${r.predicted_name}; map explains ${r.target_name} (class ${r.target_class}) with ${r.method}` +
    (state.run.methods.find(m => m.name === r.method).uses_layers ? ` at ${r.layer}` : "");
  const topk = $(".topk", el);
  topk.replaceChildren(...r.top_k.map(t => {
    const b = element("button", "class" + (t.class === r.target_class ? " target" : ""), `${t.name} ${percent(t.probability)}`);
    b.type = "button";
    b.dataset.class = t.class;
    b.addEventListener("click", () => { $(".target", el).value = String(t.class); explain(panel); });
    const li = element("li");
    li.append(b);
    return li;
  }));
  const loads = [];
  const set = (selector, url) => { const img = $(selector, el); img.src = url; loads.push(img.decode().catch(() => {})); };
  set(".picture", r.urls.picture); set(".under", r.urls.picture);
  set(".heatmap", r.urls.heatmap); set(".over", r.urls.heatmap);
  $(".npy", el).href = r.urls.npy; $(".overlay-png", el).href = r.urls.overlay; $(".panels-png", el).href = r.urls.panels;
  $(".metrics-table", el).hidden = true;
  $(".state", el).textContent = `explained in ${r.server_ms.toFixed(1)} ms on the server`;
  Promise.all(loads).then(() => {
    if (panel.result !== r) return;
    Object.assign(el.dataset, { state: "ready", result: r.id, method: r.method, target: r.target_class, layer: r.layer });
  });
}

async function metrics(panel) {
  if (!panel.result) return;
  const el = panel.el, id = panel.result.id, table = $(".metrics-table", el);
  $(".state", el).textContent = "measuring faithfulness…";
  try {
    const m = await post(`/api/results/${id}/metrics`, {}, a => { $(".state", el).textContent = `the model is busy; retrying (${a})…`; });
    if (panel.result?.id !== id) return;
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    ["metric", "value", "better"].forEach(h => head.append(element("th", "", h)));
    const body = table.createTBody();
    m.metrics.forEach(x => {
      const row = body.insertRow();
      row.append(element("td", "", x.name.replaceAll("_", " ")), element("td", "num", x.value.toFixed(4)),
                 element("td", "", x.higher_is_better == null ? "" : x.higher_is_better ? "higher" : "lower"));
    });
    table.hidden = false;
    $(".state", el).textContent = "faithfulness of this map";
    el.dataset.metrics = id;
  } catch (e) {
    $(".state", el).textContent = e.message;
    showMessage(e.message);
  }
}

// --- Your own image: drag and drop or a file chooser. ---

function setUpUploads() {
  const drop = $("#drop");
  const explorer = $("#explorer");
  explorer.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  explorer.addEventListener("dragleave", () => drop.classList.remove("over"));
  explorer.addEventListener("drop", e => {
    e.preventDefault();
    drop.classList.remove("over");
    const file = e.dataTransfer?.files?.[0];
    if (file) upload(file); else showMessage("Drop a picture file (JPEG, PNG, BMP or WebP).");
  });
  $("#file").addEventListener("change", e => { const file = e.target.files[0]; if (file) upload(file); e.target.value = ""; });
}

async function upload(file) {
  const limit = state.run.limits.upload_bytes;
  if (file.size > limit) {
    showMessage(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${(limit / 1e6).toFixed(0)} MB. Scale it down first.`);
    return;
  }
  const drop = $("#drop");
  drop.dataset.state = "uploading";
  showMessage(`Reading ${file.name}…`, "info");
  try {
    const body = await api("/api/uploads", {
      method: "POST", body: file,
      headers: { "Content-Type": file.type || "application/octet-stream", "X-File-Name": encodeURIComponent(file.name) },
    }, attempt => showMessage(`The server is busy; retrying (${attempt})…`, "info"));
    drop.dataset.state = "done";
    drop.dataset.subject = body.subject;
    showMessage("");
    await open(body.subject, body.title);
  } catch (e) {
    drop.dataset.state = "error";
    showMessage(`${file.name}: ${e.message}`);
  }
}

start().catch(e => showMessage(`The explorer could not start: ${e.message}`));
