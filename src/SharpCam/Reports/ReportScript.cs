namespace SharpCam.Reports;

/// <summary>
/// The report's only script, dependency-free: gallery filtering by true/predicted class, paging ("Show more"),
/// confusion-cell links that filter a gallery, and a dialog that shows a figure at full size. It reads data-
/// attributes and sets only textContent, hidden and src, so nothing from a manifest is ever parsed as HTML.
/// </summary>
internal static class ReportScript
{
    public const string Source = """
"use strict";
(function () {
  var viewer = document.getElementById("viewer");
  var viewerImg = viewer.querySelector("img");
  var viewerCaption = viewer.querySelector("p");

  function setUp(gallery) {
    var cards = Array.prototype.slice.call(gallery.querySelectorAll(".card"));
    var controls = Array.prototype.slice.call(gallery.querySelectorAll("[data-filter]"));
    var page = Number(gallery.dataset.page) || 60, limit = page;
    var status = gallery.querySelector(".status"), more = gallery.querySelector(".more");
    function matches(card) {
      return controls.every(function (c) {
        var value = card.dataset[c.dataset.filter];
        return c.type === "checkbox" ? !c.checked || value === "1" : c.value === "" || value === c.value;
      });
    }
    function render() {
      var matched = 0;
      cards.forEach(function (card) {
        var ok = matches(card);
        if (ok) matched++;
        card.hidden = !ok || matched > limit;
      });
      var shown = Math.min(matched, limit);
      status.textContent = matched === cards.length
        ? shown + " of " + cards.length + " shown"
        : shown + " of " + matched + " matching shown (" + cards.length + " in all)";
      more.hidden = matched <= limit;
    }
    function set(values) {
      controls.forEach(function (c) {
        var v = values[c.dataset.filter];
        if (c.type === "checkbox") c.checked = v === true; else c.value = v || "";
      });
      limit = page;
      render();
    }
    controls.forEach(function (c) { c.addEventListener("change", function () { limit = page; render(); }); });
    more.addEventListener("click", function () { limit += page; render(); });
    gallery.querySelector(".reset").addEventListener("click", function () { set({}); });
    gallery.filterTo = set;
    render();
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
      viewerCaption.textContent = img.alt;
      viewer.showModal();
    }
  });
  viewer.addEventListener("click", function (e) { if (e.target === viewer) viewer.close(); });
})();
""";
}
