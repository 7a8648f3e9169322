// Charts of the 政民互动统计 page (Apache ECharts, vendored under core/static/vendor/).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("desk-stats-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var tooltip = { trigger: "axis" };
    echarts.init(document.getElementById("desk-chart-departments")).setOption({
      title: { text: "各单位办理情况", left: "center" },
      tooltip: tooltip,
      legend: { top: 28 },
      grid: { top: 70, containLabel: true },
      xAxis: { type: "category", data: data.departments, axisLabel: { interval: 0, rotate: 45, fontSize: 10 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "收到", type: "bar", data: data.received },
        { name: "答复", type: "bar", data: data.answered },
        { name: "按期答复", type: "bar", data: data.on_time },
      ],
    });
    echarts.init(document.getElementById("desk-chart-months")).setOption({
      title: { text: "每月收到与答复", left: "center" },
      tooltip: tooltip,
      legend: { top: 28 },
      grid: { top: 70, containLabel: true },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "收到", type: "line", data: data.month_received },
        { name: "答复", type: "line", data: data.month_answered },
      ],
    });
    echarts.init(document.getElementById("desk-chart-ratings")).setOption({
      title: { text: "评价分布", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.ratings }],
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
