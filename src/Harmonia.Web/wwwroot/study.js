// Study page: show a random pair (random method order and side), store the vote, fetch the next pair.
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  let participant = localStorage.getItem("harmonia-participant");
  if (!participant) {
    participant = crypto.randomUUID();
    localStorage.setItem("harmonia-participant", participant);
  }
  let pair = null, count = 0, sending = false;

  async function next() {
    const response = await fetch("/api/study/pair");
    pair = await response.json();
    $("reference").src = pair.compositeUrl;
    $("left").src = pair.leftUrl;
    $("right").src = pair.rightUrl;
    await Promise.all([$("reference").decode(), $("left").decode(), $("right").decode()]);
    document.body.dataset.pair = `${pair.item}:${pair.left}:${pair.right}`;
  }

  async function vote(side) {
    if (!pair || sending) return;
    sending = true;
    try {
      const body = { participant, item: pair.item, left: pair.left, right: pair.right, winner: side === "left" ? pair.left : pair.right };
      const response = await fetch("/api/study/votes", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      if (!response.ok) { $("status").textContent = (await response.json()).error; return; }
      $("count").textContent = String(++count);
      await next();
      // Set after the next pair is shown, so whoever watches the count sees the pair it will vote on.
      document.body.dataset.votes = String(count);
    } finally { sending = false; }
  }

  $("vote-left").addEventListener("click", () => vote("left"));
  $("vote-right").addEventListener("click", () => vote("right"));
  document.addEventListener("keydown", e => { if (e.key === "ArrowLeft") vote("left"); if (e.key === "ArrowRight") vote("right"); });
  next();
})();
