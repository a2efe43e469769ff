// journeymap map page: details panel and pain-path highlighting. No network, no libraries.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("journey-data").textContent);
  var map = document.querySelector("svg.map");
  var details = document.getElementById("details");
  var clear = document.getElementById("clear-path");
  var FIELDS = [
    ["Stage", "stage"], ["Phase", "phase"], ["Channel", "channel"], ["Owner", "owner"],
    ["Experience", "experience"], ["Expectation", "expectation"], ["Importance", "importance"],
    ["Ideal", "ideal"], ["Satisfaction", "satisfaction"], ["Weighted satisfaction", "weighted_satisfaction"],
    ["Gap to ideal", "gap"], ["Reach (visits / entrant)", "reach"], ["Pain", "pain"],
    ["Priority (pain / entrant)", "priority"], ["Carried experience", "carried"],
    ["Removal effect", "removal_effect", "percent"], ["Survey responses", "responses"]
  ];

  function format(value, kind) {
    if (value === null || value === undefined || value === "") { return "—"; }
    if (typeof value !== "number") { return String(value); }
    if (kind === "percent") { return (value * 100).toFixed(1) + "%"; }
    var text = Math.abs(value) >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3)));
    return text.replace("-", "\u2212");
  }

  function showDetails(id) {
    var tp = data.touchpoints[id];
    if (!tp) { return; }
    details.textContent = "";
    var title = document.createElement("p");
    title.className = "title";
    title.textContent = tp.name;
    details.appendChild(title);
    var table = document.createElement("table");
    FIELDS.forEach(function (field) {
      var row = table.insertRow();
      var th = document.createElement("th");
      th.textContent = field[0];
      row.appendChild(th);
      row.insertCell().textContent = format(tp[field[1]], field[2]);
    });
    details.appendChild(table);
    if (tp.description) {
      var note = document.createElement("p");
      note.textContent = tp.description;
      details.appendChild(note);
    }
  }

  function select(card) {
    map.querySelectorAll(".card.selected").forEach(function (el) { el.classList.remove("selected"); });
    card.classList.add("selected");
    showDetails(card.getAttribute("data-touchpoint"));
  }

  map.querySelectorAll("[data-touchpoint]").forEach(function (card) {
    card.addEventListener("mouseenter", function () { showDetails(card.getAttribute("data-touchpoint")); });
    card.addEventListener("focus", function () { select(card); });
    card.addEventListener("click", function () { select(card); });
  });

  function nodeElement(id) {
    var selector = '[data-touchpoint="' + CSS.escape(id) + '"], [data-outcome="' + CSS.escape(id) +
      '"], [data-node="' + CSS.escape(id) + '"]';
    return map.querySelector(selector);
  }

  function highlight(rank) {
    map.querySelectorAll(".on-path").forEach(function (el) { el.classList.remove("on-path"); });
    map.querySelectorAll(".flow").forEach(function (el) { el.setAttribute("marker-end", "url(#arrow)"); });
    document.querySelectorAll("[data-path-rank]").forEach(function (li) {
      var active = Number(li.getAttribute("data-path-rank")) === rank;
      li.classList.toggle("active", active);
      li.setAttribute("aria-pressed", active ? "true" : "false");
    });
    var path = data.paths.filter(function (p) { return p.rank === rank; })[0];
    map.classList.toggle("has-selection", Boolean(path));
    clear.hidden = !path;
    if (!path) { return; }
    path.nodes.forEach(function (id, i) {
      var node = nodeElement(id);
      if (node) { node.classList.add("on-path"); }
      if (i > 0) {
        var edge = map.querySelector('[data-edge="' + CSS.escape(path.nodes[i - 1] + "->" + id) + '"]');
        if (edge) {
          edge.classList.add("on-path");
          edge.setAttribute("marker-end", "url(#arrow-hot)");
        }
      }
    });
  }

  var current = null;
  document.querySelectorAll("[data-path-rank]").forEach(function (li) {
    function toggle() {
      var rank = Number(li.getAttribute("data-path-rank"));
      current = current === rank ? null : rank;
      highlight(current);
    }
    li.addEventListener("click", toggle);
    li.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
    });
  });
  clear.addEventListener("click", function () { current = null; highlight(null); });
})();
