// Charts of the 巡检 pages (Apache ECharts, vendored under core/static/vendor/).
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function chart(id, option) {
    var node = document.getElementById(id);
    if (node) echarts.init(node).setOption(option);
  }
  function draw() {
    if (typeof echarts === "undefined") return;
    var d = data("insp-dashboard-data");
    if (d) {
      chart("insp-chart-states", {
        title: { text: "各状态机构数", left: "center" },
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: d.states }],
      });
      chart("insp-chart-trend", {
        title: { text: "月度趋势", left: "center" },
        tooltip: { trigger: "axis" },
        legend: { top: 28 },
        grid: { top: 70, containLabel: true },
        xAxis: { type: "category", data: d.trend.months },
        yAxis: [{ type: "value", name: "机构数", minInterval: 1 }, { type: "value", name: "平均分", max: 100 }],
        series: [
          { name: "健康", type: "bar", stack: "s", data: d.trend.healthy, itemStyle: { color: "#2e7d32" } },
          { name: "预警", type: "bar", stack: "s", data: d.trend.warned, itemStyle: { color: "#ef6c00" } },
          { name: "单项否决", type: "bar", stack: "s", data: d.trend.vetoed, itemStyle: { color: "#c62828" } },
          { name: "平均分", type: "line", yAxisIndex: 1, data: d.trend.mean },
        ],
      });
      chart("insp-chart-common", {
        title: { text: "常见问题", left: "center" },
        tooltip: { trigger: "axis" },
        grid: { top: 40, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: d.common.map(function (r) { return r[0]; }) },
        series: [{ type: "bar", data: d.common.map(function (r) { return r[1]; }) }],
      });
    }
    var dep = data("insp-department-data");
    if (dep) {
      chart("insp-chart-department", {
        title: { text: "得分走势", left: "center" },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: dep.days },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{ type: "line", data: dep.scores }],
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
