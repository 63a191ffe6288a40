/* “本周心理课 / This week” on the home page (xinyu/thisweek.py writes the data it reads).
   Computed here, from today's date, so that the site can be built once and used all year,
   offline and from disk. Text from the data is set as text, never as HTML. */
(function () {
  "use strict";
  var box = document.getElementById("this-week");
  var data = window.XINYU_THIS_WEEK;
  if (!box || !data) return;
  var lang = box.getAttribute("data-lang") === "en" ? "en" : "zh";
  var root = box.getAttribute("data-root") || "";
  var L = data.labels[lang];
  var body = box.querySelector(".xy-tw-body");

  function iso(d) {
    var m = d.getMonth() + 1, day = d.getDate();
    return d.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (day < 10 ? "0" : "") + day;
  }
  function parse(s) { var p = s.split("-"); return new Date(+p[0], +p[1] - 1, +p[2]); }
  function addDays(d, n) { var x = new Date(d.getFullYear(), d.getMonth(), d.getDate()); x.setDate(x.getDate() + n); return x; }
  function monday(d) { return addDays(d, -((d.getDay() + 6) % 7)); }
  function fmt(s, kw) { return s.replace(/\{(\w+)\}/g, function (_, k) { return kw[k] != null ? kw[k] : ""; }); }
  function shown(s) {
    var d = parse(s);
    return lang === "zh" ? (d.getMonth() + 1) + "月" + d.getDate() + "日" : s;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function pageHref(page) { return page + (data.directoryUrls ? "/" : ".html"); }

  var today = new Date();
  var todayIso = iso(today);
  var mon = monday(today), nextMon = addDays(mon, 7);
  var weeks = [[iso(mon), iso(addDays(mon, 6))], [iso(nextMon), iso(addDays(nextMon, 6))]];

  function within(item, span) { return item.from <= span[1] && item.to >= span[0]; }
  function state(grade) {
    var terms = grade.terms.slice().sort(function (a, b) { return a.start < b.start ? -1 : 1; });
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (t.start <= todayIso && todayIso <= t.end) {
        var week = Math.floor((mon - monday(parse(t.start))) / 864e5 / 7) + 1;
        return { kind: "term", term: t, week: week };
      }
      if (todayIso < t.start) return { kind: "break", term: t };
    }
    return { kind: "over", end: terms.length ? terms[terms.length - 1].end : "" };
  }

  function itemNode(item) {
    var li = el("li");
    if (item.kind === "classmeeting") li.appendChild(el("span", L.classmeeting, "xy-tw-tag"));
    var a = el("a", item.title[lang] || item.title.zh);
    a.href = pageHref(item.page);
    li.appendChild(a);
    if (item.kind === "lesson" && item.from) li.appendChild(el("span", " " + shown(item.from), "xy-tw-date"));
    if (item.files && item.files.length) {
      var files = el("span", null, "xy-tw-files");
      item.files.forEach(function (f, i) {
        if (i) files.appendChild(document.createTextNode(" · "));
        var d = el("a", L[f.label] + (f.n ? (lang === "zh" ? "" : " ") + f.n : ""));
        d.href = root + f.uri;
        d.setAttribute("download", "");
        files.appendChild(d);
      });
      li.appendChild(files);
    }
    return li;
  }
  function list(items) {
    if (!items.length) return el("span", L.none, "xy-tw-none");
    var ul = el("ul");
    items.forEach(function (i) { ul.appendChild(itemNode(i)); });
    return ul;
  }

  var order = data.order.filter(function (g) { return data.grades[g]; });
  var status = null, table = el("table", null, "xy-tw-table");
  var head = el("thead"), hr = el("tr");
  [L.grade, L["this"], L.next].forEach(function (h) { var th = el("th", h); th.scope = "col"; hr.appendChild(th); });
  head.appendChild(hr);
  table.appendChild(head);
  var tbody = el("tbody");
  order.forEach(function (g) {
    var grade = data.grades[g], st = state(grade), tr = el("tr");
    tr.setAttribute("data-grade", g);
    var th = el("th", grade.label[lang]);
    th.scope = "row";
    tr.appendChild(th);
    if (st.kind === "term") {
      if (!status) status = fmt(L.week, { n: st.week });
      weeks.forEach(function (span) {
        var td = el("td");
        td.appendChild(list(st.term.items.filter(function (i) { return within(i, span); })));
        tr.appendChild(td);
      });
    } else if (st.kind === "break") {
      if (!status) status = fmt(L["break"], { date: shown(st.term.start) });
      var td = el("td");
      td.colSpan = 2;
      td.appendChild(el("p", L.first + (lang === "zh" ? "（" : " (") + fmt(L.before, { date: shown(st.term.start) }) + (lang === "zh" ? "）" : ")"), "xy-tw-first"));
      var firstDay = null;
      var first = st.term.items.filter(function (i) {
        if (i.kind !== "lesson") return false;
        if (firstDay === null) firstDay = i.from;
        return i.from === firstDay;
      });
      var meetings = st.term.items.filter(function (i) { return i.kind === "classmeeting" && i.from < addIso(st.term.start, 14); });
      td.appendChild(list(first.concat(meetings)));
      tr.appendChild(td);
    } else {
      if (!status) status = fmt(L.over, { date: shown(st.end) });
      var none = el("td", "—");
      none.colSpan = 2;
      tr.appendChild(none);
    }
    tbody.appendChild(tr);
  });
  function addIso(s, n) { return iso(addDays(parse(s), n)); }
  table.appendChild(tbody);

  var holiday = (data.holidays || []).filter(function (h) { return h.start <= todayIso && todayIso <= h.end; })[0];
  var line = el("p", null, "xy-tw-status");
  line.appendChild(el("strong", status || ""));
  if (holiday) line.appendChild(document.createTextNode(" · " + fmt(L.holiday, { name: holiday.name[lang] || holiday.name.zh })));
  line.appendChild(document.createTextNode(" · " + fmt(L.calendar, { name: data.calendar[lang] || data.calendar.zh })));

  // A teacher who teaches one grade can keep to it (remembered in this browser only).
  var pick = el("select", null, "xy-tw-pick");
  pick.setAttribute("aria-label", L.choose);
  var all = el("option", L.all); all.value = ""; pick.appendChild(all);
  order.forEach(function (g) { var o = el("option", data.grades[g].label[lang]); o.value = g; pick.appendChild(o); });
  var KEY = "xinyu-this-week-grade";
  function apply() {
    var v = pick.value;
    Array.prototype.forEach.call(tbody.rows, function (r) { r.hidden = !!v && r.getAttribute("data-grade") !== v; });
    try { if (v) localStorage.setItem(KEY, v); else localStorage.removeItem(KEY); } catch (e) { /* storage off */ }
  }
  try { var saved = localStorage.getItem(KEY); if (saved && data.grades[saved]) pick.value = saved; } catch (e) { /* storage off */ }
  pick.addEventListener("change", apply);
  var label = el("label", L.choose + " ", "xy-tw-choose");
  label.appendChild(pick);

  body.textContent = "";
  body.appendChild(line);
  body.appendChild(label);
  body.appendChild(table);
  apply();
  box.setAttribute("data-ready", "true");
})();
