// Charts of the 传播月报 page (Apache ECharts, vendored under core/static/vendor/).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("reach-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    echarts.init(document.getElementById("reach-chart-categories")).setOption({
      title: { text: "内容分类", left: "center" },
      tooltip: { trigger: "item", formatter: "{b}：{c} 条（{d}%）" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.categories }],
    });
    var hours = [];
    for (var h = 0; h < 24; h++) hours.push(h + "时");
    echarts.init(document.getElementById("reach-chart-hours")).setOption({
      title: { text: "发布时段", left: "center" },
      tooltip: { trigger: "axis" },
      grid: { top: 50, containLabel: true },
      xAxis: { type: "category", data: hours },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "发布数", type: "bar", data: data.hours }],
    });
    echarts.init(document.getElementById("reach-chart-followers")).setOption({
      title: { text: "粉丝数", left: "center" },
      tooltip: { trigger: "axis" },
      legend: { top: 28, type: "scroll" },
      grid: { top: 70, containLabel: true },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", scale: true },
      series: data.followers.map(function (s) {
        return { name: s.name, type: "line", connectNulls: true, data: s.data };
      }),
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
