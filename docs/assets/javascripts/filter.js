/* A filter above a table (topic pages: by stage). The buttons carry the value of one column
   (data-column, 1-based); a row shows when its cell in that column equals the pressed value. */
(function () {
  "use strict";
  var filters = document.querySelectorAll(".xy-filter");
  Array.prototype.forEach.call(filters, function (box) {
    var el = box.nextElementSibling;
    while (el && !el.querySelector("table") && el.tagName !== "TABLE") el = el.nextElementSibling;
    if (!el) return;
    var table = el.tagName === "TABLE" ? el : el.querySelector("table");
    var col = parseInt(box.getAttribute("data-column"), 10) - 1;
    box.hidden = false;
    box.addEventListener("click", function (ev) {
      var button = ev.target.closest("button");
      if (!button) return;
      var value = button.getAttribute("data-value");
      Array.prototype.forEach.call(box.querySelectorAll("button"), function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = !!value && row.cells[col].textContent.trim() !== value;
      });
    });
  });
})();
