/* REAIM Hub's own corrections to the vendored Swagger UI at /docs (static/swagger-ui stays as it came from
   npm). Swagger UI draws the page with React, and redraws it as operations open; after each change this
   gives an accessible name to the controls it leaves without one (WCAG 4.1.2, 2.5.3) and lets the keyboard
   reach code samples that scroll (WCAG 2.1.1). It only adds or
   removes attributes React never set, so React's own updates are not disturbed. Same origin, no inline
   script: the portal's Content Security Policy allows it. */
(function () {
  "use strict";

  function hasName(el) {
    if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) return true;
    if (el.labels && el.labels.length) return true;
    return false;
  }

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").replace(/\*$/, "").trim() : "";
  }

  /* a parameter's or a request-body field's name, from the table row around the control */
  function nameFor(control) {
    var row = control.closest("tr[data-param-name]");
    if (row) {
      var where = row.getAttribute("data-param-in");
      return row.getAttribute("data-param-name") + (where ? " (" + where + ")" : "");
    }
    row = control.closest("tr[data-property-name]");
    if (row) return row.getAttribute("data-property-name");
    row = control.closest("tr");
    if (row) {
      var name = text(row.querySelector(".parameter__name"));
      if (name) return name;
    }
    if (control.closest(".body-param")) return "Request body";
    return control.getAttribute("placeholder") || control.getAttribute("title") || "";
  }

  function fix(root) {
    root.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
      if (hasName(control)) return;
      var name = nameFor(control);
      if (!name) return;
      if (control.closest(".json-schema-form-item")) {
        var items = control.closest(".json-schema-array") || control.parentElement.parentElement;
        var all = Array.prototype.slice.call(items.querySelectorAll(".json-schema-form-item"));
        name += ", item " + (all.indexOf(control.closest(".json-schema-form-item")) + 1);
      }
      control.setAttribute("aria-label", name);
    });
    root.querySelectorAll("button.close-modal:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "Close");
    });
    root.querySelectorAll(".highlight-code > pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
      pre.setAttribute("role", "region");
      pre.setAttribute("aria-label", pre.closest(".live-responses-table") ? "Response" : "Example");
    });
    /* "Apply credentials" hides the visible "Authorize" from speech input (WCAG 2.5.3) */
    root.querySelectorAll("button.modal-btn[aria-label]").forEach(function (button) {
      var label = button.getAttribute("aria-label").toLowerCase();
      if (label.indexOf(text(button).toLowerCase()) < 0) button.removeAttribute("aria-label");
    });
  }

  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root) return;
    fix(root);
    new MutationObserver(function () { fix(root); }).observe(root, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
