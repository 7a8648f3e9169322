// 舆情监测 admin: the countdowns and the ECharts (served locally, vendor/echarts-5.6.0).
(function () {
  function fmt(seconds) {
    var s = Math.abs(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (seconds < 0 ? "已超时 " : "剩余 ") + h + " 小时 " + m + " 分";
  }
  function tick() {
    document.querySelectorAll(".op-clock[data-due]").forEach(function (el) {
      if (el.dataset.stopped) return;
      var left = Math.round((new Date(el.dataset.due) - new Date()) / 1000), span = el.querySelector(".op-left");
      if (span) span.textContent = fmt(left);
      el.classList.toggle("missed", left < 0);
    });
  }
  // Wagtail puts the `extra_js` scripts before the page's content: wait for it.
  function init() {
  tick(); setInterval(tick, 30000);
  if (!window.echarts) return;
  var data = document.getElementById("op-dashboard-data");
  if (data) {
    var d = JSON.parse(data.textContent);
    document.querySelectorAll("[data-spark]").forEach(function (el) {
      echarts.init(el).setOption({ grid: { left: 0, right: 0, top: 2, bottom: 2 }, xAxis: { type: "category", show: false },
        yAxis: { type: "value", show: false }, series: [{ type: "line", data: d.spark[el.dataset.spark] || [], symbol: "none", areaStyle: {} }] });
    });
    var s = document.getElementById("op-chart-sentiment");
    if (s) echarts.init(s).setOption({ title: { text: "情感分布（近 24 小时）" }, tooltip: {}, series: [{ type: "pie", radius: "60%", data: d.sentiment }] });
    var w = document.getElementById("op-chart-words");
    if (w) echarts.init(w).setOption({ title: { text: "高频词" }, tooltip: {}, grid: { left: 80 },
      xAxis: { type: "value" }, yAxis: { type: "category", inverse: true, data: d.words.map(function (x) { return x.name; }) },
      series: [{ type: "bar", data: d.words.map(function (x) { return x.value; }) }] });
  }
  var hours = document.getElementById("op-report-hours");
  if (hours) {
    var h = JSON.parse(hours.textContent);
    echarts.init(document.getElementById("op-chart-hours")).setOption({ tooltip: { trigger: "axis" }, legend: {},
      xAxis: { type: "category", data: h.map(function (x) { return x.hour; }) },
      yAxis: [{ type: "value", name: "帖子数" }, { type: "value", name: "负面占比", max: 1 }],
      series: [{ name: "帖子数", type: "bar", data: h.map(function (x) { return x.posts; }) },
               { name: "负面占比", type: "line", yAxisIndex: 1, data: h.map(function (x) { return x.negative; }) }] });
  }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
