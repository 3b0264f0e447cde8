// The animation player (tools/book_build/web/player.py writes its markup): starts every player
// of the page that has not started yet; its settings are in data attributes.
document.querySelectorAll("figure.descent-player:not([data-ready])")
.forEach(function (root) {
  root.setAttribute("data-ready", "");
  var video = root.querySelector("video"), seek = root.querySelector("input");
  var play = root.querySelector("[data-act=play]"), status = root.querySelector("output");
  var fps = Number(root.dataset.fps), last = Number(root.dataset.last);
  var text = JSON.parse(root.dataset.labels);
  function frame() { return Math.min(last, Math.floor(video.currentTime * fps + 1e-3)); }
  function show() {
    var i = frame();
    seek.value = i;
    status.textContent = text.step.replace("{step}", i).replace("{total}", last);
  }
  function go(i) {  // aim at the middle of the frame, so rounding cannot land on its neighbour
    video.pause();
    video.currentTime = (Math.max(0, Math.min(last, i)) + 0.5) / fps;
  }
  function playing(on) {
    play.textContent = on ? text.pause : text.play;
    status.setAttribute("aria-live", on ? "off" : "polite");  // quiet while it plays
  }
  play.onclick = function () {
    if (video.paused) { if (frame() >= last) { video.currentTime = 0; } video.play(); }
    else { video.pause(); }
  };
  root.querySelector("[data-act=prev]").onclick = function () { go(frame() - 1); };
  root.querySelector("[data-act=next]").onclick = function () { go(frame() + 1); };
  seek.oninput = function () { go(Number(seek.value)); };
  video.onplay = function () { playing(true); };
  video.onpause = video.onended = function () { playing(false); show(); };
  video.ontimeupdate = video.onseeked = show;
});
