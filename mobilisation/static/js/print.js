// Backup codes: a button that prints the page (shown only when scripts run; without them, the browser's own menu prints).
(function () {
  "use strict";
  document.querySelectorAll("[data-mcls-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
