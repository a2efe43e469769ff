// journeymap map page: details panel (touchpoints with their provenance, timed transitions), pain-path,
// observed-variant and opportunity highlighting, swimlane switch, persona filter and fit-to-width zoom.
// No network, no libraries.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("journey-data").textContent);
  var map = document.querySelector("svg.map");
  var details = document.getElementById("details");
  var clear = document.getElementById("clear-path");
  var FIELDS = [
    ["Stage", "stage"], ["Phase", "phase"], ["Channel", "channel"], ["Owner", "owner"], ["Lane", "lane"],
    ["Personas", "personas", "list"],
    ["Experience", "experience"], ["Expectation", "expectation"], ["Importance", "importance"],
    ["Ideal", "ideal"], ["Satisfaction", "satisfaction"], ["Weighted satisfaction", "weighted_satisfaction"],
    ["Gap to ideal", "gap"], ["Reach (visits / entrant)", "reach"], ["Pain", "pain"],
    ["Priority (pain / entrant)", "priority"], ["Carried experience", "carried"],
    ["Removal effect", "removal_effect", "percent"], ["Survey responses", "responses"],
    ["Score source", "source"], ["Time here (dwell)", "dwell"], ["Expected wait", "expected_wait"]
  ];

  function format(value, kind) {
    if (value === null || value === undefined || value === "") { return "—"; }
    if (kind === "list") { return value.length ? value.join(", ") : "—"; }
    if (typeof value !== "number") { return String(value); }
    if (kind === "percent") { return (value * 100).toFixed(1) + "%"; }
    var text = Math.abs(value) >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3)));
    return text.replace("-", "\u2212");
  }

  function detailsTable(name, rows) {
    details.textContent = "";
    var title = document.createElement("p");
    title.className = "title";
    title.textContent = name;
    details.appendChild(title);
    var table = document.createElement("table");
    rows.forEach(function (pair) {
      var row = table.insertRow();
      var th = document.createElement("th");
      th.textContent = pair[0];
      row.appendChild(th);
      row.insertCell().textContent = pair[1];
    });
    details.appendChild(table);
  }

  function showDetails(id) {
    var tp = data.touchpoints[id];
    if (!tp) { return; }
    detailsTable(tp.name, FIELDS.map(function (field) { return [field[0], format(tp[field[1]], field[2])]; }));
    appendList(tp.measures, "evidence measures", function (text, li) { li.textContent = "Measured: " + text; });
    [tp.description, tp.notes].forEach(function (text) {
      if (!text) { return; }
      var note = document.createElement("p");
      note.textContent = text;
      details.appendChild(note);
    });
    appendList(tp.evidence, "evidence", function (item, li) {
      var text = item.kind === "quote" ? "\u201c" + item.text + "\u201d" : item.text;
      var holder = li;
      if (item.url && /^https?:\/\//.test(item.url)) {
        holder = document.createElement("a");
        holder.href = item.url;
        holder.rel = "noopener noreferrer";
        li.appendChild(holder);
      }
      holder.textContent = text;
      if (item.source) {
        var source = document.createElement("span");
        source.className = "source";
        source.textContent = " \u2014 " + item.source;
        li.appendChild(source);
      }
    });
    appendList(tp.opportunities, "evidence", function (title, li) { li.textContent = "Opportunity: " + title; });
  }

  function appendList(items, cls, fill) {
    if (!items || !items.length) { return; }
    var list = document.createElement("ul");
    list.className = cls;
    items.forEach(function (item) {
      var li = document.createElement("li");
      fill(item, li);
      list.appendChild(li);
    });
    details.appendChild(list);
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

  // Timed arrows and their labels: hover, focus or click shows the transition's time in the panel.
  function showTransition(edge) {
    var t = data.transitions[edge];
    if (!t) { return; }
    detailsTable(t.name, [["Customers (model)", format(t.customers)], ["Share of those leaving", format(t.share, "percent")]]);
    appendList(t.lines, "evidence timing", function (text, li) { li.textContent = text; });
  }
  map.querySelectorAll("[data-edge-time], .flow[tabindex]").forEach(function (el) {
    var edge = el.getAttribute("data-edge-time") || el.getAttribute("data-edge");
    ["mouseenter", "focus", "click"].forEach(function (kind) {
      el.addEventListener(kind, function () { showTransition(edge); });
    });
  });

  function nodeElement(id) {
    var selector = '[data-touchpoint="' + CSS.escape(id) + '"], [data-outcome="' + CSS.escape(id) +
      '"], [data-node="' + CSS.escape(id) + '"]';
    return map.querySelector(selector);
  }

  function light(nodes, edges, cls) {
    map.querySelectorAll(".on-path").forEach(function (el) { el.classList.remove("on-path", "opportunity"); });
    map.querySelectorAll(".flow").forEach(function (el) { el.setAttribute("marker-end", "url(#arrow)"); });
    map.classList.toggle("has-selection", nodes.length > 0);
    clear.hidden = nodes.length === 0;
    nodes.forEach(function (id) {
      var node = nodeElement(id);
      if (node) { node.classList.add("on-path"); if (cls) { node.classList.add(cls); } }
    });
    edges.forEach(function (pair) {
      var edge = map.querySelector('[data-edge="' + CSS.escape(pair) + '"]');
      if (edge) {
        edge.classList.add("on-path");
        edge.setAttribute("marker-end", "url(#arrow-hot)");
      }
      var time = map.querySelector('[data-edge-time="' + CSS.escape(pair) + '"]');
      if (time) { time.classList.add("on-path"); }
    });
  }

  function mark(selector, attribute, value) {
    document.querySelectorAll(selector).forEach(function (li) {
      var active = li.getAttribute(attribute) === value;
      li.classList.toggle("active", active);
      li.setAttribute("aria-pressed", active ? "true" : "false");
    });
  }

  function route(nodes) {
    light(nodes, nodes.slice(1).map(function (id, i) { return nodes[i] + "->" + id; }));
  }

  function highlight(rank) {
    mark("[data-path-rank]", "data-path-rank", String(rank));
    mark("[data-variant-rank]:not(.other)", "data-variant-rank", null);
    mark("[data-opportunity]", "data-opportunity", null);
    var path = data.paths.filter(function (p) { return p.rank === rank; })[0];
    if (!path) { light([], []); return; }
    route(path.nodes);
  }

  function highlightVariant(rank) {
    mark("[data-path-rank]", "data-path-rank", null);
    mark("[data-variant-rank]:not(.other)", "data-variant-rank", String(rank));
    mark("[data-opportunity]", "data-opportunity", null);
    var variant = data.observed.filter(function (v) { return v.rank === rank; })[0];
    if (!variant) { light([], []); return; }
    route(variant.nodes);
  }

  function highlightOpportunity(id) {
    mark("[data-path-rank]", "data-path-rank", null);
    mark("[data-variant-rank]:not(.other)", "data-variant-rank", null);
    mark("[data-opportunity]", "data-opportunity", id);
    var nodes = id === null ? [] : data.opportunities[id] || [];
    light(nodes, [], "opportunity");
    if (nodes.length) {
      var first = nodeElement(nodes[0]);
      if (first && first.scrollIntoView) { first.scrollIntoView({block: "nearest", inline: "center"}); }
    }
  }

  // A list item that works as a button: click, Enter or Space.
  function pressable(li, toggle) {
    li.addEventListener("click", toggle);
    li.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
    });
  }

  var current = null;
  document.querySelectorAll("[data-path-rank]").forEach(function (li) {
    pressable(li, function () {
      var rank = Number(li.getAttribute("data-path-rank"));
      current = current === rank ? null : rank;
      currentVariant = null;
      currentOpportunity = null;
      highlight(current);
    });
  });
  clear.addEventListener("click", function () {
    current = null; currentOpportunity = null; currentVariant = null; highlight(null);
  });

  // Observed variants: the walks customers really took, highlighted like the model's paths.
  var currentVariant = null;
  document.querySelectorAll("[data-variant-rank]:not(.other)").forEach(function (li) {
    pressable(li, function () {
      var rank = Number(li.getAttribute("data-variant-rank"));
      currentVariant = currentVariant === rank ? null : rank;
      current = null;
      currentOpportunity = null;
      highlightVariant(currentVariant);
    });
  });
  document.querySelectorAll("[data-path-view]").forEach(function (button) {
    button.addEventListener("click", function () {
      var view = button.getAttribute("data-path-view");
      document.querySelectorAll("[data-path-view]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
      document.querySelectorAll("ol[data-list]").forEach(function (list) {
        list.hidden = list.getAttribute("data-list") !== view;
      });
      current = null; currentVariant = null; currentOpportunity = null;
      highlight(null);
    });
  });

  var currentOpportunity = null;
  document.querySelectorAll("[data-opportunity]").forEach(function (li) {
    function toggle() {
      var id = li.getAttribute("data-opportunity");
      currentOpportunity = currentOpportunity === id ? null : id;
      current = null;
      currentVariant = null;
      highlightOpportunity(currentOpportunity);
    }
    li.addEventListener("click", function (event) {
      if (event.target.closest("a")) { event.preventDefault(); }
      toggle();
    });
    li.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
    });
  });

  // Swimlanes: every grouping's card offsets and arrow paths come with the data.
  var lanes = document.getElementById("lanes");
  function applyView(name) {
    var view = data.views[name];
    if (!view) { return; }
    map.setAttribute("height", view.height);
    map.setAttribute("viewBox", "0 0 " + map.getAttribute("width") + " " + view.height);
    map.querySelectorAll(".phase rect").forEach(function (rect) { rect.setAttribute("height", view.height); });
    map.querySelectorAll(".lanes").forEach(function (group) {
      group.setAttribute("display", group.getAttribute("data-view") === name ? "inline" : "none");
    });
    map.querySelectorAll(".card").forEach(function (card) {
      var id = card.getAttribute("data-touchpoint") || card.getAttribute("data-outcome") ||
        card.getAttribute("data-node");
      var dy = view.dy[id] || 0;
      if (dy) { card.setAttribute("transform", "translate(0," + dy + ")"); } else { card.removeAttribute("transform"); }
    });
    map.querySelectorAll(".flow").forEach(function (flow) {
      var d = view.flows[flow.getAttribute("data-edge")];
      if (d) { flow.setAttribute("d", d); }
    });
    map.querySelectorAll("[data-edge-time]").forEach(function (label) {
      var at = view.labels[label.getAttribute("data-edge-time")];
      if (at) {
        label.setAttribute("transform", "translate(" + at[0] + "," + at[1] + ")");
        label.removeAttribute("display");
      } else {
        label.setAttribute("display", "none");
      }
    });
    data.view = name;
  }
  if (lanes) { lanes.addEventListener("change", function () { applyView(lanes.value); }); }

  // Persona filter: touchpoints and transitions tagged only with other personas fade out.
  var persona = document.getElementById("persona");
  function applyPersona(id) {
    map.classList.toggle("persona-filter", Boolean(id));
    map.querySelectorAll("[data-personas]").forEach(function (el) {
      var tags = el.getAttribute("data-personas").split(" ").filter(Boolean);
      el.classList.toggle("other-persona", Boolean(id) && tags.length > 0 && tags.indexOf(id) < 0);
    });
  }
  if (persona) { persona.addEventListener("change", function () { applyPersona(persona.value); }); }

  // Fit to width: the map and the emotion curve share one width, so they scale alike.
  var fit = document.getElementById("fit");
  var board = document.querySelector(".board");
  fit.addEventListener("click", function () {
    var on = !board.classList.contains("fit");
    board.classList.toggle("fit", on);
    fit.setAttribute("aria-pressed", on ? "true" : "false");
  });
})();
