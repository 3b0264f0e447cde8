/* Explorers: the build wrote every state a slider can reach into a script of the page (JSON,
   computed by code/descent/explorers.py) and drew the default one as SVG. This script only redraws the
   marks of the state the sliders choose, mapping data to SVG units as explorer_drawing.py does. */
(function () {
  "use strict";
  var FAR = 1e4, NS = "http://www.w3.org/2000/svg";

  function fraction(v, lo, hi, log) {
    if (v === null || !isFinite(v) || (log && v <= 0)) { return null; }
    if (log) { v = Math.log10(v); lo = Math.log10(lo); hi = Math.log10(hi); }
    return (v - lo) / (hi - lo);
  }

  // p: [left, top, width, height, x0, x1, y0, y1, logX, logY]
  function point(p, x, y) {
    var u = fraction(x, p[4], p[5], p[8]), v = fraction(y, p[6], p[7], p[9]);
    return u === null || v === null ? null : [p[0] + p[2] * u, p[1] + p[3] * (1 - v)];
  }

  function toward(a, b) {  // where the segment a-b leaves the square of side FAR
    var t = Infinity;
    for (var i = 0; i < 2; i++) {
      if (Math.abs(b[i]) > FAR) { t = Math.min(t, ((b[i] < 0 ? -FAR : FAR) - a[i]) / (b[i] - a[i])); }
    }
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }

  function polyline(p, pairs) {
    var out = [], previous = null;
    for (var i = 0; i < pairs.length; i++) {
      var q = point(p, pairs[i][0], pairs[i][1]);
      if (q === null) { break; }
      if (Math.max(Math.abs(q[0]), Math.abs(q[1])) > FAR) {
        if (previous) { out.push(toward(previous, q)); }
        break;
      }
      out.push(q);
      previous = q;
    }
    return out.map(function (q) { return q[0].toFixed(1) + "," + q[1].toFixed(1); }).join(" ");
  }

  function pairs(kind, value) {
    var out = [];
    for (var i = 0; i < value.length; i += kind === "curve" ? 1 : 2) {
      out.push(kind === "curve" ? [i, value[i]] : [value[i], value[i + 1]]);
    }
    return out;
  }

  function set(el, attrs) {
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function add(parent, tag, attrs, text) {
    var el = set(document.createElementNS(NS, tag), attrs);
    if (text !== undefined) { el.textContent = text; }
    return parent.appendChild(el);
  }

  function ticks(g, p, axes) {  // as svg_ticks() in explorer_drawing.py
    p[4] = axes.x[0]; p[5] = axes.x[1]; p[6] = axes.y[0]; p[7] = axes.y[1];
    g.textContent = "";
    var bottom = p[1] + p[3];
    axes.xt.forEach(function (t) {
      var x = point(p, t[0], p[6])[0].toFixed(1);
      add(g, "line", {"class": "tick", x1: x, y1: bottom.toFixed(1), x2: x, y2: (bottom + 4).toFixed(1)});
      add(g, "text", {x: x, y: (bottom + 15).toFixed(1), "text-anchor": "middle"}, t[1]);
    });
    axes.yt.forEach(function (t) {
      var y = point(p, p[4], t[0])[1];
      add(g, "line", {"class": "tick", x1: (p[0] - 4).toFixed(1), y1: y.toFixed(1), x2: p[0].toFixed(1), y2: y.toFixed(1)});
      add(g, "text", {x: (p[0] - 6).toFixed(1), y: (y + 3.5).toFixed(1), "text-anchor": "end"}, t[1]);
    });
  }

  function draw(el, kind, p, value) {
    if (kind === "line" || kind === "curve") {
      el.setAttribute("points", polyline(p, pairs(kind, value)));
    } else if (kind === "dot") {
      var q = point(p, value[0], value[1]);
      set(el, {cx: q[0].toFixed(1), cy: q[1].toFixed(1)});
    } else if (kind === "ellipses") {  // radii in data units; the panel has equal scales
      var scale = p[2] / (p[5] - p[4]);
      Array.prototype.forEach.call(el.children, function (child, i) {
        var e = value[i], c = point(p, e[0], e[1]), cx = c[0].toFixed(1), cy = c[1].toFixed(1);
        set(child, {cx: cx, cy: cy, rx: (e[2] * scale).toFixed(1), ry: (e[3] * scale).toFixed(1),
          transform: "rotate(" + (-e[4]).toFixed(1) + " " + cx + " " + cy + ")"});
      });
    }
  }

  function setup(root) {
    var data = window.explorerData[root.id];  // from the explorer's own script (web/explorers.py)
    var inputs = root.querySelectorAll(".explorer-sliders input");
    var panels = {};
    Object.keys(data.panels).forEach(function (name) { panels[name] = data.panels[name].slice(); });
    var marks = Object.keys(data.marks).sort(function (a, b) {  // axes first: they move the rest
      return (data.marks[b][0] === "axes") - (data.marks[a][0] === "axes");
    });

    function show() {
      var index = 0;
      Array.prototype.forEach.call(inputs, function (input, k) {
        var i = Number(input.value), text = data.sliders[k][i];
        index = index * data.sliders[k].length + i;
        input.setAttribute("aria-valuetext", text);
        root.querySelector("output[for='" + input.id + "']").textContent = text;
      });
      var state = data.states[index];
      marks.forEach(function (name) {
        var kind = data.marks[name][0], p = panels[data.marks[name][1]], value = state[name];
        if (typeof value === "string") { value = data.shared[value]; }  // named, not repeated
        var el = root.querySelector("[data-mark='" + name + "']");
        if (value === null || value === undefined) { el.setAttribute("display", "none"); return; }
        el.removeAttribute("display");
        if (kind === "axes") { ticks(el, p, value); } else { draw(el, kind, p, value); }
      });
      root.querySelector("[data-mark=summary]").textContent = state.summary;
    }

    Array.prototype.forEach.call(inputs, function (input) { input.addEventListener("input", show); });
    root.querySelector(".explorer-sliders").hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-explorer]"), setup);
})();
