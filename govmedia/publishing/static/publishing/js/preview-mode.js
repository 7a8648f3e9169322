// The item editor's preview panel: make a preview mode chosen while an update
// is in flight take effect (docs/channels.md, "The preview mode menu").
//
// Wagtail's PreviewController (8.0) handles the mode menu's change with
// setPreviewData(), which returns the update already running instead of
// starting one: a mode chosen before the panel's first load (or any update)
// finished is dropped, and the frame keeps showing the previous mode while the
// menu names the new one. When an update ends, compare the frame's mode with
// the menu's and, once per chosen mode, ask again.
(() => {
  document.addEventListener('w-preview:updated', (event) => {
    const panel = event.target;
    if (!(panel instanceof HTMLElement)) return;
    const select = panel.querySelector('select[data-w-preview-target="mode"]');
    const frame = panel.querySelector('iframe[data-w-preview-target="iframe"]');
    if (!select || !frame || !frame.src) return;
    if (panel.classList.contains('w-preview--has-errors')) return;
    const shown = new URL(frame.src, window.location.href).searchParams.get('mode') || '';
    if (shown === select.value) {
      delete panel.dataset.govmediaModeRetried;
      return;
    }
    if (panel.dataset.govmediaModeRetried === select.value) return;
    panel.dataset.govmediaModeRetried = select.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
})();
