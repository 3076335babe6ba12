// Invitation and membership forms: show only the scope fields of the chosen role (all of them without scripts).
(function () {
  "use strict";
  document.querySelectorAll("[data-mcls-scope-form]").forEach(function (form) {
    var role = form.querySelector("select[name=role]");
    if (!role) return;
    var groups = form.querySelectorAll("[data-mcls-roles]");
    function update() {
      groups.forEach(function (group) {
        var roles = group.getAttribute("data-mcls-roles").split(" ");
        group.hidden = role.value !== "" && roles.indexOf(role.value) === -1;
      });
    }
    role.addEventListener("change", update);
    update();
  });
})();
