// The time-zone page: offer the zone this device is set to, by its label in the list.
(function () {
  // Devices name UTC many ways; the list offers it once, as "UTC".
  const UTC_NAMES = ["UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "Etc/Greenwich", "Greenwich"];
  const button = document.getElementById("detect-zone");
  const input = document.getElementById("zone");
  let detected = "";
  try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { detected = ""; }
  if (UTC_NAMES.indexOf(detected) >= 0) { detected = "UTC"; }
  const option = Array.prototype.find.call(document.querySelectorAll("#zone-list option"), function (item) {
    return item.dataset.zone === detected;
  });
  if (!button || !input || !option) { return; }
  // The sentence comes from the page, in the reader's language; the script only fills in the zone.
  button.textContent = button.dataset.label.replace("{zone}", option.value);
  button.hidden = false;
  button.addEventListener("click", function () { input.value = option.value; input.focus(); });
}());
