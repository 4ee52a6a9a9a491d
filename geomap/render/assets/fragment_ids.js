// The start of a map fragment's script (geomap.export.fragment_html), run as the page is read; ``fragment``
// is the fragment's own <div>, the parent of the script.
//
// A report may paste the same fragment twice (a summary at the top, the map again in an appendix). The
// second copy's ids would repeat the first's, and its script would find the first copy's elements
// (Leaflet: "Map container is already initialized"). So when any id of this copy is taken already, each
// id in the copy gets a suffix ("_2", "_3", ...) that is free in the page, the references to them inside
// the copy (url(#...), href="#...") follow, and while the map is set up document.getElementById finds this
// copy's elements under their original ids. Every element a map looks up is looked up then, as it is set
// up, never later (see date_control.html). ``scope.end()`` puts document.getElementById back.
var scope = (function (fragment) {
  var elements = [fragment].concat([].slice.call(fragment.querySelectorAll("[id]")));
  var taken = elements.some(function (element) { return document.getElementById(element.id) !== element; });
  if (!taken) {
    return {end: function () {}};
  }
  var copy = 2;
  while (elements.some(function (element) { return document.getElementById(element.id + "_" + copy); })) {
    copy += 1;
  }
  var renamed = {};
  elements.forEach(function (element) {
    renamed[element.id] = element.id + "_" + copy;
    element.id = renamed[element.id];
  });
  var rename = function (reference, id) {
    return Object.prototype.hasOwnProperty.call(renamed, id) ? reference.replace(id, renamed[id]) : reference;
  };
  [].slice.call(fragment.querySelectorAll("*")).forEach(function (element) {
    [].slice.call(element.attributes).forEach(function (attribute) {
      var value = attribute.value.replace(/url\(#([^)]+)\)/g, rename);
      if (value.charAt(0) === "#") {
        value = rename(value, value.slice(1));
      }
      if (value !== attribute.value) {
        attribute.value = value;
      }
    });
  });
  var ownLookup = Object.prototype.hasOwnProperty.call(document, "getElementById");
  var lookup = document.getElementById;
  document.getElementById = function (id) {
    return lookup.call(document, Object.prototype.hasOwnProperty.call(renamed, id) ? renamed[id] : id);
  };
  return {
    end: function () {
      if (ownLookup) {
        document.getElementById = lookup;
      } else {
        delete document.getElementById;
      }
    }
  };
})(fragment);
