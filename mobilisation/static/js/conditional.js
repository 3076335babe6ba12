/* Fields that only count for one choice of a radio group (the department of a departmental measure…): shown when
   that choice is made, hidden otherwise. Without JavaScript every field stays visible and the server ignores the
   ones that do not apply. Markup: <div data-mcls-when="scope=departement">…</div>. */
(function () {
  "use strict";

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-mcls-when]"));
    if (!blocks.length) {
      return;
    }
    function update() {
      blocks.forEach(function (block) {
        var rule = block.getAttribute("data-mcls-when").split("=");
        var checked = form.querySelector('input[type=radio][name="' + rule[0] + '"]:checked');
        block.hidden = !checked || checked.value !== rule[1];
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.type === "radio") {
        update();
      }
    });
    update();
  });
})();
