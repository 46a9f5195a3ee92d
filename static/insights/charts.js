// The print button of the insights page; the print stylesheet lays the report out for paper.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
// On paper every chart's table is wanted, not just the ones someone opened.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details.chart-data").forEach(function (details) { details.open = true; });
});
