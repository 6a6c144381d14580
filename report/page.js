"use strict";
(function () {
  var raw = document.getElementById("report-data").textContent.trim();
  var bytes = Uint8Array.from(atob(raw), function (c) { return c.charCodeAt(0); });
  var R = JSON.parse(new TextDecoder("utf-8").decode(bytes));
  var SVG = "http://www.w3.org/2000/svg";

  // el builds an element; text goes through textContent, never markup.
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) { e.setAttribute(k, attrs[k]); }
    (kids || []).forEach(function (c) {
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs || {}) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function fmt(n, d) { return (n === undefined || n === null) ? "" : Number(n).toFixed(d === undefined ? 2 : d); }
  function put(id, node) { var p = document.getElementById(id); p.textContent = ""; p.appendChild(node); }
  function none(id, what) { put(id, el("p", { "class": "muted" }, [what])); }

  // table renders rows with columns {title, get, num, cls}; a click on a
  // header sorts by it.
  function table(cols, rows) {
    var t = el("table"), head = el("tr"), body = el("tbody");
    var order = { col: -1, desc: true };
    function fill() {
      body.textContent = "";
      rows.forEach(function (r) {
        var tr = el("tr");
        cols.forEach(function (c) {
          var v = c.get(r);
          var cls = [c.num ? "num" : "", c.cls || ""].filter(Boolean).join(" ");
          tr.appendChild(el("td", cls ? { "class": cls } : {},
            [c.num && typeof v === "number" ? fmt(v, c.digits) : String(v)]));
        });
        body.appendChild(tr);
      });
    }
    cols.forEach(function (c, i) {
      var th = el("th", { "class": c.num ? "num" : "" }, [c.title]);
      th.addEventListener("click", function () {
        order.desc = order.col === i ? !order.desc : true;
        order.col = i;
        rows.sort(function (a, b) {
          var x = c.get(a), y = c.get(b);
          var r = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
          return order.desc ? -r : r;
        });
        fill();
      });
      head.appendChild(th);
    });
    t.appendChild(el("thead", {}, [head]));
    t.appendChild(body);
    fill();
    return t;
  }

  function latencyCols() {
    return [
      { title: "Count", num: true, digits: 0, get: function (r) { return r.count; } },
      { title: "Errors", num: true, digits: 0, get: function (r) { return r.errors; } },
      { title: "Avg ms", num: true, get: function (r) { return r.avg_ms; } },
      { title: "P95 ms", num: true, get: function (r) { return r.p95_ms; } },
      { title: "P99 ms", num: true, get: function (r) { return r.p99_ms; } },
      { title: "Max ms", num: true, get: function (r) { return r.max_ms; } },
      { title: "Total ms", num: true, digits: 1, get: function (r) { return r.total_ms; } }
    ];
  }

  // Probe
  var p = R.probe || {};
  document.getElementById("probe").appendChild(el("div", { "class": "muted" }, [
    "probe " + (p.id || "-") + " \u00b7 engine " + (p.engine || "-") + " \u00b7 python " + (p.python || "-") +
    " \u00b7 pids " + (p.pids || []).join(", ") + " \u00b7 " + fmt(R.duration_ms / 1000, 1) + " s \u00b7 " +
    R.events + " events \u00b7 " + R.fragments + " server request instances \u00b7 ended " + R.ended
  ]));

  // Server requests
  var srs = R.server_requests || [];
  if (srs.length) {
    put("server-requests", table([
      { title: "Server request", cls: "name sr-name", get: function (r) { return r.name; } },
      { title: "Type", get: function (r) { return r.type; } }
    ].concat(latencyCols()), srs.slice()));
  } else { none("server-requests", "No server request finished."); }

  // Call profiles
  function treeNode(n) {
    var li = el("li"), kids = n.children || [];
    var label = n.module + "." + (n.class ? n.class + "." : "") + n.method + "  " + fmt(n.duration_ms) +
      " ms (exclusive " + fmt(n.exclusive_ms) + ")  [" + n.layer + "]" + (n.arg ? "  " + n.arg : "");
    var call = el("span", { "class": "call" + (n.error ? " err" : "") }, [label]);
    li.appendChild(call);
    if (kids.length) {
      var ul = el("ul", { "class": "tree" });
      kids.forEach(function (k) { ul.appendChild(treeNode(k)); });
      li.appendChild(ul);
      call.addEventListener("click", function () { li.classList.toggle("folded"); });
    } else { li.classList.add("leaf"); }
    return li;
  }
  var ins = R.instances || [];
  if (ins.length) {
    var box = el("div");
    ins.forEach(function (i) {
      var d = el("div", { "class": "instance" }, [
        el("h3", { "class": i.error ? "err" : "" }, [i.server_request + "  \u2014  " + fmt(i.duration_ms) + " ms" +
          (i.uri ? "  \u00b7 " + i.uri : "") + (i.http_status ? "  \u00b7 status " + i.http_status : "") +
          "  \u00b7 pid " + i.pid + " tid " + i.tid])
      ]);
      if (i.tree) { d.appendChild(el("ul", { "class": "tree" }, [treeNode(i.tree)])); }
      box.appendChild(d);
    });
    put("instances", box);
  } else { none("instances", "No instance tree kept (all were faster than minimum_fragment_latency)."); }

  // Layers: horizontal bar chart
  var layers = (R.layers || []).slice().sort(function (a, b) { return b.exclusive_ms - a.exclusive_ms; });
  if (layers.length) {
    var maxv = Math.max.apply(null, layers.map(function (l) { return l.exclusive_ms; })) || 1;
    var rowH = 22, labelW = 180, barW = 460, h = layers.length * rowH + 8;
    var s = svg("svg", { width: labelW + barW + 140, height: h, "class": "chart", role: "img", "aria-label": "layer breakdown" });
    layers.forEach(function (l, i) {
      var y = i * rowH + 4, w = Math.max(1, barW * l.exclusive_ms / maxv);
      s.appendChild(svg("text", { x: 0, y: y + 14 }, l.layer));
      s.appendChild(svg("rect", { x: labelW, y: y + 2, width: w, height: rowH - 6, fill: "#3a78c2" }));
      s.appendChild(svg("text", { x: labelW + w + 6, y: y + 14 }, fmt(l.exclusive_ms, 1) + " ms"));
    });
    var lb = el("div", {}, [s]);
    lb.appendChild(table([
      { title: "Layer", cls: "name", get: function (r) { return r.layer; } },
      { title: "Type", get: function (r) { return r.layer_type; } },
      { title: "Calls", num: true, digits: 0, get: function (r) { return r.calls; } },
      { title: "Exclusive ms", num: true, digits: 1, get: function (r) { return r.exclusive_ms; } },
      { title: "Per request ms", num: true, get: function (r) { return r.avg_ms; } }
    ], layers.slice()));
    put("layers", lb);
  } else { none("layers", "No layer."); }

  // SQL
  var sql = R.sql || [];
  if (sql.length) {
    put("sql", table([
      { title: "Statement", cls: "name", get: function (r) { return r.statement; } },
      { title: "Category", get: function (r) { return r.category || ""; } }
    ].concat(latencyCols(), [{ title: "Trended", get: function (r) { return r.trended ? "yes" : ""; } }]), sql.slice()));
  } else { none("sql", "No SQL statement."); }

  var ms = R.methods || [];
  if (ms.length) {
    put("methods", table([
      { title: "Method", cls: "name", get: function (r) { return r.module + "." + (r["class"] ? r["class"] + "." : "") + r.method; } },
      { title: "Layer", get: function (r) { return r.layer; } }
    ].concat(latencyCols()), ms.slice()));
  } else { none("methods", "No method."); }

  var ob = R.outbound || [];
  if (ob.length) {
    put("outbound", table([{ title: "Target", cls: "name", get: function (r) { return r.target; } }].concat(latencyCols()), ob.slice()));
  } else { none("outbound", "No outbound call."); }

  // System metrics: line charts
  function lineChart(title, unit, series) {
    var W = 640, H = 160, L = 56, B = 22;
    var all = [];
    series.forEach(function (s) { s.points.forEach(function (pt) { all.push(pt); }); });
    var box = el("div", { "class": "chart" }, [el("div", {}, [title])]);
    if (!all.length) { return box; }
    var t0 = Math.min.apply(null, all.map(function (p) { return p[0]; }));
    var t1 = Math.max.apply(null, all.map(function (p) { return p[0]; }));
    var vmax = Math.max.apply(null, all.map(function (p) { return p[1]; })) || 1;
    var s = svg("svg", { width: W, height: H, role: "img", "aria-label": title });
    s.appendChild(svg("line", { x1: L, y1: H - B, x2: W, y2: H - B, stroke: "#d7dde3" }));
    s.appendChild(svg("text", { x: 0, y: 12 }, fmt(vmax, 1) + " " + unit));
    s.appendChild(svg("text", { x: 0, y: H - B }, "0"));
    s.appendChild(svg("text", { x: L, y: H - 4 }, "0 s"));
    s.appendChild(svg("text", { x: W - 60, y: H - 4 }, fmt((t1 - t0) / 1000, 0) + " s"));
    var colors = ["#3a78c2", "#c2553a", "#3aa86b", "#8a5ac2", "#c29b3a"];
    series.forEach(function (ser, i) {
      var pts = ser.points.map(function (p) {
        var x = L + (t1 > t0 ? (p[0] - t0) / (t1 - t0) : 0) * (W - L - 4);
        var y = (H - B) - (p[1] / vmax) * (H - B - 16);
        return x.toFixed(1) + "," + y.toFixed(1);
      });
      if (pts.length === 1) { pts.push(pts[0]); }
      s.appendChild(svg("polyline", { points: pts.join(" "), fill: "none", stroke: colors[i % colors.length], "stroke-width": 2 }));
      s.appendChild(svg("text", { x: L + 8 + i * 120, y: 12, fill: colors[i % colors.length] }, ser.name));
    });
    box.appendChild(s);
    return box;
  }
  var sm = R.system_metrics;
  if (sm && sm.samples && sm.samples.length) {
    var sb = el("div", {}, [el("p", { "class": "muted" }, [sm.samples.length + " samples, every " + sm.sampling_rate_s + " s; metrics " + (sm.metrics || []).join(", ")])]);
    function host(get) { return sm.samples.map(function (x) { return [Date.parse(x.time), get(x)]; }); }
    sb.appendChild(lineChart("Host CPU", "%", [{ name: "cpu", points: host(function (x) { return x.cpu_percent; }) }]));
    sb.appendChild(lineChart("Host memory used", "%", [{ name: "memory", points: host(function (x) { return x.mem_used_percent; }) }]));
    sb.appendChild(lineChart("Load average", "", [
      { name: "1 min", points: host(function (x) { return x.load1; }) },
      { name: "5 min", points: host(function (x) { return x.load5; }) }]));
    var pids = {};
    sm.samples.forEach(function (x) {
      (x.processes || []).forEach(function (pr) {
        (pids[pr.pid] = pids[pr.pid] || []).push([Date.parse(x.time), pr]);
      });
    });
    var keys = Object.keys(pids);
    if (keys.length) {
      sb.appendChild(lineChart("Process resident memory", "MB", keys.map(function (k) {
        return { name: "pid " + k, points: pids[k].map(function (e) { return [e[0], e[1].rss_bytes / 1048576]; }) };
      })));
      sb.appendChild(lineChart("Process CPU", "%", keys.map(function (k) {
        return { name: "pid " + k, points: pids[k].map(function (e) { return [e[0], e[1].cpu_percent]; }) };
      })));
    }
    put("system", sb);
  } else { none("system", "The system metrics collector did not run ([SystemMetricsCollector] enabled = false)."); }

  var m = R.mediator;
  if (m) {
    put("mediator", el("p", {}, [m.protocol + " " + m.endpoint + " (" + m.channeltype + "): " + m.spans_exported +
      " spans exported, " + m.spans_buffered + " buffered on disk, " + m.spans_replayed + " replayed, " +
      m.spans_overflowed + " overflowed, " + m.spans_pending + " pending; " + m.outages + " outages" +
      (m.last_error ? "; last error: " + m.last_error : "")]));
  } else { none("mediator", "No mediator configured."); }

  var t = R.trimmed || {};
  put("losses", el("p", {}, ["dropped events " + R.dropped_events + ", unmatched exits " + R.unmatched_exits +
    ", unwound calls " + R.unwound_calls + ", incomplete server requests " + R.incomplete_fragments +
    "; trimmed from trees: depth " + t.depth + ", latency " + t.latency + ", calls " + t.calls +
    ", method_trim " + t.method_trim + ", layer_recurse " + t.layer_recurse + "; instances without tree " + t.fragments]));
  document.body.setAttribute("data-rendered", "true");
})();
