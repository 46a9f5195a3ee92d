// The time-zone page: offer the zone this device is set to, by its label in the list.
(function () {
  const button = document.getElementById("detect-zone");
  const input = document.getElementById("zone");
  let detected = "";
  try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { detected = ""; }
  const option = Array.prototype.find.call(document.querySelectorAll("#zone-list option"), function (item) {
    return item.value.endsWith("(" + detected.replace(/_/g, " ") + ")");
  });
  if (!button || !input || !option) { return; }
  button.textContent = "Use this device's time zone: " + option.value;
  button.hidden = false;
  button.addEventListener("click", function () { input.value = option.value; input.focus(); });
}());
