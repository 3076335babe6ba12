// A background job's progress bar: asks the page's status address every two seconds, moves the bar, announces the
// state, and reloads the page once the job is over. Without scripts the page offers an « Actualiser » link.
(function () {
  "use strict";
  var bar = document.querySelector("[data-mcls-progress]");
  if (!bar) {
    return;
  }
  var status = document.getElementById(bar.getAttribute("aria-describedby"));
  var address = bar.getAttribute("data-mcls-progress");
  var working = bar.getAttribute("data-mcls-working").split(" ");
  function poll() {
    fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then(function (data) {
        if (working.indexOf(data.state) === -1) {
          window.location.reload();
          return;
        }
        if (data.percent === null) {
          bar.removeAttribute("value");
        } else {
          bar.value = data.percent;
        }
        if (status) {
          status.textContent = data.label + (data.total ? " : " + data.checked + " lignes sur " + data.total : "");
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
