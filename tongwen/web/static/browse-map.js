// The map of /browse/places: Leaflet drawing Natural Earth country outlines (world-atlas, served from
// /static/vendor like every script: no tile server, no CDN, works offline), a circle per city sized by its
// record count, and countries named as subjects shaded. A click opens the search narrowed to that place.
// Without JavaScript the page's list of places does the same.
(function () {
  "use strict";

  function radius(count) {
    // Area grows with the count, so 100 records do not hide 1.
    return 4 + 3 * Math.sqrt(count);
  }

  function label(template, place) {
    return template.replace("{place}", place.label).replace("{count}", String(place.count));
  }

  function eastOfTheAntimeridian(coordinates) {
    // Nested rings of [longitude, latitude] pairs, changed in place.
    if (typeof coordinates[0] === "number") {
      if (coordinates[0] < 0) coordinates[0] += 360;
      return;
    }
    coordinates.forEach(eastOfTheAntimeridian);
  }

  function draw(element, world, data) {
    var map = L.map(element, { worldCopyJump: true, minZoom: 1, maxZoom: 8, attributionControl: true });
    // A view before any layer: Leaflet projects vector layers as they are added, and a map without one
    // has no pixel origin to project onto.
    map.setView([30, 110], 2);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth · GeoNames");
    var countries = {};
    data.places.forEach(function (place) {
      if (place.kind === "country" && place.iso_numeric !== null) countries[place.iso_numeric] = place;
    });
    var template = element.getAttribute("data-label");
    var outlines = topojson.feature(world, world.objects.countries);
    // Natural Earth's outlines that cross the antimeridian (Russia's Chukotka, Fiji) jump from +180 to -180
    // and Leaflet draws that jump as a line across the world: their western longitudes are moved east of
    // 180. Antarctica (a ring through the poles, and no library) is left out for the same reason.
    var crossing = { 643: true, 242: true };
    outlines.features.forEach(function (feature) {
      if (crossing[Number(feature.id)]) eastOfTheAntimeridian(feature.geometry.coordinates);
    });
    L.geoJSON(outlines, {
      filter: function (feature) { return Number(feature.id) !== 10; },
      style: function (feature) {
        var named = countries[Number(feature.id)];
        return { color: "#7a7a7a", weight: 0.6, fillColor: named ? "#e69f00" : "#f2efe6",
                 fillOpacity: named ? 0.55 : 1 };
      },
      onEachFeature: function (feature, layer) {
        var named = countries[Number(feature.id)];
        if (!named) return;
        layer.bindTooltip(label(template, named));
        layer.on("click", function () { window.location.assign(named.search); });
      }
    }).addTo(map);
    var markers = [];
    data.places.forEach(function (place) {
      if (place.kind !== "city" || place.latitude === null) return;
      var marker = L.circleMarker([place.latitude, place.longitude], {
        radius: radius(place.count), color: "#ffffff", weight: 1, fillColor: "#0072b2", fillOpacity: 0.8,
        className: "place-marker"
      });
      marker.bindTooltip(label(template, place));
      marker.on("click", function () { window.location.assign(place.search); });
      marker.addTo(map);
      var path = marker.getElement();
      if (path) {
        path.setAttribute("data-place", place.id);
        path.setAttribute("aria-label", label(template, place));
      }
      markers.push(marker);
    });
    if (markers.length) {
      map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 5 });
    }
    element.setAttribute("data-markers", String(markers.length));
  }

  function start() {
    var element = document.getElementById("place-map");
    if (!element || typeof L === "undefined" || typeof topojson === "undefined") return;
    Promise.all([
      fetch(element.getAttribute("data-world")).then(function (r) { return r.json(); }),
      fetch(element.getAttribute("data-places")).then(function (r) { return r.json(); })
    ]).then(function (answers) {
      draw(element, answers[0], answers[1]);
    }).catch(function (error) {
      element.setAttribute("data-error", String(error));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
