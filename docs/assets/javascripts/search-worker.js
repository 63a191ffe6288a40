/* 心育资源库 search worker.
 *
 * Speaks Material's worker protocol (SETUP 0 → READY 1, QUERY 2 → RESULT 3), so Material's search
 * dialog, keyboard use and look stay as they are. The index is the one xinyu/search.py writes: a
 * manifest (handed over in SETUP), postings in shards and page details in fragments, each a small
 * script `__xy(name, data)`. Over HTTP this runs as a Web Worker and fetches those files; opened
 * from disk (file://) it runs inside Material's iframe-worker shim and loads them by script tag,
 * which browsers allow for local files where fetch() is refused.
 *
 * The tokeniser (normalise, stem, terms) and the shard hash mirror xinyu/search.py.
 */
"use strict";
(function () {
  var SELF = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : self.location.href;
  var BY_SCRIPT = typeof document !== "undefined";
  var ROOT = new URL("../../", SELF);          // assets/javascripts/ → the site root
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var TOKEN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;

  var index = null;       // {xy, docs, base}
  var files = {};         // name → promise of data
  var waiting = {};       // name → resolve, for files loaded by script tag
  var latest = 0;

  self.__xy = function (name, data) {
    var resolve = waiting[name];
    delete waiting[name];
    if (resolve) resolve(data);
  };

  function load(name, path) {
    if (!files[name]) {
      var url = new URL(path, index.base).href;
      files[name] = BY_SCRIPT
        ? new Promise(function (resolve, reject) {
            waiting[name] = resolve;
            var s = document.createElement("script");
            s.src = url;
            s.onerror = function () { delete files[name]; reject(new Error("cannot load " + url)); };
            document.body.appendChild(s);
          })
        : fetch(url).then(function (r) {
            if (!r.ok) throw new Error("cannot load " + url);
            return r.text();
          }).then(function (text) {
            return JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(")")));
          }).catch(function (e) { delete files[name]; throw e; });
    }
    return files[name];
  }

  // ------------------------------------------------------------------ tokeniser (see xinyu/search.py)
  function normalise(s) { return s.normalize("NFKC").toLowerCase(); }
  function isLatin(run) { return /^[a-z0-9]/.test(run); }
  function stem(w) {
    if (w.length > 4 && /ies$/.test(w)) return w.slice(0, -3) + "y";
    if (w.length > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
    return w;
  }
  function fnv(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  function shardOf(term) {
    var key = isLatin(term) ? term.slice(0, 3) : term;
    return fnv(key) % index.xy.shards;
  }
  function has(q, word) {
    if (HAN.test(word)) return q.indexOf(word) >= 0;
    var at = q.indexOf(word);
    while (at >= 0) {
      var before = at === 0 ? "" : q[at - 1], after = q[at + word.length] || "";
      if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
      at = q.indexOf(word, at + 1);
    }
    return false;
  }
  function strip(q, word) { return q.split(word).join(" "); }

  function parse(query) {
    var xy = index.xy, q = " " + normalise(query) + " ";
    var p = { crisis: false, grades: 0, semester: "", terms: [], prefix: "", runs: [], singles: [] };
    p.crisis = xy.crisis.words.some(function (w) { return has(q, normalise(w)); });
    Object.keys(xy.filters).sort(function (a, b) { return b.length - a.length; }).forEach(function (w) {
      var n = normalise(w);
      if (has(q, n)) {
        xy.filters[w].forEach(function (g) { p.grades |= 1 << g; });
        q = strip(q, n);
      }
    });
    Object.keys(xy.semester_words).sort(function (a, b) { return b.length - a.length; }).forEach(function (w) {
      var n = normalise(w);
      if (has(q, n)) { p.semester = xy.semester_words[w]; q = strip(q, n); }
    });
    var runs = q.match(TOKEN) || [];
    var open = !/\s$/.test(normalise(query));   // still typing the last word
    runs.forEach(function (run, i) {
      if (isLatin(run)) {
        if (run.length < 2 || xy.stopwords.indexOf(run) >= 0) return;
        p.runs.push(run);
        p.terms.push(stem(run));
        if (i === runs.length - 1 && open && run.length >= 3) p.prefix = run;
      } else if (run.length === 1) {
        p.singles.push(run);
      } else {
        p.runs.push(run);
        for (var k = 0; k + 1 < run.length; k++)
          if (xy.stopwords.indexOf(run.slice(k, k + 2)) < 0) p.terms.push(run.slice(k, k + 2));
      }
    });
    p.terms = p.terms.filter(function (t, i) { return p.terms.indexOf(t) === i; });
    return p;
  }

  // ------------------------------------------------------------------ ranking
  function rank(p, shards) {
    var docs = index.docs, n = docs.length, xy = index.xy;
    var score = new Float64Array(n), weight = new Float64Array(n), total = 0;
    function idf(df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }
    function add(list, scale) {
      var w = idf(list.length / 2), d = 0;
      total += w;
      for (var i = 0; i < list.length; i += 2) {
        d += list[i];
        score[d] += list[i + 1] * scale;
        weight[d] += w;
      }
    }
    p.terms.forEach(function (t) {
      var list = shards[shardOf(t)][t];
      if (list) add(list, 1);
    });
    if (p.prefix) {
      // the word being typed: every longer term it begins, at most once per page
      var shard = shards[shardOf(p.prefix)], best = {}, count = 0;
      Object.keys(shard).forEach(function (t) {
        if (t.length > p.prefix.length && t.indexOf(p.prefix) === 0 && t !== stem(p.prefix)) {
          var list = shard[t], d = 0;
          for (var i = 0; i < list.length; i += 2) {
            d += list[i];
            if (!(d in best) || list[i + 1] > best[d]) { if (!(d in best)) count++; best[d] = list[i + 1]; }
          }
        }
      });
      if (count) {
        var w = idf(count), anyExact = p.terms.indexOf(stem(p.prefix)) >= 0 && shards[shardOf(p.prefix)][stem(p.prefix)];
        if (!anyExact) total += w;
        Object.keys(best).forEach(function (d) {
          if (score[d] === 0 || !anyExact) { score[d] += best[d] * 0.8; if (!anyExact) weight[d] += w; }
        });
      }
    }
    var wanted = {};
    Object.keys(xy.words).forEach(function (w) {
      if (has(" " + p.norm + " ", normalise(w)))
        xy.words[w].forEach(function (d) { wanted[d] = (wanted[d] || 0) + w.length; });
    });
    var out = [];
    for (var i = 0; i < n; i++) {
      var s = total > 0 && score[i] > 0 ? score[i] * Math.pow(weight[i] / total, 2) : 0;
      var title = normalise(docs[i][1]);
      if (s > 0) {
        // words of the query in the title: the whole of a typed run counts most
        p.runs.forEach(function (r) { if (r.length > 1 && title.indexOf(r) >= 0) s *= 1.5; });
        var inTitle = p.terms.filter(function (t) { return title.indexOf(t) >= 0; }).length;
        if (p.terms.length) s *= 1 + inTitle / p.terms.length;
      }
      if (wanted[i]) s = (s || 1) * (2 + Math.min(wanted[i], 8) / 4);
      if (!p.terms.length) {
        if (p.singles.length && p.singles.every(function (c) { return title.indexOf(c) >= 0; })) s = 1;
        else if (!p.singles.length && p.grades && docs[i][3] & p.grades && /^(lesson|classmeeting)$/.test(docs[i][2])) s = 1 / (1 + i / n);
      }
      if (!s) continue;
      var mask = docs[i][3];
      if (p.grades) {
        if (mask && !(mask & p.grades)) continue;
        if (!mask) s *= 0.4;
      }
      if (p.semester && docs[i][4] && docs[i][4] !== p.semester) continue;
      out.push([i, s]);
    }
    out.sort(function (a, b) { return b[1] - a[1]; });
    if (p.crisis) {
      var top = out.length ? out[0][1] : 1;
      var pinned = xy.crisis.docs.map(function (d, k) { return [d, top * 10 + xy.crisis.docs.length - k]; });
      out = pinned.concat(out.filter(function (r) { return xy.crisis.docs.indexOf(r[0]) < 0; }));
    }
    return out;
  }

  // ------------------------------------------------------------------ results in Material's shape
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function describe(doc) {
    var xy = index.xy, parts = [xy.kinds[doc[2]] || ""];
    if (doc[3] && /^(lesson|classmeeting|overview)$/.test(doc[2])) {
      for (var g = 1; g <= 12; g++) if (doc[3] & (1 << g)) parts.push(xy.grades[g]);
    }
    if (doc[4]) parts.push(xy.semesters[doc[4]]);
    return parts.filter(Boolean).join(" · ");
  }
  function bestSection(p, sections) {
    var best = null, most = 0;
    (sections || []).forEach(function (s) {
      var h = normalise(s[1]), hits = 0;
      p.terms.forEach(function (t) { if (h.indexOf(t) >= 0) hits++; });
      if (p.prefix && h.indexOf(p.prefix) >= 0) hits++;
      if (hits > most) { most = hits; best = s; }
    });
    return best;
  }

  function search(query) {
    var p = parse(query);
    p.norm = normalise(query);
    var need = {};
    p.terms.forEach(function (t) { need[shardOf(t)] = 1; });
    if (p.prefix) need[shardOf(p.prefix)] = 1;
    var ids = Object.keys(need);
    return Promise.all(ids.map(function (k) { return load("s" + k, "shards/" + k + ".js"); })).then(function (loaded) {
      var shards = {};
      ids.forEach(function (k, i) { shards[k] = loaded[i]; });
      var ranked = rank(p, shards).slice(0, 50);
      var shown = ranked.slice(0, 10);
      return Promise.all(shown.map(function (r) { return load("f" + r[0], "frags/" + r[0] + ".js"); })).then(function (frags) {
        var byDoc = {};
        shown.forEach(function (r, i) { byDoc[r[0]] = frags[i]; });
        var terms = {};
        p.runs.forEach(function (r) { terms[r] = true; });
        var top = ranked.length ? ranked[0][1] : 1;
        return ranked.map(function (r, pos) {
          var doc = index.docs[r[0]], frag = byDoc[r[0]] || null;
          var text = '<span class="xy-search-kind">' + esc(describe(doc)) + "</span>" +
            (frag && frag[0] ? " " + esc(frag[0]) : "");
          var score = 1000 * r[1] / top - pos * 1e-3;
          var item = [{ location: doc[0], title: esc(doc[1]), text: text, score: score, terms: terms }];
          var section = frag ? bestSection(p, frag[1]) : null;
          if (section) item.push({ location: doc[0] + "#" + section[0], title: esc(section[1]), text: "", score: score / 2, terms: terms });
          return item;
        });
      });
    });
  }

  addEventListener("message", function (ev) {
    var msg = ev.data;
    if (msg.type === 0) {
      var xy = msg.data.config.xy;
      index = { xy: xy, docs: msg.data.docs, base: new URL(xy.path, ROOT).href };
      postMessage({ type: 1 });
    } else if (msg.type === 2) {
      var id = ++latest, query = msg.data;
      search(query).then(function (items) {
        if (id === latest) postMessage({ type: 3, data: { items: items } });
      }, function () {
        if (id === latest) postMessage({ type: 3, data: { items: [] } });
      });
    }
  });
})();
