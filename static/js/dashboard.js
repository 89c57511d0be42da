/* 领导驾驶舱: draws each chart from its JSON data island (<script type="application/json" id=...>, written by the
   server) with Apache ECharts. No inline script: the page works under a strict Content-Security-Policy. The table
   under each chart carries the same figures for printing and screen readers. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var charts = [];

  function narrow() { return window.matchMedia("(max-width: 767.98px)").matches; }

  function shorten(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  function option(spec) {
    var small = narrow();
    var base = {
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", confine: true },
      legend: { show: spec.series.length > 1 || spec.kind === "pie", type: "scroll", bottom: 0,
                textStyle: { fontSize: small ? 11 : 12 } },
      aria: { enabled: true, label: { description: spec.label } },
      animation: false
    };
    if (spec.kind === "pie") {
      base.series = spec.series.map(function (s) {
        return { name: s.name, type: "pie", radius: small ? ["30%", "60%"] : ["35%", "65%"], center: ["50%", "45%"],
                 data: s.data, label: { formatter: "{b}\n{c}", fontSize: small ? 10 : 12 } };
      });
      return base;
    }
    var stacked = spec.series.length > 1 && !spec.grouped;
    var category = { type: "category", data: spec.categories,
                     axisLabel: { interval: 0, fontSize: small ? 10 : 12,
                                  formatter: function (v) { return shorten(v, small ? 6 : 10); } } };
    var value = { type: "value", minInterval: 1 };
    if (spec.horizontal) {
      category.inverse = true;
      base.xAxis = value; base.yAxis = category;
      base.grid = { left: 8, right: 16, top: 8, bottom: 36, containLabel: true };
    } else {
      category.axisLabel.rotate = spec.categories.length > 4 ? 30 : 0;
      base.xAxis = category; base.yAxis = value;
      base.grid = { left: 8, right: 8, top: 16, bottom: 36, containLabel: true };
    }
    base.series = spec.series.map(function (s) {
      return { name: s.name, type: "bar", stack: stacked ? "total" : undefined, data: s.data,
               itemStyle: s.color ? { color: s.color } : undefined, barMaxWidth: 36 };
    });
    return base;
  }

  function draw(el) {
    var island = document.getElementById(el.getAttribute("data-chart"));
    if (!island) { return; }
    var spec = JSON.parse(island.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(spec));
    // A bar or a slice opens the list behind it, as the table's link does.
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; }
    });
    charts.push({ chart: chart, spec: spec });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      charts.forEach(function (c) { c.chart.setOption(option(c.spec), true); c.chart.resize(); });
    }, 150);
  });
}());
