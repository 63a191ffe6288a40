/* 学习单 cards: “打印这张学习单” prints one card alone on an A4 page (print.css hides the rest
   while <html> has the class xy-print-one). One listener on the document, so it also works on
   pages that arrive through instant navigation. */
(function () {
  "use strict";
  function clear() {
    document.documentElement.classList.remove("xy-print-one");
    var targets = document.querySelectorAll(".xy-print-target");
    for (var i = 0; i < targets.length; i++) targets[i].classList.remove("xy-print-target");
  }
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest(".xy-ws-print") : null;
    if (!button) return;
    var card = document.getElementById(button.getAttribute("data-target"));
    if (!card) return;
    clear();
    document.documentElement.classList.add("xy-print-one");
    card.classList.add("xy-print-target");
    window.print();
  });
  window.addEventListener("afterprint", clear);
})();
