// The archive player: a transcript line seeks the player, the current line follows playback,
// and ?t=<seconds> or #t=<seconds> in the address starts playback at that moment (templates/archive/player.html).
import { csrfHeaders } from "../base/csrf.js";

(function () {
  const player = document.getElementById("player");
  const lines = Array.from(document.querySelectorAll("#transcript .cue"));
  if (!player) { return; }

  function startFromAddress() {
    const fromHash = /(?:^|&)t=(\d+(?:\.\d+)?)/.exec(location.hash.slice(1));
    const fromQuery = new URLSearchParams(location.search).get("t");
    const value = fromHash ? fromHash[1] : fromQuery;
    const seconds = value === null ? NaN : parseFloat(value);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
  }

  function seek(seconds, play) {
    const go = function () {
      player.currentTime = seconds;
      if (play) { player.play().catch(function () { /* autoplay may be refused; the position holds */ }); }
    };
    if (player.readyState >= 1) { go(); } else { player.addEventListener("loadedmetadata", go, { once: true }); }
  }

  // "Remember where I stopped" keeps the position in this browser only; Hallway never learns it.
  const remember = document.getElementById("remember-position");
  const storageKey = "hallway:position:" + player.dataset.handle;
  if (remember) {
    remember.checked = localStorage.getItem(storageKey) !== null;
    remember.addEventListener("change", function () {
      if (remember.checked) { localStorage.setItem(storageKey, String(player.currentTime)); }
      else { localStorage.removeItem(storageKey); }
    });
    let lastSaved = 0;
    player.addEventListener("timeupdate", function () {
      if (remember.checked && Math.abs(player.currentTime - lastSaved) >= 5) {
        lastSaved = player.currentTime;
        localStorage.setItem(storageKey, String(lastSaved));
      }
    });
  }

  const start = startFromAddress();
  const saved = remember && remember.checked ? parseFloat(localStorage.getItem(storageKey)) : NaN;
  if (start !== null) { seek(start, false); } else if (Number.isFinite(saved) && saved > 0) { seek(saved, false); }
  window.addEventListener("hashchange", function () {
    const moment = startFromAddress();
    if (moment !== null) { seek(moment, true); }
  });

  lines.forEach(function (line) {
    line.addEventListener("click", function () { seek(parseFloat(line.dataset.start), true); });
  });

  // Asking a follow-up or logging in to ask comes back to this page at the moment the player is at.
  function here() {
    const seconds = Math.floor(player.currentTime || 0);
    return location.pathname + (seconds > 0 ? "?t=" + seconds : "");
  }
  document.addEventListener("submit", function (event) {
    const field = event.target.querySelector("input[data-return-to]");
    if (field) { field.value = here(); }
  }, true);
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-return-to]");
    if (link) { link.href = "/login?next=" + encodeURIComponent(here()); }
  }, true);

  let current = null;
  function follow() {
    const now = player.currentTime;
    const line = lines.find(function (l) { return now >= parseFloat(l.dataset.start) && now < parseFloat(l.dataset.end); })
      || null;
    if (line === current) { return; }
    if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
    current = line;
    if (line) {
      line.classList.add("current");
      line.setAttribute("aria-current", "true");
      const box = line.closest(".transcript-lines");
      if (box && !box.matches(":hover")) {
        box.scrollTop = line.offsetTop - box.offsetTop - box.clientHeight / 3;
      }
    }
  }
  player.addEventListener("play", function () {
    // Counted once per page, as a number for the organisers; nothing says who played it.
    fetch(player.dataset.playedUrl, { method: "POST", headers: csrfHeaders(), credentials: "same-origin" }).catch(function () { /* a lost count is not worth bothering anyone about */ });
  }, { once: true });
  player.addEventListener("timeupdate", follow);
  player.addEventListener("seeked", follow);
})();
