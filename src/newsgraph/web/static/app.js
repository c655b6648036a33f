// newsgraph dashboard: progressive enhancement only (every page works without it).
// A link to a sentence (#c123) lands on its first piece; light up the whole sentence.
function lightSentence() {
  document.querySelectorAll(".lit").forEach((el) => el.classList.remove("lit"));
  const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (!target || target.dataset.s === undefined) return;
  document.querySelectorAll(`[data-s="${target.dataset.s}"]`).forEach((el) => el.classList.add("lit"));
  target.scrollIntoView({ block: "center" });
}
document.addEventListener("DOMContentLoaded", lightSentence);
window.addEventListener("hashchange", lightSentence);
