/* The call log, keyboard first. Without JavaScript the page works as it is (every part visible, the FAQ searched by
   its own page); with it:
   - the parts of a call's follow-up (callback, request for help, registration) show when their box is ticked;
   - Ctrl + Entrée (Cmd + Entrée) saves the call from any field;
   - the FAQ panel answers as the operator types, for the caller's commune once typed;
   - « Noter cette fiche » writes the entry read into the call. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-submit-shortcut]");
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-shown-by]"), function (block) {
      var box = document.getElementById(block.getAttribute("data-shown-by"));
      if (!box) {
        return;
      }
      function update() {
        block.hidden = !box.checked;
      }
      box.addEventListener("change", update);
      update();
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      }
    });
  }

  var search = document.querySelector("form[data-faq-panel]");
  if (!search) {
    return;
  }
  var target = document.getElementById(search.getAttribute("data-faq-panel"));
  var input = search.querySelector("input[name=q]");
  var commune = form ? form.querySelector("input[name=commune]") : null;
  var timer = null;
  var sent = 0;

  function refresh() {
    var params = new URLSearchParams();
    params.set("q", input.value);
    params.set("fragment", "1");
    if (commune && commune.value) {
      params.set("commune", commune.value);
    }
    var number = ++sent;
    fetch(search.action + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null && number === sent) {
          target.innerHTML = html;
        }
      })
      .catch(function () {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }
  input.addEventListener("input", later);
  if (commune) {
    commune.addEventListener("change", later);
  }
  search.addEventListener("submit", function (event) {
    event.preventDefault();
    refresh();
  });
  target.addEventListener("click", function (event) {
    var button = event.target.closest("[data-faq-use]");
    var select = form ? form.querySelector("select[name=faq_entry]") : null;
    if (!button || !select) {
      return;
    }
    select.value = button.getAttribute("data-faq-use");
    button.textContent = "Fiche notée dans l’appel";
    select.focus();
  });
})();
