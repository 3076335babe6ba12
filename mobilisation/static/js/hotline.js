/* The call log, keyboard first. Without JavaScript the page works as it is (every part visible, the FAQ searched by
   its own page); with it:
   - the parts of a call's follow-up (callback, request for help, registration) show when their box is ticked;
   - Ctrl + Entrée (Cmd + Entrée) saves the call from any field;
   - the FAQ panel answers as the operator types, for the caller's commune once typed;
   - « Noter cette fiche » writes the entry read into the call;
   - the directory's services are searched as the operator types, for the caller's commune (the « Chercher » button
     and Entrée in its field ask for them in place instead of submitting the call); a service chosen sets the
     orientation to « Un service de l'annuaire ». */
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

  var commune = form ? form.querySelector("input[name=commune]") : null;

  function panelLoader(address, params, target, done) {
    var sent = 0;
    return function () {
      var number = ++sent;
      fetch(address + "?" + params().toString(), { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html !== null && number === sent) {
            target.innerHTML = html;
            if (done) {
              done();
            }
          }
        })
        .catch(function () {});
    };
  }
  function debounced(action) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(action, 250);
    };
  }

  var services = document.getElementById("service-resultats");
  if (form && services) {
    var serviceSearch = form.querySelector("input[name=service_search]");
    var serviceButton = form.querySelector("button[name=chercher_service]");
    var referral = form.querySelector("select[name=referral]");
    var announce = document.getElementById("service-annonce");
    var refreshServices = panelLoader(
      services.getAttribute("data-service-panel"),
      function () {
        var params = new URLSearchParams();
        params.set("q", serviceSearch.value);
        if (commune && commune.value) {
          params.set("commune", commune.value);
        }
        var chosen = services.querySelector("input[name=service]:checked");
        if (chosen && chosen.value) {
          params.set("service", chosen.value);
        }
        return params;
      },
      services,
      function () {
        var summary = services.querySelector("[data-summary]");
        if (announce && summary) {
          announce.textContent = summary.textContent;
        }
      }
    );
    var laterServices = debounced(refreshServices);
    serviceSearch.addEventListener("input", laterServices);
    serviceSearch.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        refreshServices();
      }
    });
    serviceButton.addEventListener("click", function (event) {
      event.preventDefault();
      refreshServices();
    });
    if (commune) {
      commune.addEventListener("change", laterServices);
    }
    services.addEventListener("change", function (event) {
      if (event.target.name === "service" && event.target.value && referral) {
        referral.value = "service";
      }
    });
  }

  var search = document.querySelector("form[data-faq-panel]");
  if (!search) {
    return;
  }
  var target = document.getElementById(search.getAttribute("data-faq-panel"));
  var input = search.querySelector("input[name=q]");

  var refresh = panelLoader(
    search.action,
    function () {
      var params = new URLSearchParams();
      params.set("q", input.value);
      params.set("fragment", "1");
      if (commune && commune.value) {
        params.set("commune", commune.value);
      }
      return params;
    },
    target
  );
  var later = debounced(refresh);
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
