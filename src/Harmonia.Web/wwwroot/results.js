"use strict";
(async () => {
  const $ = id => document.getElementById(id);
  const data = await (await fetch("/api/study/scores")).json();
  const row = (cells, tag = "td") => { const tr = document.createElement("tr"); for (const c of cells) { const td = document.createElement(tag); td.textContent = c; tr.append(td); } return tr; };
  $("votes").textContent = String(data.votes);
  $("scores").append(row(["method", "score", "95 % interval", "wins", "comparisons"], "th"));
  for (const s of [...data.scores].sort((a, b) => b.score - a.score))
    $("scores").append(row([s.method, s.score.toFixed(3), `[${s.low.toFixed(3)}, ${s.high.toFixed(3)}]`, s.wins, s.comparisons]));
  $("winrates").append(row(["", ...data.methods], "th"));
  data.methods.forEach((m, i) => $("winrates").append(row([m, ...data.winRates[i].map(r => r === null ? "–" : `${Math.round(r * 100)} %`)])));
  document.body.dataset.loaded = "true";
})();
