/* Maps of Brittany's territories with Leaflet, from the boundaries served by the application.
   A tile background is optional (data-tiles-url): without it the map shows the boundaries alone. */
(function () {
  "use strict";

  var STYLES = {
    region: { color: "#3a3a3a", weight: 1, fillColor: "#f5f5fe", fillOpacity: 0.6 },
    departements: { color: "#000091", weight: 2, fillColor: "#e3e3fd", fillOpacity: 0.35 },
    epci: { color: "#c9191e", weight: 1, fillOpacity: 0 },
    focus: { color: "#18753c", weight: 3, fillColor: "#18753c", fillOpacity: 0.25 },
    point: { radius: 7, color: "#ffffff", weight: 2, fillColor: "#000091", fillOpacity: 1 }
  };

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function linkPopup(feature, layer) {
    var props = feature.properties || {};
    if (!props.url) { return; }
    var link = document.createElement("a");
    link.href = props.url;
    link.className = "mcls-map-link";
    link.textContent = props.nom;
    layer.bindPopup(link);
    layer.bindTooltip(props.nom, { sticky: true });
  }

  function initMap(element) {
    var map = L.map(element, { zoomSnap: 0.25, attributionControl: true, keyboard: true });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="Bibliothèque de cartographie">Leaflet</a>');
    if (element.dataset.tilesUrl) {
      L.tileLayer(element.dataset.tilesUrl, { attribution: element.dataset.tilesAttribution || "", maxZoom: 18 }).addTo(map);
    }
    map.setView([48.2, -2.9], 7.5);
    var layers = (element.dataset.layers || "").split(",").filter(Boolean);
    var pending = [];
    var extent = null;
    layers.forEach(function (name) {
      pending.push(
        fetchJson("/territoires/carte/" + name + ".geojson").then(function (data) {
          var layer = L.geoJSON(data, { style: STYLES[name] || STYLES.region, onEachFeature: linkPopup }).addTo(map);
          if (name === "departements") { layer.bringToBack(); extent = layer.getBounds(); }
          return layer;
        })
      );
    });
    var focusUrl = element.dataset.focusUrl;
    var focus = focusUrl
      ? fetchJson(focusUrl).then(function (data) {
          return L.geoJSON(data, { style: STYLES.focus, onEachFeature: linkPopup }).addTo(map);
        })
      : Promise.resolve(null);
    // Points (the places of the services of a commune): circles with a link, drawn above the boundaries.
    if (element.dataset.pointsUrl) {
      pending.push(
        fetchJson(element.dataset.pointsUrl).then(function (data) {
          return L.geoJSON(data, {
            pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, STYLES.point); },
            onEachFeature: linkPopup
          }).addTo(map);
        })
      );
    }
    Promise.all(pending.concat([focus])).then(function (results) {
      var focusLayer = results[results.length - 1];
      if (focusLayer) {
        focusLayer.bringToFront();
        map.fitBounds(focusLayer.getBounds(), { padding: [20, 20], maxZoom: 11 });
      } else if (extent) {
        map.fitBounds(extent, { padding: [10, 10] });
      }
      element.setAttribute("data-loaded", "true");
    }).catch(function () {
      var message = document.createElement("p");
      message.className = "fr-error-text";
      message.textContent = "La carte n’a pas pu être chargée. Les informations restent disponibles dans la page.";
      element.parentNode.insertBefore(message, element.nextSibling);
      element.setAttribute("data-loaded", "error");
    });
  }

  document.querySelectorAll("[data-mcls-map]").forEach(initMap);
})();
