/* Institute: the search page. Loaded by search.html only.
   Answers the page's GET form (?q=) from the index Charter writes at build time,
   /search-index/<lang>/ (see docs/search.md): the manifest index.json, the term chunks t/<n>.json
   a query needs, and the fragment groups d/<first>.json of the results shown. The language is the page's
   (<html lang>). Every text from the index is put in the page as text (textContent), never
   as HTML. Without this script the form still submits and the page's message links the topics. */
(function () {
  "use strict";

  var form = document.querySelector("form[role='search'][data-index]");
  if (!form || !window.fetch || !window.URLSearchParams || !Array.from) {
    return;
  }
  var input = form.querySelector("input[name='q']");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var noJs = document.querySelector("[data-search-nojs]");
  if (!input || !status || !list) {
    return;
  }
  if (noJs) {
    noJs.hidden = true;
  }

  var PAGE = 10;
  var SNIPPET = 220;
  var lang = (document.documentElement.lang || "en").toLowerCase();
  var base = form.getAttribute("data-index") + encodeURIComponent(lang) + "/";
  var WORD = /[\p{Alphabetic}\p{N}]+(?:['\u2019\u02BC][\p{Alphabetic}\p{N}]+)*/gu;
  var APOSTROPHES = /['\u2019\u02BC]/g;
  var maxWord = 40;
  // The first doc id of each fragment group, from the manifest's `groups` (a digit per group:
  // its number of documents).
  var groupStarts = null;

  function readGroups(manifest) {
    if (groupStarts) {
      return;
    }
    groupStarts = [];
    var first = 0;
    Array.from(manifest.groups || "").forEach(function (digit) {
      groupStarts.push(first);
      first += Number(digit);
    });
  }

  // The first doc of the group holding `doc`: the last start at or before it.
  function groupOf(doc) {
    var lo = 0;
    var hi = groupStarts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (groupStarts[mid] <= doc) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return groupStarts.length ? groupStarts[lo] : doc;
  }

  function message(name, values) {
    var text = form.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values || {}, key) ? String(values[key]) : all;
    });
  }

  // A word as the index holds it: lowercased letter by letter, apostrophes written '.
  function normalise(word) {
    return Array.from(word, function (c) {
      return c.toLowerCase();
    }).join("").replace(APOSTROPHES, "'");
  }

  // The query's words, split as Charter splits the text (src/search.rs, `words`).
  function words(text) {
    return (text.match(WORD) || []).map(normalise).filter(function (w) {
      return Array.from(w).length <= maxWord;
    });
  }

  // Code point order, the order of the terms in the index.
  function compare(a, b) {
    var x = Array.from(a);
    var y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d !== 0) {
        return d;
      }
    }
    return x.length - y.length;
  }

  var cache = {};
  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) {
          throw new Error(path + ": " + r.status);
        }
        return r.json();
      });
      cache[path].catch(function () {
        delete cache[path];
      });
    }
    return cache[path];
  }

  // The chunk whose range holds `term`: the last one starting at or before it.
  function chunkOf(manifest, term) {
    var lo = 0;
    var hi = manifest.chunks.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (compare(manifest.chunks[mid], term) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  // The chunks the terms starting with `prefix` are in (at most manifest.prefix_chunks).
  function chunksOfPrefix(manifest, prefix) {
    var first = chunkOf(manifest, prefix);
    var out = [first];
    for (var i = first + 1; i < manifest.chunks.length && out.length < manifest.prefix_chunks; i++) {
      if (manifest.chunks[i].indexOf(prefix) !== 0) {
        break;
      }
      out.push(i);
    }
    return out;
  }

  // doc id -> weight, from a term's postings [doc, weight, gap, weight, ...].
  function postings(list, into, bonus) {
    var doc = 0;
    for (var i = 0; i + 1 < list.length; i += 2) {
      doc = i === 0 ? list[i] : doc + list[i];
      var w = list[i + 1] + bonus;
      if (!(doc in into) || into[doc] < w) {
        into[doc] = w;
      }
    }
    return into;
  }

  // Every document holding every word (the last one as a prefix), best first.
  function query(manifest, terms) {
    var last = terms[terms.length - 1];
    var needed = {};
    terms.slice(0, -1).forEach(function (t) {
      needed[chunkOf(manifest, t)] = true;
    });
    chunksOfPrefix(manifest, last).forEach(function (c) {
      needed[c] = true;
    });
    var numbers = Object.keys(needed);
    return Promise.all(numbers.map(function (n) {
      return load("t/" + n + ".json");
    })).then(function (chunks) {
      var found = terms.map(function (t, i) {
        var scores = {};
        chunks.forEach(function (chunk) {
          if (i < terms.length - 1) {
            if (Object.prototype.hasOwnProperty.call(chunk, t)) {
              postings(chunk[t], scores, 0);
            }
            return;
          }
          Object.keys(chunk).forEach(function (term) {
            if (term.indexOf(t) === 0) {
              postings(chunk[term], scores, term === t ? 1 : 0);
            }
          });
        });
        return scores;
      });
      var docs = Object.keys(found[0]).filter(function (d) {
        return found.every(function (scores) {
          return d in scores;
        });
      });
      var scored = docs.map(function (d) {
        var score = found.reduce(function (sum, scores) {
          return sum + Math.log(1 + scores[d]);
        }, 0);
        return { doc: Number(d), score: score };
      });
      scored.sort(function (a, b) {
        return b.score - a.score || a.doc - b.doc;
      });
      return scored;
    });
  }

  // Whether a word of the text matches the query: one of its words, or starts with the last one.
  function matches(word, terms) {
    var last = terms[terms.length - 1];
    var forms = [word].concat(word.indexOf("'") >= 0 ? word.split("'") : []);
    return forms.some(function (f) {
      return f.indexOf(last) === 0 || terms.indexOf(f) >= 0;
    });
  }

  // The snippet: a window of the text around the first match, every match in it marked.
  function snippet(text, terms) {
    var spans = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      if (matches(normalise(m[0]), terms)) {
        spans.push([m.index, m.index + m[0].length]);
      }
    }
    var start = 0;
    if (spans.length) {
      start = Math.max(0, spans[0][0] - 60);
      if (start > 0) {
        var space = text.indexOf(" ", start);
        start = space >= 0 && space < spans[0][0] ? space + 1 : start;
      }
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var cut = text.lastIndexOf(" ", end);
      end = cut > start ? cut : end;
    }
    var p = document.createElement("p");
    p.className = "search-result__snippet";
    var at = start;
    if (start > 0) {
      p.appendChild(document.createTextNode("… "));
    }
    spans.forEach(function (s) {
      if (s[0] < at || s[1] > end) {
        return;
      }
      p.appendChild(document.createTextNode(text.slice(at, s[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(s[0], s[1]);
      p.appendChild(mark);
      at = s[1];
    });
    p.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) {
      p.appendChild(document.createTextNode(" …"));
    }
    return p;
  }

  function result(fragment, terms) {
    var li = document.createElement("li");
    li.className = "search-result";
    var h = document.createElement("h2");
    h.className = "search-result__title";
    var a = document.createElement("a");
    a.href = fragment.u;
    a.textContent = fragment.t;
    h.appendChild(a);
    li.appendChild(h);
    if (fragment.s) {
      var s = document.createElement("p");
      s.className = "search-result__section";
      s.textContent = fragment.s;
      li.appendChild(s);
    }
    li.appendChild(snippet(fragment.x || "", terms));
    return li;
  }

  var current = 0;
  var more = null;

  function clear() {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    if (more) {
      more.remove();
      more = null;
    }
  }

  function show(run, hits, from, terms) {
    var page = hits.slice(from, from + PAGE);
    return Promise.all(page.map(function (hit) {
      var first = groupOf(hit.doc);
      return load("d/" + first + ".json").then(function (fragments) {
        return fragments[hit.doc - first];
      });
    })).then(function (fragments) {
      if (run !== current) {
        return;
      }
      fragments.forEach(function (f) {
        list.appendChild(result(f, terms));
      });
      if (more) {
        more.remove();
        more = null;
      }
      if (from + PAGE < hits.length) {
        more = document.createElement("button");
        more.type = "button";
        more.className = "button search__more";
        more.textContent = message("more");
        more.addEventListener("click", function () {
          var next = list.children.length;
          show(run, hits, from + PAGE, terms).then(function () {
            var link = list.children[next] && list.children[next].querySelector("a");
            if (link) {
              link.focus();
            }
          });
        });
        list.parentNode.insertBefore(more, list.nextSibling);
      }
    });
  }

  function search(text) {
    var run = ++current;
    var terms = words(text);
    if (!terms.length) {
      clear();
      status.textContent = "";
      return;
    }
    status.textContent = message("loading");
    load("index.json").then(function (manifest) {
      maxWord = manifest.max_word || maxWord;
      readGroups(manifest);
      return query(manifest, terms);
    }).then(function (hits) {
      if (run !== current) {
        return;
      }
      clear();
      var q = text.trim();
      var name = hits.length === 0 ? "none" : hits.length === 1 ? "one" : "many";
      status.textContent = message(name, { n: hits.length, q: q });
      return show(run, hits, 0, terms);
    }).catch(function () {
      if (run !== current) {
        return;
      }
      clear();
      status.textContent = message("error");
      if (noJs) {
        noJs.hidden = false;
      }
    });
  }

  function remember(text) {
    var url = new URL(window.location.href);
    if (text.trim()) {
      url.searchParams.set("q", text);
    } else {
      url.searchParams.delete("q");
    }
    window.history.replaceState(null, "", url.toString());
  }

  var timer = 0;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      remember(input.value);
      search(input.value);
    }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    remember(input.value);
    search(input.value);
  });

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  if (initial) {
    input.value = initial;
    search(initial);
  } else {
    input.focus();
  }
})();
