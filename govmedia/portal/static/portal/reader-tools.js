/* Reader tools of the portal (portal/_page_tools.html).
 *
 * Font size: A- / A / A+ scale the page's type through the CSS variable
 * --font-scale; the choice is remembered in localStorage, separately for the
 * normal site and for 关怀版, and applied on every page that carries the tool.
 * Read-aloud (关怀版): the browser's own speech synthesis reads the main text;
 * nothing is sent anywhere. The button stays hidden when the browser has none.
 *
 * Progressive enhancement: without this script the tools stay hidden and every
 * page reads as before. No inline script, so a strict Content-Security-Policy
 * (script-src 'self') keeps working.
 */
(function () {
  "use strict";

  // Steps of the type scale; index 1 is the mode's own size (16 px, 22 px in 关怀版).
  const SCALES = [0.875, 1, 1.15, 1.3, 1.5];
  const NAMES = ["较小", "默认", "较大", "大", "特大"];
  const DEFAULT_STEP = 1;
  // Chrome stops an utterance after about 15 seconds, so long text is spoken in sentences.
  const MAX_CHUNK = 120;

  const care = document.body.classList.contains("care");
  const storageKey = "govmedia.fontStep." + (care ? "care" : "normal");

  function storedStep() {
    let value = NaN;
    try {
      value = parseInt(window.localStorage.getItem(storageKey), 10);
    } catch (error) {
      // Storage refused (private mode, blocked cookies): the page keeps its own size.
    }
    return value >= 0 && value < SCALES.length ? value : DEFAULT_STEP;
  }

  function storeStep(step) {
    try {
      if (step === DEFAULT_STEP) {
        window.localStorage.removeItem(storageKey);
      } else {
        window.localStorage.setItem(storageKey, String(step));
      }
    } catch (error) {
      // Not remembered, still applied to this page.
    }
  }

  function setupFontTools(group) {
    const status = group.querySelector("[data-font-status]");
    const buttons = {};
    group.querySelectorAll("button[data-font]").forEach(function (button) {
      buttons[button.dataset.font] = button;
    });
    let step = storedStep();

    function apply(announce) {
      document.documentElement.style.setProperty("--font-scale", String(SCALES[step]));
      // aria-disabled rather than disabled, so keyboard focus stays on the button.
      buttons.down.setAttribute("aria-disabled", String(step === 0));
      buttons.up.setAttribute("aria-disabled", String(step === SCALES.length - 1));
      buttons.reset.setAttribute("aria-pressed", String(step === DEFAULT_STEP));
      if (announce && status) {
        status.textContent = "字号：" + NAMES[step];
      }
    }

    group.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-font]");
      if (!button) {
        return;
      }
      const action = button.dataset.font;
      if (action === "down" && step > 0) {
        step -= 1;
      } else if (action === "up" && step < SCALES.length - 1) {
        step += 1;
      } else if (action === "reset") {
        step = DEFAULT_STEP;
      }
      storeStep(step);
      apply(true);
    });
    apply(false);
    group.hidden = false;
  }

  // The text to read: an item's title and body, else the main content without the tools.
  function mainText() {
    const article = document.querySelector("main article.item");
    const parts = [];
    if (article && article.querySelector(".body")) {
      const title = article.querySelector("h1");
      if (title) {
        parts.push(title.innerText);
      }
      parts.push(article.querySelector(".body").innerText);
    } else {
      const main = document.querySelector("main");
      if (main) {
        Array.prototype.forEach.call(main.children, function (child) {
          if (!child.classList.contains("page-tools")) {
            parts.push(child.innerText);
          }
        });
      }
    }
    return parts.join("\n");
  }

  function sentences(text) {
    const chunks = [];
    (text.match(/[^。！？；!?\n]+[。！？；!?]*/g) || []).forEach(function (sentence) {
      let rest = sentence.trim();
      while (rest.length > MAX_CHUNK) {
        let cut = rest.lastIndexOf("，", MAX_CHUNK);
        cut = cut > 0 ? cut + 1 : MAX_CHUNK;
        chunks.push(rest.slice(0, cut));
        rest = rest.slice(cut).trim();
      }
      if (rest) {
        chunks.push(rest);
      }
    });
    return chunks;
  }

  function setupReadAloud(button) {
    const synth = window.speechSynthesis;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      return; // no speech in this browser: the button stays hidden
    }
    const startLabel = button.textContent;
    const stopLabel = button.dataset.stopLabel || startLabel;
    let speaking = false;

    function stopped() {
      speaking = false;
      button.textContent = startLabel;
    }

    function chineseVoice() {
      const voices = synth.getVoices ? synth.getVoices() : [];
      return voices.find(function (voice) {
        return /^zh([-_]CN)?/i.test(voice.lang);
      });
    }

    button.addEventListener("click", function () {
      synth.cancel();
      if (speaking) {
        stopped();
        return;
      }
      const chunks = sentences(mainText());
      if (!chunks.length) {
        return;
      }
      const voice = chineseVoice();
      speaking = true;
      button.textContent = stopLabel;
      chunks.forEach(function (chunk, index) {
        const utterance = new window.SpeechSynthesisUtterance(chunk);
        utterance.lang = "zh-CN";
        utterance.rate = 0.9;
        if (voice) {
          utterance.voice = voice;
        }
        if (index === chunks.length - 1) {
          utterance.addEventListener("end", stopped);
        }
        utterance.addEventListener("error", stopped);
        synth.speak(utterance);
      });
    });
    window.addEventListener("pagehide", function () {
      synth.cancel();
    });
    button.hidden = false;
  }

  document.querySelectorAll("[data-font-tools]").forEach(setupFontTools);
  document.querySelectorAll("[data-read-aloud]").forEach(setupReadAloud);
})();
