/* A filter box for long lists of checkboxes (communes, organisations): type to narrow the list, the count and the
   choices made are announced to screen readers. Without JavaScript the list stays a plain list of checkboxes. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }

  function enhance(fieldset, index) {
    var list = fieldset.querySelector(".mcls-filterable__options");
    var options = Array.prototype.slice.call(list.querySelectorAll(".fr-fieldset__element"));
    if (options.length < 8) {
      return; // a short list needs no filter
    }
    var items = options.map(function (element) {
      var input = element.querySelector("input[type=checkbox]");
      var label = element.querySelector("label");
      return { element: element, input: input, text: fold((label ? label.textContent : "") + " " + (input ? input.value : "")), name: label ? label.textContent.trim() : "" };
    });
    var id = "mcls-filter-" + index;
    var wrapper = document.createElement("div");
    wrapper.className = "fr-fieldset__element";
    var group = document.createElement("div");
    group.className = "fr-input-group fr-mb-1w";
    var label = document.createElement("label");
    label.className = "fr-label";
    label.setAttribute("for", id);
    label.textContent = fieldset.getAttribute("data-filter-label") || "Filtrer la liste";
    var input = document.createElement("input");
    input.className = "fr-input";
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "fr-hint-text fr-mb-1w";
    status.setAttribute("aria-live", "polite");
    status.id = id + "-status";
    input.setAttribute("aria-describedby", status.id);
    group.appendChild(label);
    group.appendChild(input);
    var chosen = document.createElement("p");
    chosen.className = "fr-text--sm fr-mb-1w";
    chosen.setAttribute("aria-live", "polite");
    wrapper.appendChild(group);
    wrapper.appendChild(status);
    wrapper.appendChild(chosen);
    fieldset.insertBefore(wrapper, list);

    function update() {
      var query = fold(input.value);
      var shown = 0;
      items.forEach(function (item) {
        var visible = !query || item.text.indexOf(query) !== -1;
        item.element.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      var selected = items.filter(function (item) { return item.input && item.input.checked; });
      status.textContent = shown + " sur " + items.length + " affiché" + (shown > 1 ? "s" : "") + ", " + selected.length + " choisi" + (selected.length > 1 ? "s" : "") + ".";
      var names = selected.slice(0, 12).map(function (item) { return item.name; });
      chosen.textContent = selected.length ? "Choix : " + names.join(", ") + (selected.length > 12 ? "…" : "") : "";
    }

    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // Enter in the filter must not send the form
      }
    });
    fieldset.addEventListener("change", update);
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll("fieldset.mcls-filterable"), enhance);
})();
