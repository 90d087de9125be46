// The public rating page: five stars and a comment, posted once to /api/rate/<token>. Text goes in by textContent.
const LABELS = ["很不满意", "不满意", "一般", "满意", "很满意"];
const MESSAGES = {
  200: "感谢您的评价！",
  404: "评价链接无效或已过期。如需评价，请拨打12345热线。",
  409: "您已评价过，感谢您的支持。",
  422: "请选择1至5星后再提交。",
  429: "提交过于频繁，请稍后再试。",
};

const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const form = document.getElementById("rating");
const stars = document.getElementById("stars");
const submit = form.querySelector("button[type=submit]");
const result = document.getElementById("result");
let chosen = 0;

LABELS.forEach((label, index) => {
  const star = document.createElement("button");
  star.type = "button";
  star.className = "star";
  star.textContent = "★";
  star.title = `${index + 1}星：${label}`;
  star.setAttribute("aria-label", star.title);
  star.setAttribute("aria-pressed", "false");
  star.addEventListener("click", () => {
    chosen = index + 1;
    stars.querySelectorAll(".star").forEach((s, i) => s.setAttribute("aria-pressed", String(i < chosen)));
    submit.disabled = false;
  });
  stars.append(star);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  submit.disabled = true;
  const comment = document.getElementById("comment").value.trim();
  let status = 0;
  try {
    const answer = await fetch(`/api/rate/${encodeURIComponent(token)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ satisfaction: chosen, comment }),
    });
    status = answer.status;
  } catch {
    status = 0;
  }
  result.textContent = MESSAGES[status] || "提交失败，请稍后再试。";
  if (status === 200 || status === 409 || status === 404) {
    form.hidden = true;
  } else {
    submit.disabled = false;
  }
});
