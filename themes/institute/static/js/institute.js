/* Institute theme: optional enhancements. The site works without this file.
   - a visible "#" link beside every h2/h3 in the text,
   - a stable id and a permalink mark for every paragraph of the text,
   - the full URL of every link, for the print stylesheet,
   - the table of contents marks the section being read. */
(function () {
  "use strict";

  var prose = document.querySelectorAll(".prose");
  if (!prose.length || !document.querySelector) {
    return;
  }

  function anchorLink(id, className, label, text) {
    var a = document.createElement("a");
    a.className = className;
    a.href = "#" + id;
    // Like Charter's own: silent for screen readers, not a tab stop; the heading or its
    // table-of-contents entry is the keyboard's way to the same place.
    a.setAttribute("aria-hidden", "true");
    a.setAttribute("tabindex", "-1");
    a.textContent = text;
    return a;
  }

  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
  }

  Array.prototype.forEach.call(prose, function (root) {
    // Headings: Charter renders <h2 id="slug">; add the visible anchor.
    Array.prototype.forEach.call(root.querySelectorAll("h2, h3"), function (h) {
      if (!h.id) {
        var id = slug(h.textContent || "");
        if (id && !document.getElementById(id)) {
          h.id = id;
        }
      }
      if (h.id && !h.querySelector(".heading-anchor")) {
        h.appendChild(anchorLink(h.id, "heading-anchor", "Link to the section " + (h.textContent || "").trim(), "#"));
      }
    });

    // Paragraphs: the id is the nearest preceding heading's id plus the paragraph's rank under
    // it ("the-problem-p2"), so editing one section leaves the other sections' ids unchanged.
    var current = "p";
    var count = 0;
    var nodes = root.querySelectorAll("h2[id], h3[id], p");
    Array.prototype.forEach.call(nodes, function (el) {
      if (el.tagName !== "P") {
        current = el.id;
        count = 0;
        return;
      }
      if (el.closest(".footnotes, .footnote-definition, li, td, th, figure")) {
        return;
      }
      count += 1;
      if (!el.id) {
        var id = current + "-p" + count;
        if (document.getElementById(id)) {
          return;
        }
        el.id = id;
      }
      if (!el.querySelector(".para-anchor")) {
        el.appendChild(anchorLink(el.id, "para-anchor", "Link to this paragraph", "\u00b6"));
      }
    });
  });

  // Tables: on narrow screens (CSS) each row becomes a card, each cell labelled with its column
  // header. Explicit ARIA roles keep the table's semantics once CSS changes its display.
  Array.prototype.forEach.call(document.querySelectorAll(".prose table"), function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head || head.cells.length < 2 || !table.tBodies.length) {
      return;
    }
    var labels = Array.prototype.map.call(head.cells, function (th) {
      return (th.textContent || "").trim();
    });
    table.classList.add("table--stack");
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (g) {
      g.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      var inHead = row.parentNode === table.tHead;
      Array.prototype.forEach.call(row.cells, function (cell, i) {
        if (inHead) {
          cell.setAttribute("role", "columnheader");
        } else {
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          if (labels[i]) {
            cell.setAttribute("data-label", labels[i]);
          }
        }
      });
    });
  });

  // Print: give every link its full address, resolved against the canonical URL.
  var canonical = document.querySelector('link[rel="canonical"]');
  var base = canonical ? canonical.href : document.baseURI;
  Array.prototype.forEach.call(document.querySelectorAll(".prose a[href], .card a[href], .term-list a[href], .not-found a[href]"), function (a) {
    var href = a.getAttribute("href");
    if (!href || href.charAt(0) === "#") {
      return;
    }
    try {
      a.setAttribute("data-print-url", new URL(href, base).href);
    } catch (e) {
      /* leave the link as it is */
    }
  });

  // A paragraph id made here did not exist when the browser looked for the URL's fragment.
  if (location.hash.length > 1) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "P") {
      target.scrollIntoView();
    }
  }

  // Table of contents: mark the section in view.
  var tocLinks = document.querySelectorAll(".toc a[href^='#']");
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    Array.prototype.forEach.call(tocLinks, function (a) {
      byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
    });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && byId[entry.target.id]) {
          Array.prototype.forEach.call(tocLinks, function (a) {
            a.removeAttribute("aria-current");
          });
          byId[entry.target.id].setAttribute("aria-current", "location");
        }
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Object.keys(byId).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) {
        observer.observe(el);
      }
    });
  }
})();
