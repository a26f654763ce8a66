// The page viewer (tongwen/web/viewer.py says why OpenSeadragon with our own navigation). The server renders
// every page whole — text, a picture, links to the previous, next and every page — so this script only
// adds: deep zoom over the IIIF tiles, the query's word boxes drawn on the image, turning pages in place
// (the next page's HTML is fetched and its parts swapped in, the address updated), arrow keys, and the
// vertical-reading toggle.
"use strict";
(function () {
  var root = document.getElementById("viewer");
  if (!root) { return; }
  var osd = null;            // the OpenSeadragon viewer, made once and reused from page to page
  // What the reader chose with the toggle for this item (kept for the session); null: each page's default.
  // Per item: reading 狂人日记 vertically says nothing about how to read 論語.
  var verticalKey = "tongwen-vertical:" + root.getAttribute("data-record");
  var verticalChoice = null;
  try { verticalChoice = JSON.parse(sessionStorage.getItem(verticalKey)); } catch (e) { verticalChoice = null; }

  function data(element, name) {
    var value = element.getAttribute("data-" + name);
    if (!value) { return null; }
    try { return JSON.parse(value); } catch (e) { return null; }
  }

  // --- the image -----------------------------------------------------------------------------------------

  function drawBoxes(element) {
    if (!osd || !osd.world.getItemCount()) { return; }
    osd.clearOverlays();
    var boxes = data(element, "boxes") || [];
    var item = osd.world.getItemAt(0);
    var size = item.getContentSize();
    // Word boxes are in the page's coordinates (ALTO/hOCR page size); the image may be scanned larger.
    var pageWidth = Number(element.getAttribute("data-page-width")) || size.x;
    var scale = size.x / pageWidth;
    boxes.forEach(function (box) {
      var mark = document.createElement("div");
      mark.className = "hit-box";
      var rect = item.imageToViewportRectangle(box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale);
      osd.addOverlay({element: mark, location: rect});
    });
  }

  function openImage(element) {
    var tiles = data(element, "tiles");
    var holder = document.getElementById("osd");
    if (!tiles || !holder || typeof OpenSeadragon === "undefined") { return; }
    var label = element.getAttribute("data-label-image");
    if (osd && osd.element === holder) {
      osd.open(tiles);
    } else {
      osd = OpenSeadragon({
        element: holder,
        tileSources: tiles,
        drawer: "canvas",              // readable back (tests look at its pixels); plenty fast for pages
        crossOriginPolicy: "Anonymous", // remote IIIF servers send CORS headers; ours is the same origin
        showNavigationControl: false,   // our own buttons below, labelled in the interface language
        visibilityRatio: 0.5,
        gestureSettingsMouse: {clickToZoom: false},
      });
      window.tongwenViewer = osd;  // for the browser console (and the tests)
      osd.addHandler("open", function () {
        var picture = holder.querySelector(".page-picture");
        if (picture) { picture.remove(); }
        drawBoxes(root);
      });
      var zoom = document.querySelector(".zoom-controls");
      if (zoom) {
        zoom.hidden = false;
        document.getElementById("zoom-in").addEventListener("click", function () { osd.viewport.zoomBy(1.5); });
        document.getElementById("zoom-out").addEventListener("click", function () { osd.viewport.zoomBy(1 / 1.5); });
        document.getElementById("zoom-home").addEventListener("click", function () { osd.viewport.goHome(); });
      }
    }
    osd.canvas.setAttribute("role", "img");
    osd.canvas.setAttribute("aria-label", label || "");
  }

  // --- vertical reading ----------------------------------------------------------------------------------

  function setUpToggle() {
    var toggle = document.getElementById("vertical-toggle");
    var text = document.getElementById("page-text");
    if (!toggle) { return; }
    if (!text) { toggle.hidden = true; return; }
    toggle.hidden = false;
    if (verticalChoice !== null) { text.classList.toggle("vertical", verticalChoice); }
    toggle.setAttribute("aria-pressed", text.classList.contains("vertical") ? "true" : "false");
    toggle.addEventListener("click", function () {
      verticalChoice = !text.classList.contains("vertical");
      text.classList.toggle("vertical", verticalChoice);
      toggle.setAttribute("aria-pressed", verticalChoice ? "true" : "false");
      try { sessionStorage.setItem(verticalKey, JSON.stringify(verticalChoice)); } catch (e) { /* private mode */ }
    });
  }

  // --- turning pages -------------------------------------------------------------------------------------

  var SWAPPED = [".viewer-head", ".page-turn", ".matching-pages", ".page-text-panel", ".page-list"];

  function swapIn(fresh) {
    var body = root.querySelector(".viewer-body");
    var freshBody = fresh.querySelector(".viewer-body");
    var hadImage = !!root.querySelector(".page-image");
    var hasImage = !!fresh.querySelector(".page-image");
    if (hadImage !== hasImage) {  // image page ↔ text-only page: a new layout, a new OpenSeadragon
      if (osd) { osd.destroy(); osd = null; window.tongwenViewer = null; }
      body.replaceWith(freshBody);
    } else {
      body.querySelector(".page-text-panel").replaceWith(freshBody.querySelector(".page-text-panel"));
    }
    SWAPPED.forEach(function (selector) {
      if (selector === ".page-text-panel") { return; }
      var old = root.querySelector(selector);
      var replacement = fresh.querySelector(selector);
      if (old && replacement) { old.replaceWith(replacement); }
      else if (old) { old.remove(); }
      else if (replacement) { root.querySelector(".page-turn").after(replacement); }
    });
    ["tiles", "boxes", "page-width", "page-height", "label-image"].forEach(function (name) {
      root.setAttribute("data-" + name, fresh.getAttribute("data-" + name) || "");
    });
  }

  function turnTo(url, focusId, push) {
    return fetch(url, {headers: {"Accept": "text/html"}, credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (markup) {
      var page = new DOMParser().parseFromString(markup, "text/html");
      var fresh = page.getElementById("viewer");
      if (!fresh) { throw new Error("no viewer in the answer"); }
      swapIn(fresh);
      document.title = page.title;
      if (push) { history.pushState({viewer: true}, "", url); }
      wire();
      openImage(root);
      // Focus stays where the reader was: on the button just used, else on the page's text.
      var target = (focusId && document.getElementById(focusId)) || document.getElementById("page-text") ||
        document.getElementById("viewer-status");
      if (target) {
        if (!target.hasAttribute("tabindex") && target.tagName !== "A" && target.tagName !== "BUTTON") {
          target.setAttribute("tabindex", "-1");
        }
        target.focus({preventScroll: focusId === "prev-page" || focusId === "next-page"});
      }
    }).catch(function () {
      window.location.assign(url);  // the server can always render it whole
    });
  }

  function wire() {
    root.querySelectorAll(".page-turn a[data-key-turn], .page-list a, .matching-pages a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
        event.preventDefault();
        var inList = !!link.closest(".page-list, .matching-pages");
        turnTo(link.href, inList ? "page-text" : link.id, true);
      });
    });
    setUpToggle();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") { return; }
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var target = event.target;
    // Arrows belong to form fields, to the zoomable image (panning) and to the text (scrolling).
    if (target.closest && target.closest("input, textarea, select, #osd, #page-text")) { return; }
    // A book turned right to left (vertical CJK) has its next page on the left.
    var rightToLeft = root.getAttribute("data-right-to-left") === "true";
    var forward = (event.key === "ArrowRight") !== rightToLeft;
    var link = document.getElementById(forward ? "next-page" : "prev-page");
    if (!link) { return; }
    event.preventDefault();
    turnTo(link.href, link.id, true);
  });

  window.addEventListener("popstate", function () {
    turnTo(window.location.href, null, false);
  });

  wire();
  openImage(root);
})();
