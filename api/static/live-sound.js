// The urgent chime: a tone made with WebAudio (no audio file to serve), and the header's mute toggle, remembered.
import { html, render } from "./vendor/lit-html/lit-html.js";
import { addStrings, onLangChange, t } from "./i18n.js";

const STORAGE_KEY = "gridwatch.muted";

addStrings({
  zh: { "sound.on": "♪ 提示音", "sound.off": "♪ 已静音", "sound.title": "紧急案件和严重告警的提示音" },
  en: { "sound.on": "♪ Sound", "sound.off": "♪ Muted", "sound.title": "Chime for urgent cases and critical alerts" },
});

let muted = readMuted();
let context = null;

function readMuted() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === "true";
  } catch {
    return false;
  }
}

export function isMuted() {
  return muted;
}

export function setMuted(value) {
  muted = Boolean(value);
  try {
    localStorage.setItem(STORAGE_KEY, String(muted));
  } catch {
    /* not remembered: this page still obeys */
  }
  document.body.dataset.muted = String(muted);
}

/** Two short rising beeps; silent while muted or before the browser allows audio (no click on the page yet). */
export function chime() {
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
  if (muted) return;
  try {
    context ??= new AudioContext();
    if (context.state === "suspended") context.resume().catch(() => {});
    const start = context.currentTime;
    for (const [i, freq] of [880, 1175].entries()) {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      const at = start + i * 0.18;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      osc.connect(gain).connect(context.destination);
      osc.start(at);
      osc.stop(at + 0.17);
    }
  } catch (err) {
    console.warn("chime not played", err);
  }
}

/** Draw the mute toggle into its header slot; it re-renders on a language switch. */
export function mountMuteToggle(slot) {
  const draw = () =>
    render(
      html`<button type="button" class="ghost-button sound-toggle" data-testid="mute-toggle" aria-pressed=${String(muted)}
        title=${t("sound.title")} @click=${() => { setMuted(!muted); draw(); }}>${muted ? t("sound.off") : t("sound.on")}</button>`,
      slot,
    );
  document.body.dataset.muted = String(muted);
  draw();
  onLangChange(draw);
}
