// The network map: zoom and move by buttons, wheel and drag; a node clicked or chosen with the keyboard shows
// its numbers, read from its row in the table beside the map (the same numbers, so nothing is duplicated).
(function () {
  "use strict";

  function setUp(frame) {
    var svg = frame.querySelector("svg.network-map");
    if (!svg) return;
    var controls = frame.previousElementSibling;
    var details = frame.nextElementSibling;
    var whole = svg.getAttribute("data-viewbox").split(" ").map(Number);
    var view = whole.slice();

    function apply() {
      svg.setAttribute("viewBox", view.map(function (n) { return n.toFixed(1); }).join(" "));
    }
    function zoom(factor, cx, cy) {
      var w = Math.min(whole[2] * 1.5, Math.max(whole[2] / 12, view[2] * factor));
      var h = w * whole[3] / whole[2];
      if (cx === undefined) { cx = view[0] + view[2] / 2; cy = view[1] + view[3] / 2; }
      view = [cx - (cx - view[0]) * w / view[2], cy - (cy - view[1]) * h / view[3], w, h];
      apply();
    }
    function move(dx, dy) {
      view[0] += dx * view[2];
      view[1] += dy * view[3];
      apply();
    }
    var actions = {
      "in": function () { zoom(0.7); },
      "out": function () { zoom(1 / 0.7); },
      "left": function () { move(-0.2, 0); },
      "right": function () { move(0.2, 0); },
      "up": function () { move(0, -0.2); },
      "down": function () { move(0, 0.2); },
      "reset": function () { view = whole.slice(); apply(); }
    };
    if (controls && controls.classList.contains("map-controls")) {
      controls.hidden = false;
      controls.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-map]");
        if (button && actions[button.dataset.map]) actions[button.dataset.map]();
      });
    }
    function point(event) {
      var box = svg.getBoundingClientRect();
      return [view[0] + (event.clientX - box.left) * view[2] / box.width,
              view[1] + (event.clientY - box.top) * view[3] / box.height];
    }
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var at = point(event);
      zoom(event.deltaY < 0 ? 0.85 : 1 / 0.85, at[0], at[1]);
    }, { passive: false });
    var dragging = null;
    svg.addEventListener("pointerdown", function (event) {
      if (event.target.closest(".map-node")) return;
      dragging = [event.clientX, event.clientY];
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", function (event) {
      if (!dragging) return;
      var box = svg.getBoundingClientRect();
      view[0] -= (event.clientX - dragging[0]) * view[2] / box.width;
      view[1] -= (event.clientY - dragging[1]) * view[3] / box.height;
      dragging = [event.clientX, event.clientY];
      apply();
    });
    svg.addEventListener("pointerup", function () { dragging = null; });

    function show(node) {
      var row = document.getElementById(node.getAttribute("data-row"));
      svg.querySelectorAll(".map-node.is-selected").forEach(function (n) { n.classList.remove("is-selected"); });
      node.classList.add("is-selected");
      if (!details) return;
      details.textContent = "";
      var heading = document.createElement("h2");
      heading.textContent = node.getAttribute("aria-label");
      details.appendChild(heading);
      if (!row) return;
      var table = row.closest("table");
      var headers = table ? table.querySelectorAll("thead th") : [];
      var list = document.createElement("dl");
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (index === 0 || !headers[index]) return;
        var term = document.createElement("dt");
        term.textContent = headers[index].textContent;
        var value = document.createElement("dd");
        value.textContent = cell.textContent;
        list.appendChild(term);
        list.appendChild(value);
      });
      details.appendChild(list);
    }
    svg.addEventListener("click", function (event) {
      var node = event.target.closest(".map-node");
      if (!node) return;
      event.preventDefault();
      show(node);
    });
    svg.addEventListener("focusin", function (event) {
      var node = event.target.closest(".map-node");
      if (node) show(node);
    });
  }

  function start() {
    document.querySelectorAll(".map-frame").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
