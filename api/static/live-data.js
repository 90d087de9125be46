// The data the live page starts from (grids, teams, cases, assignments, categories, rules, cameras), and the
// catch-up after a gap in the stream: what a replay cannot tell (a case purged meanwhile) shows up here.
import { api, CASES_LIMIT } from "./api.js";
import { t } from "./i18n.js";
import { setLifecycle } from "./labels.js";
import { store, on, emit, fromFeature, setAssignment, upsertCase, upsertTeam } from "./store.js";

export class PageData {
  /** cmap and list are the page's map and case list; toast(text) tells the operator what failed. */
  constructor({ cmap, list, toast, onCountsChanged }) {
    Object.assign(this, { cmap, list, toast, onCountsChanged });
    on("assignment-changed", (a) => this._showAssignment(a).catch((err) => console.warn(`assignment ${a.id} not drawn`, err)));
  }

  async loadGrids() {
    const [villages, natural] = await Promise.allSettled([api.grids(2), api.grids(3)]);
    for (const r of [villages, natural]) {
      if (r.status === "fulfilled") for (const f of r.value.features || []) if (f.properties) store.grids.set(String(f.properties.code), f.properties);
    }
    this.cmap.loadGrids(villages.status === "fulfilled" ? villages.value : null, natural.status === "fulfilled" ? natural.value : null);
    if (villages.status === "rejected") this.toast(t("load.grids", { e: villages.reason.message }));
  }

  async loadTeams() {
    const fc = await api.teams();
    for (const f of fc.features || []) {
      const r = upsertTeam(fromFeature(f));
      if (r) this.cmap.setTeam(r.team, { animate: false });
    }
  }

  async loadCases({ prune = false } = {}) {
    const fc = await api.cases();
    const features = fc.features || [];
    store.casesTruncated = features.length >= CASES_LIMIT;
    const seen = new Set();
    for (const f of features) {
      const r = upsertCase(fromFeature(f));
      if (!r) continue;
      seen.add(String(r.case.id));
      emit("case-changed", { ...r, isNew: false });
    }
    // After a gap, an open case the server no longer lists was closed (or purged) meanwhile:
    // drop it rather than show it open forever. Only when the answer was not cut at the limit.
    if (prune && features.length < CASES_LIMIT) {
      for (const id of [...store.cases.keys()]) {
        if (seen.has(id) || id === store.selectedId || store.closedHere.has(id)) continue;
        store.cases.delete(id);
        this.cmap.removeCase(id);
      }
      this.list.render();
      this.onCountsChanged();
    }
  }

  /** Draw or remove an assignment's line as it starts or ends; its case may lie beyond the cases in hand. */
  async _showAssignment(a) {
    if (!store.assignments.has(String(a.id))) {
      this.cmap.removeAssignment(a.id);
      return;
    }
    let c = store.cases.get(String(a.case_id));
    if (!c) {
      const { events, assignments, team, next_actions: _, ...fields } = await api.caseDetail(a.case_id);
      c = upsertCase(fields).case;
    }
    const team = store.teams.get(String(a.team_id));
    if (team && store.assignments.has(String(a.id))) this.cmap.drawAssignment(a, team, c);
  }

  /** Every active assignment, each drawn from its team to its case; lines of ended ones are removed. */
  async loadAssignments() {
    const page = await api.assignments();
    const active = new Set();
    for (const a of page.items || []) {
      if (setAssignment(a)) active.add(String(a.id));
      emit("assignment-changed", a);
    }
    for (const id of [...store.assignments.keys()]) {
      if (active.has(id)) continue;
      store.assignments.delete(id);
      this.cmap.removeAssignment(id);
    }
    this.list.render();
  }

  async loadCategories() {
    for (const c of (await api.categories()) || []) {
      if (c && c.code) store.categories.set(String(c.code), { zh: c.label || c.code, en: c.label_en || c.label || c.code });
    }
  }

  async loadCameras() {
    try {
      this.cmap.loadCameras(await api.cameras());
    } catch (err) {
      this.toast(t("load.cameras", { e: err.message }));
    }
  }

  /** Load everything the page starts from, in parallel where nothing depends on another answer. */
  async start() {
    const failed = (key) => (err) => this.toast(t(key, { e: err.message }));
    const grids = this.loadGrids().catch(failed("load.grids"));
    const teams = this.loadTeams().catch(failed("load.teams"));
    const cases = this.loadCases().catch(failed("load.cases"));
    // Without labels the page shows category codes: worth no more than a console line.
    const categories = this.loadCategories().catch((err) => console.warn("categories failed to load", err));
    const rules = api.lifecycle().then(setLifecycle).catch(failed("load.rules"));
    await Promise.all([grids, teams, cases, categories, rules]);
    await this.loadAssignments().catch(failed("load.assignments"));
  }

  /** Re-read cases, assignments and teams after a gap in the stream or the session. */
  catchUp() {
    this.loadCases({ prune: true }).then(() => this.loadAssignments()).catch((err) => this.toast(t("load.cases", { e: err.message })));
    this.loadTeams().catch(() => {});
  }
}
