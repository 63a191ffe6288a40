/* The training coordinator's page (training/coordinator/): a roster picked from disk or pasted
   becomes this semester's assignments and printable sign-in sheets, in the browser, offline.
   The rules are not written here: the build embeds them as JSON (xinyu.training.rules: the
   roster headers, role separator and messages of data/assign.yml, the learning paths, role
   names and aliases, unit titles), the same data scripts/assign.py reads. Nothing is sent. */
(function () {
  "use strict";
  var root = document.getElementById("xy-assign");
  if (!root) return;
  var R = JSON.parse(document.getElementById("xy-assign-rules").textContent);
  var L = JSON.parse(document.getElementById("xy-assign-labels").textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var $ = function (sel) { return root.querySelector(sel); };

  function fmt(text, kw) { return text.replace(/\{(\w+)\}/g, function (_, k) { return kw[k]; }); }
  function msg(key, kw) { return fmt(R.roster.messages[key], kw || {}); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; });
  }

  // ------------------------------------------------------------ the roster (xinyu.training.roster_from_rows)
  function roleCodes() {
    var table = {};
    Object.keys(R.roles).forEach(function (code) { R.roles[code].names.forEach(function (n) { table[n] = code; }); });
    return table;
  }

  function rosterFromRows(rows) {
    var h = R.roster.headers, joiner = R.roster.roles_joiner, split = new RegExp(R.roster.role_split);
    if (!rows.length) return {problems: [msg("empty")]};
    var head = rows[0].map(function (c) { return String(c).trim(); });
    var missing = [h.name, h.roles].filter(function (x) { return head.indexOf(x) < 0; });
    if (missing.length) return {problems: [msg("missing_headers", {missing: missing.join("”“")})]};
    var col = {};
    ["name", "roles", "staff_id", "department"].forEach(function (k) { if (head.indexOf(h[k]) >= 0) col[k] = head.indexOf(h[k]); });
    var codes = roleCodes();
    var known = Object.keys(R.roles).map(function (c) { return R.roles[c].zh; }).join(joiner);
    var people = [], problems = [], seen = {};
    rows.slice(1).forEach(function (row, i) {
      var n = i + 2;
      if (!row.some(function (c) { return String(c).trim(); })) return;
      var cell = function (k) { return k in col && col[k] < row.length ? String(row[col[k]]).trim() : ""; };
      var name = cell("name"), rolesText = cell("roles");
      if (!name) { problems.push(msg("no_name", {row: n})); return; }
      if (!rolesText) { problems.push(msg("no_role", {row: n, name: name, known: known})); return; }
      var roles = ["all-staff"], bad = [];
      rolesText.split(split).filter(Boolean).forEach(function (r) {
        if (r in codes) { if (roles.indexOf(codes[r]) < 0) roles.push(codes[r]); } else bad.push(r);
      });
      if (bad.length) { problems.push(msg("unknown_role", {row: n, name: name, roles: bad.join(joiner), known: known})); return; }
      var person = {row: n, name: name, staff_id: cell("staff_id"), roles: roles, department: cell("department")};
      var key = person.staff_id || person.name;
      if (key in seen) { problems.push(msg("duplicate", {row: n, name: name, first: seen[key]})); return; }
      seen[key] = n;
      people.push(person);
    });
    if (problems.length) return {problems: problems};
    if (!people.length) return {problems: [msg("nobody")]};
    return {people: people, problems: []};
  }

  // ------------------------------------------------------------ paths (xinyu.training.units_for)
  function unitsFor(roles, semester) {
    var ids = [];
    ["all-staff"].concat(roles.filter(function (r) { return r !== "all-staff"; })).forEach(function (role) {
      var path = R.paths[role] || [];
      (path[semester - 1] || []).forEach(function (u) { if (ids.indexOf(u) < 0 && u in R.units) ids.push(u); });
    });
    return ids;
  }
  function roleNames(person) {
    var names = person.roles.filter(function (r) { return r !== "all-staff"; }).map(function (r) { return R.roles[r].zh; });
    return names.length ? names.join(R.roster.roles_joiner) : R.roles["all-staff"].zh;
  }

  // ------------------------------------------------------------ this semester
  // A school year's autumn semester runs from August to January, its spring from February to July.
  function schoolTerm(date) {
    var y = date.getFullYear(), m = date.getMonth() + 1;
    if (m >= 8) return {year: y, term: 0};
    if (m === 1) return {year: y - 1, term: 0};
    return {year: y - 1, term: 1};
  }
  function semesterFromStart(startYear, startTerm, today) {
    var now = schoolTerm(today);
    return (now.year - startYear) * 2 + (now.term - startTerm) + 1;
  }

  // ------------------------------------------------------------ reading files
  function parseCSV(text) {
    // the separator the first line uses most (xinyu.training._rows): Excel saves commas; some tools tabs or semicolons
    var first = text.split("\n", 1)[0], sep = ",";
    [",", "\t", ";", "，"].forEach(function (d) { if (first.split(d).length > first.split(sep).length) sep = d; });
    var rows = [], row = [], cell = "", q = false;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (q) {
        if (c === '"') { if (text[i + 1] === '"') { cell += '"'; i++; } else q = false; } else cell += c;
      } else if (c === '"') q = true;
      else if (c === sep) { row.push(cell); cell = ""; }
      else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        row.push(cell); rows.push(row); row = []; cell = "";
      } else cell += c;
    }
    if (cell || row.length) { row.push(cell); rows.push(row); }
    return rows.map(function (r) { return r.map(function (c) { return c.trim(); }); });
  }
  function parsePasted(text) {
    // Cells copied from Excel arrive separated by tabs; otherwise the text is read as CSV.
    if (text.indexOf("\t") >= 0) return text.split(/\r?\n/).map(function (l) { return l.split("\t").map(function (c) { return c.trim(); }); });
    return parseCSV(text);
  }
  function decodeText(buf) {
    var bytes = new Uint8Array(buf);
    try { return new TextDecoder("utf-8", {fatal: true}).decode(bytes).replace(/^\ufeff/, ""); }
    catch (e) { return new TextDecoder("gb18030").decode(bytes); }
  }
  async function unzip(buf) {
    var v = new DataView(buf), files = {};
    var eocd = buf.byteLength - 22;
    while (eocd >= 0 && v.getUint32(eocd, true) !== 0x06054b50) eocd--;
    if (eocd < 0) throw new Error("zip");
    var count = v.getUint16(eocd + 10, true), p = v.getUint32(eocd + 16, true);
    for (var i = 0; i < count; i++) {
      var method = v.getUint16(p + 10, true), size = v.getUint32(p + 20, true);
      var nlen = v.getUint16(p + 28, true), xlen = v.getUint16(p + 30, true), clen = v.getUint16(p + 32, true);
      var local = v.getUint32(p + 42, true);
      var name = new TextDecoder().decode(new Uint8Array(buf, p + 46, nlen));
      var start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
      files[name] = {method: method, data: new Uint8Array(buf, start, size)};
      p += 46 + nlen + xlen + clen;
    }
    return {
      text: async function (name) {
        var f = files[name];
        if (!f) return null;
        if (f.method === 0) return new TextDecoder().decode(f.data);
        var stream = new Blob([f.data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
        return await new Response(stream).text();
      }
    };
  }
  async function readXLSX(buf) {
    var zip = await unzip(buf), xml = function (t) { return new DOMParser().parseFromString(t, "application/xml"); };
    var shared = [];
    var ss = await zip.text("xl/sharedStrings.xml");
    if (ss) Array.prototype.forEach.call(xml(ss).getElementsByTagName("si"), function (si) {
      shared.push(Array.prototype.map.call(si.getElementsByTagName("t"), function (t) { return t.textContent; }).join(""));
    });
    // the first worksheet, as openpyxl reads it: the first <sheet> of the workbook and its relationship
    var target = "xl/worksheets/sheet1.xml";
    var wb = await zip.text("xl/workbook.xml"), rels = await zip.text("xl/_rels/workbook.xml.rels");
    if (wb && rels) {
      var sheet = xml(wb).getElementsByTagName("sheet")[0];
      var rid = null;     // the relationship id: the attribute "id" in the relationships namespace (r:id)
      if (sheet) Array.prototype.forEach.call(sheet.attributes, function (a) { if (a.localName === "id" && a.prefix) rid = a.value; });
      Array.prototype.forEach.call(xml(rels).getElementsByTagName("Relationship"), function (r) {
        if (r.getAttribute("Id") === rid) target = r.getAttribute("Target").replace(/^\//, "").replace(/^(?!xl\/)/, "xl/");
      });
    }
    var doc = xml(await zip.text(target));
    var rows = [];
    Array.prototype.forEach.call(doc.getElementsByTagName("row"), function (r) {
      var n = parseInt(r.getAttribute("r"), 10) - 1, row = [];
      Array.prototype.forEach.call(r.getElementsByTagName("c"), function (c) {
        var ref = (c.getAttribute("r") || "").replace(/\d+/g, ""), k = 0;
        for (var i = 0; i < ref.length; i++) k = k * 26 + ref.charCodeAt(i) - 64;
        var type = c.getAttribute("t"), v = c.getElementsByTagName("v")[0], value = "";
        if (type === "s" && v) value = shared[parseInt(v.textContent, 10)];
        else if (type === "inlineStr") value = Array.prototype.map.call(c.getElementsByTagName("t"), function (t) { return t.textContent; }).join("");
        else if (v) value = v.textContent;
        while (row.length < k - 1) row.push("");
        row[k - 1] = String(value).trim();
      });
      rows[n] = row;
    });
    for (var i = 0; i < rows.length; i++) if (!rows[i]) rows[i] = [];
    return rows;
  }

  // ------------------------------------------------------------ the page
  var semSelect = $("#xy-assign-semester"), yearSelect = $("#xy-assign-start-year"), termSelect = $("#xy-assign-start-term");
  var people = null;

  function semesterLabel(n) { return R.semesters[n - 1][lang]; }

  function updateThisSemester() {
    var n = semesterFromStart(parseInt(yearSelect.value, 10), parseInt(termSelect.value, 10), new Date());
    var note = $("#xy-assign-now");
    if (n >= 1 && n <= R.semesters.length) {
      semSelect.value = String(n);
      note.textContent = fmt(L.this_semester, {semester: semesterLabel(n)});
    } else {
      note.textContent = n < 1 ? L.not_started : L.finished;
    }
    try { localStorage.setItem("xy-assign-start", yearSelect.value + "-" + termSelect.value); } catch (e) { /* private mode */ }
    showUnits();
    render();
  }

  function showUnits() {
    var n = parseInt(semSelect.value, 10), out = [];
    Object.keys(R.paths).forEach(function (role) {
      var ids = (R.paths[role][n - 1] || []).filter(function (u) { return u in R.units; });
      if (ids.length) out.push("<li><strong>" + esc(R.roles[role][lang]) + "</strong>" + esc(L.colon) +
        ids.map(function (u) { return esc(R.units[u][lang]); }).join(esc(L.list_sep)) + "</li>");
    });
    $("#xy-assign-units").innerHTML = "<ul>" + out.join("") + "</ul>";
  }

  function load(rows) {
    var result = rosterFromRows(rows);
    var box = $("#xy-assign-problems");
    if (result.problems.length) {
      people = null;
      box.hidden = false;
      box.innerHTML = "<p><strong>" + esc(L.problems) + "</strong></p><ul>" +
        result.problems.map(function (p) { return "<li>" + esc(p) + "</li>"; }).join("") + "</ul>";
    } else {
      people = result.people;
      box.hidden = true;
      box.innerHTML = "";
    }
    render();
  }

  function assignments(n) {
    return people.map(function (p) { return {person: p, units: unitsFor(p.roles, n)}; });
  }

  function csvCell(s) { s = String(s); return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }

  function render() {
    var out = $("#xy-assign-result");
    if (!people) { out.hidden = true; return; }
    out.hidden = false;
    var n = parseInt(semSelect.value, 10), label = R.semesters[n - 1].zh, rows = assignments(n);
    var byUnit = {}, order = [];
    rows.forEach(function (a) { a.units.forEach(function (u) { if (!(u in byUnit)) { byUnit[u] = []; order.push(u); } byUnit[u].push(a.person); }); });
    $("#xy-assign-summary").textContent = fmt(L.summary, {n: people.length, semester: semesterLabel(n), units: order.length});
    var head = "<tr>" + L.table_head.map(function (h) { return '<th scope="col">' + esc(h) + "</th>"; }).join("") + "</tr>";
    var body = rows.map(function (a) {
      return "<tr><td>" + esc(a.person.name) + "</td><td>" + esc(a.person.staff_id) + "</td><td>" + esc(a.person.department) +
        "</td><td>" + esc(roleNames(a.person)) + "</td><td>" + a.units.map(function (u) { return esc(R.units[u][lang]); }).join("<br>") +
        "</td><td>" + a.units.reduce(function (s, u) { return s + R.units[u].hours; }, 0) + "</td></tr>";
    }).join("");
    $("#xy-assign-table").innerHTML = "<thead>" + head + "</thead><tbody>" + body + "</tbody>";
    // the same CSV as scripts/assign.py (培训安排.csv)
    var csv = [["姓名", "工号", "部门", "角色", "学期", "培训单元编号", "培训单元", "学时"]];
    rows.forEach(function (a) { a.units.forEach(function (u) {
      csv.push([a.person.name, a.person.staff_id, a.person.department, roleNames(a.person), label, u, R.units[u].zh, String(R.units[u].hours)]);
    }); });
    var blob = new Blob(["\ufeff" + csv.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n"], {type: "text/csv"});
    var link = $("#xy-assign-csv");
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(blob);
    // sign-in sheets, one per unit (the Word sheets of scripts/assign.py, as a page to print)
    var S = R.roster.sign_in;
    $("#xy-assign-sheets").innerHTML = order.map(function (u, i) {
      var unit = R.units[u];
      var trs = byUnit[u].map(function (p, k) {
        var dept = [p.department, roleNames(p)].filter(Boolean).join("／");
        return "<tr><td>" + (k + 1) + "</td><td>" + esc(p.name) + "</td><td>" + esc(dept) + "</td><td></td><td></td></tr>";
      }).join("");
      return '<section class="xy-signin" id="xy-signin-' + i + '" data-unit="' + esc(u) + '">' +
        '<p class="xy-signin-bar"><button type="button" class="md-button xy-signin-print" data-target="xy-signin-' + i + '">' +
        esc(fmt(L.print_one, {n: byUnit[u].length})) + "</button></p>" +
        '<h3 class="xy-signin-title">' + esc(fmt(S.title, {unit: unit.zh})) + "</h3>" +
        "<p>" + esc(fmt(S.line, {semester: label, hours: unit.hours})) + "</p>" +
        '<table class="xy-signin-table"><thead><tr>' + S.columns.map(function (c) { return '<th scope="col">' + esc(c) + "</th>"; }).join("") +
        "</tr></thead><tbody>" + trs + "</tbody></table><p>" + esc(S.note) + "</p></section>";
    }).join("");
  }

  function printSheets(target) {
    document.documentElement.classList.add("xy-print-signin");
    if (target) target.classList.add("xy-print-target");
    window.print();
  }
  function clearPrint() {
    document.documentElement.classList.remove("xy-print-signin");
    Array.prototype.forEach.call(root.querySelectorAll(".xy-print-target"), function (el) { el.classList.remove("xy-print-target"); });
  }
  window.addEventListener("afterprint", clearPrint);

  root.addEventListener("click", function (ev) {
    var one = ev.target.closest(".xy-signin-print");
    if (one) { clearPrint(); printSheets(document.getElementById(one.getAttribute("data-target"))); }
    if (ev.target.closest("#xy-assign-print-all")) { clearPrint(); printSheets(null); }
    if (ev.target.closest("#xy-assign-paste-go")) load(parsePasted($("#xy-assign-paste").value));
  });
  $("#xy-assign-file").addEventListener("change", async function (ev) {
    var file = ev.target.files[0];
    if (!file) return;
    var buf = await file.arrayBuffer();
    try {
      load(/\.xls[xm]$/i.test(file.name) ? await readXLSX(buf) : parseCSV(decodeText(buf)));
    } catch (e) {
      load([]);
      $("#xy-assign-problems").innerHTML = "<p>" + esc(L.unreadable) + "</p>";
    }
  });
  semSelect.addEventListener("change", function () { showUnits(); render(); });
  yearSelect.addEventListener("change", updateThisSemester);
  termSelect.addEventListener("change", updateThisSemester);

  // the start semester the school chose last time, or this school year's autumn
  var now = schoolTerm(new Date()), saved = null;
  try { saved = localStorage.getItem("xy-assign-start"); } catch (e) { /* private mode */ }
  for (var y = now.year - 3; y <= now.year + 1; y++) {
    var o = document.createElement("option");
    o.value = String(y); o.textContent = fmt(L.school_year, {y: y, y2: y + 1});
    yearSelect.appendChild(o);
  }
  yearSelect.value = String(now.year);
  // A school profile may name the term its staff began the paths (training_start): it comes first.
  if (R.start && yearSelect.querySelector('option[value="' + R.start.year + '"]')) {
    yearSelect.value = String(R.start.year);
    termSelect.value = R.start.semester === "spring" ? "1" : "0";
  } else if (saved && /^\d{4}-[01]$/.test(saved) && yearSelect.querySelector('option[value="' + saved.slice(0, 4) + '"]')) {
    yearSelect.value = saved.slice(0, 4);
    termSelect.value = saved.slice(5);
  }
  updateThisSemester();
  window.xyAssign = {rosterFromRows: rosterFromRows, unitsFor: unitsFor, semesterFromStart: semesterFromStart};
})();
