// State diagrams. Each <figure class="diagram"> carries its case type's graph in
// data-graph (written by the server: states with the numbers of the deadlines that run in
// them, one edge per pair of states listing its actions, the current state if any). This
// measures the text, lays the graph out with the vendored dagre (top to bottom), draws it
// as SVG and sizes the drawing to what was drawn, so nothing falls outside it; a narrow
// screen scrolls the figure instead of shrinking the text.
//
// All figures are built first, then measured in one pass, then placed: one forced layout
// for the whole page, not one per label. Without script the transitions table beside
// each figure says the same in words.
(function () {
  "use strict";
  if (!window.dagre) return;
  var NS = "http://www.w3.org/2000/svg";
  var count = 0;
  var TITLE = 13, SMALL = 11, LINE = 17, SMALL_LINE = 14, PAD_X = 12, PAD_Y = 8, MARK = 8, MARGIN = 14;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  function tooltip(parent, text) {
    el("title", {}, parent).textContent = text;
  }

  // Break text into lines of at most `max` units: a Chinese character counts 1, other
  // characters about half; Latin text breaks at spaces, Chinese anywhere.
  function wrap(text, max) {
    var lines = [], line = "", units = 0;
    var words = text.match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+/g) || [text];
    words.forEach(function (w) {
      var u = /[\u2e80-\u9fff\uff00-\uffef]/.test(w) ? 1 : w.length * 0.55;
      if (line && units + u > max) { lines.push(line.trim()); line = ""; units = 0; }
      line += w; units += u;
    });
    if (line.trim()) lines.push(line.trim());
    return lines.length ? lines : [text];
  }

  // Lines of text under each other, left-aligned at x=0, first baseline at `top`.
  function block(parent, rows) {
    var y = 0;
    return rows.map(function (r) {
      y += r.line;
      return el("text", { x: 0, y: y - (r.line - r.size) / 2 - 2, "font-size": r.size, class: r.cls }, parent);
    }).map(function (t, i) { t.textContent = rows[i].text; return t; });
  }

  function build(fig) {
    var g;
    try { g = JSON.parse(fig.getAttribute("data-graph")); } catch (e) { return null; }
    var box = fig.querySelector(".diagram-scroll");
    var svg = el("svg", { class: "diagram-svg", role: "img", "aria-label": fig.getAttribute("data-label") });
    var arrow = "arrow-" + (++count);
    var marker = el("marker", { id: arrow, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, el("defs", {}, svg));
    el("path", { d: "M0,0 L10,5 L0,10 z" }, marker);
    var root = el("g", {}, svg);
    var edgesLayer = el("g", { class: "edges" }, root);
    var nodesLayer = el("g", { class: "nodes" }, root);
    var nodes = g.states.map(function (s) {
      var cls = "node" + (s.final ? " final" : "") + (s.initial ? " initial" : "") + (s.id === g.current ? " current" : "");
      var grp = el("g", { class: cls, "data-state": s.id }, nodesLayer);
      var extra = [];
      if (s.id === g.current) extra.push(fig.getAttribute("data-current-label"));
      if (s.initial) extra.push(fig.getAttribute("data-initial-label"));
      if (s.final) extra.push(fig.getAttribute("data-final-label"));
      tooltip(grp, s.title + " (" + s.id + ")" + (extra.length ? " · " + extra.join(" · ") : ""));
      if (s.id === g.current) grp.setAttribute("aria-current", "step");
      var rect = el("rect", { rx: 8 }, grp);
      var inner = s.final ? el("rect", { rx: 6, class: "inner" }, grp) : null;
      var content = el("g", {}, grp);
      var rows = wrap(s.title, 12).map(function (t) { return { text: t, size: TITLE, line: LINE, cls: "title" }; });
      if (s.id === g.current) rows.unshift({ text: "▶ " + fig.getAttribute("data-current-label"), size: SMALL, line: SMALL_LINE, cls: "here" });
      var texts = block(content, rows);
      var marks = null;
      if (s.deadlines.length) {
        marks = el("g", { class: "marks" }, content);
        s.deadlines.forEach(function (k, i) {
          var m = el("g", { class: "mark" }, marks);
          tooltip(m, (g.deadline_titles || {})[k] || String(k));
          el("circle", { cx: MARK + i * (2 * MARK + 4), cy: MARK, r: MARK }, m);
          el("text", { x: MARK + i * (2 * MARK + 4), y: MARK + 4, "font-size": SMALL, "text-anchor": "middle" }, m).textContent = k;
        });
      }
      var dot = s.initial ? el("circle", { r: 5, class: "start" }, grp) : null;
      return { s: s, grp: grp, rect: rect, inner: inner, content: content, texts: texts, marks: marks, dot: dot };
    });
    var edges = g.edges.map(function (e) {
      var self = e.from === e.to;
      var cls = "edge" + (self ? " self" : "") + (g.current && e.from === g.current ? " next" : "");
      var grp = el("g", { class: cls, "data-from": e.from, "data-to": e.to }, edgesLayer);
      var path = el("path", { "marker-end": "url(#" + arrow + ")" }, grp);
      var label = el("g", { class: "label" }, grp);
      var bg = el("rect", { rx: 4 }, label);
      var content = el("g", {}, label);
      var rows = [];
      e.actions.forEach(function (a) {
        wrap(a.title, 14).forEach(function (t) { rows.push({ text: t, size: SMALL + 1, line: SMALL_LINE + 1, cls: "action" }); });
        if (a.roles) wrap(a.roles, 16).forEach(function (t) { rows.push({ text: t, size: SMALL, line: SMALL_LINE, cls: "roles" }); });
      });
      tooltip(grp, e.actions.map(function (a) { return a.title + " (" + a.action + ")" + (a.roles ? ": " + a.roles : ""); }).join("\n"));
      return { e: e, grp: grp, path: path, label: label, bg: bg, content: content, texts: block(content, rows), rows: rows };
    });
    box.appendChild(svg);
    return { fig: fig, box: box, svg: svg, root: root, nodes: nodes, edges: edges, current: g.current };
  }

  function measure(d) {
    var width = function (texts) { return texts.reduce(function (w, t) { return Math.max(w, t.getComputedTextLength()); }, 0); };
    d.nodes.forEach(function (n) {
      var h = n.texts.length ? n.texts.length * LINE : LINE;
      n.texts.forEach(function (t) { if (t.getAttribute("class") === "here") h -= LINE - SMALL_LINE; });
      var w = width(n.texts);
      if (n.marks) {
        w = Math.max(w, n.s.deadlines.length * (2 * MARK + 4));
        n.marksAt = h + 4;
        h += 2 * MARK + 6;
      }
      n.w = Math.max(w + 2 * PAD_X, 90);
      n.h = h + 2 * PAD_Y;
    });
    d.edges.forEach(function (e) {
      e.w = width(e.texts) + 8;
      e.h = e.rows.reduce(function (h, r) { return h + r.line; }, 0) + 6;
    });
  }

  // A smooth path through dagre's points.
  function curve(pts) {
    var s = "M" + pts[0].x + "," + pts[0].y;
    for (var i = 1; i < pts.length - 1; i++) {
      var mx = (pts[i].x + pts[i + 1].x) / 2, my = (pts[i].y + pts[i + 1].y) / 2;
      s += " Q" + pts[i].x + "," + pts[i].y + " " + (i === pts.length - 2 ? pts[i + 1].x + "," + pts[i + 1].y : mx + "," + my);
    }
    if (pts.length === 2) s += " L" + pts[1].x + "," + pts[1].y;
    return s;
  }

  function place(d) {
    var g = new window.dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: "TB", nodesep: 36, edgesep: 16, ranksep: 34, marginx: 0, marginy: 0 });
    g.setDefaultEdgeLabel(function () { return {}; });
    d.nodes.forEach(function (n) { g.setNode(n.s.id, { width: n.w, height: n.h }); });
    d.edges.forEach(function (e, i) {
      g.setEdge(e.e.from, e.e.to, { width: e.w, height: e.h, labelpos: "c" }, "e" + i);
    });
    window.dagre.layout(g);
    var at = {};
    d.nodes.forEach(function (n) {
      var p = g.node(n.s.id), x = p.x - n.w / 2, y = p.y - n.h / 2;
      at[n.s.id] = { x: p.x, y: p.y, w: n.w, h: n.h };
      n.rect.setAttribute("x", x); n.rect.setAttribute("y", y);
      n.rect.setAttribute("width", n.w); n.rect.setAttribute("height", n.h);
      if (n.inner) {
        n.inner.setAttribute("x", x + 3); n.inner.setAttribute("y", y + 3);
        n.inner.setAttribute("width", n.w - 6); n.inner.setAttribute("height", n.h - 6);
      }
      n.content.setAttribute("transform", "translate(" + (x + PAD_X) + "," + (y + PAD_Y) + ")");
      if (n.marks) n.marks.setAttribute("transform", "translate(0," + n.marksAt + ")");
      if (n.dot) { n.dot.setAttribute("cx", x - 9); n.dot.setAttribute("cy", p.y); }
    });
    d.edges.forEach(function (e, i) {
      var p = g.edge(e.e.from, e.e.to, "e" + i);
      var lx = p.x - e.w / 2, ly = p.y - e.h / 2;
      e.bg.setAttribute("x", lx); e.bg.setAttribute("y", ly);
      e.bg.setAttribute("width", e.w); e.bg.setAttribute("height", e.h);
      e.content.setAttribute("transform", "translate(" + (lx + 4) + "," + (ly + 3) + ")");
      if (e.e.from === e.e.to) {
        // A loop from the node's side out to its label (dagre keeps a place for the label
        // beside the node) and back.
        var n = at[e.e.from], side = p.x >= n.x ? 1 : -1;
        var sx = n.x + side * n.w / 2, edge = side > 0 ? lx : lx + e.w;
        var reach = sx + side * Math.max(18, Math.abs(edge - sx) - 2);
        e.path.setAttribute("d", "M" + sx + "," + (n.y - n.h / 4) + " C" + reach + "," + (n.y - n.h / 2) +
          " " + reach + "," + (n.y + n.h / 2) + " " + sx + "," + (n.y + n.h / 4));
      } else {
        e.path.setAttribute("d", curve(p.points));
      }
    });
    // The drawing is exactly as large as what it holds (strokes and arrowheads in the margin).
    var b = d.root.getBBox();
    var w = Math.ceil(b.width + 2 * MARGIN), h = Math.ceil(b.height + 2 * MARGIN);
    d.svg.setAttribute("viewBox", (b.x - MARGIN) + " " + (b.y - MARGIN) + " " + w + " " + h);
    d.svg.setAttribute("width", w);
    d.svg.setAttribute("height", h);
  }

  var figures = Array.prototype.map.call(document.querySelectorAll("figure.diagram[data-graph]"), build)
    .filter(Boolean);
  figures.forEach(measure);
  figures.forEach(place);
  // On a case page, bring the current state into view inside its scrolling box.
  figures.forEach(function (d) {
    var cur = d.svg.querySelector(".node.current rect");
    if (!cur || d.box.scrollWidth <= d.box.clientWidth) return;
    var r = cur.getBoundingClientRect(), box = d.box.getBoundingClientRect();
    d.box.scrollLeft += r.left + r.width / 2 - (box.left + box.width / 2);
  });
  document.querySelectorAll("figure.diagram").forEach(function (f) { f.classList.add("drawn"); });
})();
