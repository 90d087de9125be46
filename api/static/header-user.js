// The header's user block: who is logged in, their role and reach, in the current language.
import { addStrings, onLangChange, t } from "./i18n.js";
import { platformName, roleName } from "./labels.js";
import { teamName } from "./store.js";

addStrings({
  zh: { "user.team": "队伍 {team}", "user.grids": "网格 {grids}" },
  en: { "user.team": "team {team}", "user.grids": "grids {grids}" },
});

let shown = null;

/** The user named in the header, or null. */
export function shownUser() {
  return shown;
}

/** Name the user, their role and reach in the header. */
export function showUser(user) {
  shown = user;
  const el = document.querySelector("#current-user");
  el.dataset.role = user.role || "";
  el.querySelector(".user-name").textContent = user.display_name || user.username;
  el.querySelector(".user-role").textContent = roleName(user.role);
  const reach = [
    user.username,
    user.platform ? platformName(user.platform) : "",
    user.team_id ? t("user.team", { team: teamName(user.team_id) }) : "",
    user.grid_codes && user.grid_codes.length ? t("user.grids", { grids: user.grid_codes.join(", ") }) : "",
  ].filter(Boolean);
  el.title = reach.join(" · ");
}

onLangChange(() => {
  if (shown) showUser(shown);
});
