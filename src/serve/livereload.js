// Charter live reload: added to pages by `charter serve` only (never by `charter build`).
// Listens to /__charter/events (Server-Sent Events): reloads the page after a rebuild, swaps
// stylesheets when only CSS changed, and shows the build error in an overlay until the next good
// save. CSP-safe: no inline code or style, no eval; the overlay's look is /__charter/overlay.css.
(function () {
  "use strict";
  if (!window.EventSource || window.__charter) {
    return;
  }
  var state = { connected: false, build: null, overlay: false };
  window.__charter = state;
  var OVERLAY_ID = "charter-error-overlay";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function ensureStyle() {
    if (document.getElementById("charter-overlay-style")) {
      return;
    }
    var link = el("link");
    link.id = "charter-overlay-style";
    link.rel = "stylesheet";
    link.href = "/__charter/overlay.css";
    (document.head || document.documentElement).appendChild(link);
  }

  function placeOf(d) {
    var out = d.file || "";
    if (d.line) {
      out += ":" + d.line;
      if (d.column) {
        out += ":" + d.column;
      }
    }
    return out;
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) {
      old.parentNode.removeChild(old);
    }
    state.overlay = false;
  }

  function showOverlay(errors) {
    hideOverlay();
    if (!errors || !errors.length) {
      return;
    }
    ensureStyle();
    var root = el("div", "charter-overlay");
    root.id = OVERLAY_ID;
    root.setAttribute("role", "alertdialog");
    root.setAttribute("aria-labelledby", "charter-error-title");
    var box = el("div", "charter-overlay__box");
    var title = el("h2", "charter-overlay__title", errors.length === 1 ? "The site failed to build" : "The site failed to build (" + errors.length + " errors)");
    title.id = "charter-error-title";
    box.appendChild(title);
    var list = el("ol", "charter-overlay__list");
    errors.forEach(function (d) {
      var item = el("li", "charter-overlay__error");
      var where = placeOf(d);
      if (where) {
        item.appendChild(el("p", "charter-overlay__file", where));
      }
      item.appendChild(el("p", "charter-overlay__message", d.message));
      if (d.source_line) {
        item.appendChild(el("pre", "charter-overlay__source", (d.line ? d.line + " | " : "") + d.source_line));
      }
      if (d.hint) {
        item.appendChild(el("p", "charter-overlay__hint", "help: " + d.hint));
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    box.appendChild(el("p", "charter-overlay__note", "You are seeing the last good build. Fix the file and save: this page updates by itself."));
    var close = el("button", "charter-overlay__close", "Dismiss");
    close.type = "button";
    close.addEventListener("click", hideOverlay);
    box.appendChild(close);
    root.appendChild(box);
    (document.body || document.documentElement).appendChild(root);
    state.overlay = true;
  }

  function swapStylesheets() {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      if (link.id === "charter-overlay-style" || !link.href) {
        return;
      }
      var url = new URL(link.href, document.baseURI);
      if (url.origin !== window.location.origin) {
        return;
      }
      url.searchParams.set("charter-reload", String(Date.now()));
      link.href = url.href;
    });
  }

  function parse(event) {
    try {
      return JSON.parse(event.data);
    } catch (e) {
      return {};
    }
  }

  function checkStatus() {
    return fetch("/__charter/status", { cache: "no-store" })
      .then(function (r) {
        return r.json();
      })
      .then(function (status) {
        if (status.errors && status.errors.length) {
          showOverlay(status.errors);
        } else {
          hideOverlay();
        }
        return status;
      })
      .catch(function () {
        return null;
      });
  }

  // The build this page was served at (the server writes it on the tag that loads this script).
  var script = document.currentScript;
  var servedAt = script && script.dataset.build !== undefined ? Number(script.dataset.build) : null;
  var loadedAt = checkStatus();
  var source = new EventSource("/__charter/events");
  source.addEventListener("hello", function (event) {
    var data = parse(event);
    var reconnect = state.build !== null && data.build !== state.build;
    state.connected = true;
    loadedAt.then(function (status) {
      // A rebuild between serving this page and connecting would otherwise be missed.
      var rebuiltSince =
        typeof data.build === "number" &&
        ((servedAt !== null && data.build !== servedAt) || (status && data.build !== status.build));
      if (reconnect || rebuiltSince) {
        window.location.reload();
      }
      state.build = data.build;
    });
  });
  source.addEventListener("reload", function (event) {
    state.build = parse(event).build;
    window.location.reload();
  });
  source.addEventListener("css", function (event) {
    state.build = parse(event).build;
    swapStylesheets();
  });
  source.addEventListener("build-error", function (event) {
    var data = parse(event);
    state.build = data.build;
    showOverlay(data.errors);
  });
  source.addEventListener("build-ok", function (event) {
    state.build = parse(event).build;
    hideOverlay();
  });
  source.addEventListener("error", function () {
    state.connected = false;
  });
})();
