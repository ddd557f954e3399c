namespace SharpCam.Reports;

/// <summary>
/// The report's only script, dependency-free. It reads the page's JSON data (<see cref="GallerySection.AppendData"/>)
/// and renders the galleries' cards a page at a time: filtering by true/predicted class and "mistakes only" over all
/// items, paging ("Show more"), confusion-cell links that filter a gallery, and a dialog that opens a figure file at
/// full size only when asked. Every text from the data is set as textContent and every URL as src, so nothing from a
/// manifest is ever parsed as HTML.
/// </summary>
internal static class ReportScript
{
    public const string Source = """
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var viewer = document.getElementById("viewer");
  var viewerImg = viewer.querySelector("img");
  var viewerCaption = viewer.querySelector("p");

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function className(c) { return c >= 0 && c < data.classes.length ? data.classes[c] : String(c); }
  function trueName(item) { return item.tn || className(item.t); }
  function predName(item) { return item.pn || className(item.p); }
  function percent(p) { return (p * 100).toFixed(1) + "%"; }
  function isWrong(item) { return item.t !== undefined && item.t !== item.p; }
  function alt(item, failures) {
    if (item.v === "c") return item.i + ": image, map for predicted " + predName(item) + ", map for true " + trueName(item);
    if (item.v === "m") return item.i + ": " + (failures ? "maps for predicted " + predName(item) + " and for true " + trueName(item)
      : "map for " + (item.m || predName(item)));
    return item.i + ": image, heatmap and overlay for " + (item.m || predName(item));
  }

  function figure(item, failures) {
    var box = el("div", "fig");
    if (!item.s) {
      var missing = el("div", "placeholder", item.x + (item.xp ? ":" : ""));
      missing.setAttribute("role", "img");
      missing.setAttribute("aria-label", "No figure for " + item.i);
      if (item.xp) missing.appendChild(el("code", "", item.xp));
      box.appendChild(missing);
      return box;
    }
    var button = el("button", "zoom");
    button.type = "button";
    if (item.f) button.dataset.full = item.f;
    else button.dataset.note = "No figure was drawn for this item (the run drew figures for some items only); this is its map" + (failures ? "s for the predicted and the true class." : ".");
    button.setAttribute("aria-label", "Enlarge: " + alt(item, failures));
    var img = el("img");
    img.src = item.s; img.width = item.sw; img.height = item.sh; img.alt = alt(item, failures); img.decoding = "async";
    button.appendChild(img);
    box.appendChild(button);
    if (item.v === "c" || (item.v === "m" && failures)) {
      var legend = el("p", "legend" + (item.v === "m" ? " two" : ""));
      legend.setAttribute("aria-hidden", "true");
      (item.v === "c" ? ["image", "map: predicted", "map: true"] : ["map: predicted", "map: true"])
        .forEach(function (t) { legend.appendChild(el("span", "", t)); });
      box.appendChild(legend);
    }
    return box;
  }

  function card(item, failures) {
    var li = el("li", "card" + (isWrong(item) ? " wrong" : ""));
    li.dataset.true = item.t === undefined ? "" : String(item.t);
    li.dataset.pred = String(item.p);
    li.dataset.wrong = isWrong(item) ? "1" : "0";
    li.appendChild(figure(item, failures));
    var meta = el("div", "meta"), title = el("p", "title");
    title.appendChild(el("span", "id", item.i));
    if (failures) { if (item.c !== undefined) title.appendChild(el("span", "badge bad", percent(item.c) + " sure")); }
    else if (item.t !== undefined) title.appendChild(isWrong(item) ? el("span", "badge bad", "wrong") : el("span", "badge good", "correct"));
    meta.appendChild(title);
    var line = el("p");
    if (item.t !== undefined) { line.append("True "); line.appendChild(el("b", "", trueName(item))); line.append(" · predicted "); }
    else line.append("predicted ");
    line.appendChild(el("b", "", predName(item)));
    meta.appendChild(line);
    if (!failures) {
      var target = [item.m, item.l || data.layer].filter(function (s) { return s; });
      if (target.length) meta.appendChild(el("p", "target", "Map: " + target.join(" · ")));
      if (item.k && item.k.length) {
        var list = el("ol", "topk");
        list.setAttribute("aria-label", "Top classes");
        item.k.forEach(function (k) {
          var row = el("li"), meter = el("meter");
          meter.min = 0; meter.max = 1; meter.value = k[1];
          row.appendChild(el("span", "name", k.length > 2 ? k[2] : className(k[0])));
          row.appendChild(meter);
          row.appendChild(el("span", "num", percent(k[1])));
          list.appendChild(row);
        });
        meta.appendChild(list);
      }
    }
    li.appendChild(meta);
    return li;
  }

  function setUp(gallery) {
    var id = gallery.dataset.items, items = data.galleries[id] || [], failures = id === "failures";
    var controls = Array.prototype.slice.call(gallery.querySelectorAll("[data-filter]"));
    var page = Number(gallery.dataset.page) || 60, limit = page, matched = items;
    var list = gallery.querySelector(".cards");
    var status = gallery.querySelector(".status"), more = gallery.querySelector(".more");
    function matches(item) {
      return controls.every(function (c) {
        var f = c.dataset.filter;
        if (f === "wrong") return !c.checked || isWrong(item);
        var value = f === "true" ? item.t : item.p;
        return c.value === "" || (value !== undefined && String(value) === c.value);
      });
    }
    function filter() { matched = items.filter(matches); limit = page; list.textContent = ""; render(); }
    function render() {
      for (var n = list.children.length; n < Math.min(limit, matched.length); n++) list.appendChild(card(matched[n], failures));
      var shown = list.children.length;
      status.textContent = matched.length === items.length
        ? shown.toLocaleString("en") + " of " + items.length.toLocaleString("en") + " shown"
        : shown.toLocaleString("en") + " of " + matched.length.toLocaleString("en") + " matching shown (" + items.length.toLocaleString("en") + " in all)";
      more.hidden = matched.length <= limit;
    }
    function set(values) {
      controls.forEach(function (c) {
        var v = values[c.dataset.filter];
        if (c.type === "checkbox") c.checked = v === true; else c.value = v || "";
      });
      filter();
    }
    controls.forEach(function (c) { c.addEventListener("change", filter); });
    more.addEventListener("click", function () { limit += page; render(); });
    gallery.querySelector(".reset").addEventListener("click", function () { set({}); });
    gallery.filterTo = set;
    filter();
  }
  Array.prototype.forEach.call(document.querySelectorAll(".gallery"), setUp);

  document.addEventListener("click", function (e) {
    var cell = e.target.closest("a.cell");
    if (cell) {
      var gallery = document.getElementById(cell.dataset.gallery + "-gallery");
      if (gallery && gallery.filterTo) gallery.filterTo({ "true": cell.dataset.true, pred: cell.dataset.pred });
      return;
    }
    var zoom = e.target.closest("button.zoom");
    if (zoom) {
      var img = zoom.querySelector("img");
      viewerImg.src = zoom.dataset.full || img.src;
      viewerImg.alt = img.alt;
      viewerCaption.textContent = zoom.dataset.note ? img.alt + ". " + zoom.dataset.note : img.alt;
      viewer.classList.toggle("map", !zoom.dataset.full);
      viewer.showModal();
    }
  });
  viewer.addEventListener("close", function () { viewerImg.removeAttribute("src"); });
  viewer.addEventListener("click", function (e) { if (e.target === viewer) viewer.close(); });
})();
""";
}
