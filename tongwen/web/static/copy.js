// Copy buttons on the record page (permanent link, citations). The buttons are hidden in the HTML and shown
// here, so a reader without JavaScript sees the text itself and no button that does nothing.
"use strict";
(function () {
  function textOf(target) {
    return target.tagName === "INPUT" ? target.value : target.innerText.trim();
  }
  function fallbackCopy(text) {
    // navigator.clipboard needs a secure context (HTTPS or localhost); a portal on a LAN address has none.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand("copy");
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copy);
    if (!target) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = textOf(target);
      var copying = navigator.clipboard && window.isSecureContext
        ? navigator.clipboard.writeText(text) : fallbackCopy(text);
      copying.then(function () {
        button.textContent = button.dataset.copied || label;
        button.classList.add("copied");
        window.setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 2000);
      }, function () {
        if (target.select) { target.select(); }  // leave the text selected for Ctrl+C
      });
    });
  });
})();
