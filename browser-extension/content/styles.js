// Styles of the highlight overlay and the findings panel. They live in the overlay's shadow root, so
// the page's CSS cannot reach them and they cannot reach the page; kept as a string so that no
// extension file has to be web-accessible (which would let pages detect the extension).
(function (root) {
  'use strict';
  root.PostguardStyles = `
:host { all: initial; }
.layer { position: fixed; overflow: hidden; pointer-events: none; z-index: 2147483646; }
.mark {
  position: absolute; pointer-events: none; box-sizing: border-box; border-radius: 2px;
  border-bottom: 2px solid var(--pg-colour); background: var(--pg-tint);
}
.mark.sev-error { --pg-colour: #c4262e; --pg-tint: rgba(196, 38, 46, 0.16); }
.mark.sev-warning { --pg-colour: #b86e00; --pg-tint: rgba(232, 160, 0, 0.20); }
.mark.sev-info { --pg-colour: #2462c4; --pg-tint: rgba(36, 98, 196, 0.12); }
.panel {
  position: fixed; z-index: 2147483647; box-sizing: border-box; max-width: 360px; min-width: 220px;
  max-height: 40vh; overflow: auto; pointer-events: auto;
  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f;
  background: #fff; border: 1px solid #d0d0d6; border-radius: 8px;
  box-shadow: 0 4px 14px rgba(0, 0, 0, 0.14);
}
.panel[hidden] { display: none; }
.head {
  display: flex; align-items: center; gap: 6px; padding: 5px 8px; border-bottom: 1px solid #ececf0;
  font-weight: 600;
}
.panel.collapsed .head { border-bottom: 0; }
.panel.collapsed .list, .panel.collapsed .images { display: none; }
.logo { flex: 1; }
.count {
  min-width: 18px; padding: 0 5px; border-radius: 9px; color: #fff; background: #6b6b75;
  text-align: center; font-size: 12px;
}
.count.sev-error { background: #c4262e; }
.count.sev-warning { background: #b86e00; }
.count.sev-info { background: #2462c4; }
button {
  font: inherit; color: inherit; background: none; border: 0; padding: 0 4px; cursor: pointer;
  border-radius: 4px;
}
button:focus-visible { outline: 2px solid #2462c4; }
.list { list-style: none; margin: 0; padding: 2px 0; }
.item { display: flex; gap: 8px; padding: 5px 8px; cursor: pointer; }
.item:hover { background: #f4f4f7; }
.dot { flex: none; width: 8px; height: 8px; margin-top: 5px; border-radius: 50%; background: #6b6b75; }
.item.sev-error .dot { background: #c4262e; }
.item.sev-warning .dot { background: #e8a000; }
.item.sev-info .dot { background: #2462c4; }
.msg { font-weight: 500; }
.fix, .rule { color: #55555f; font-size: 12px; }
.fix q { font-weight: 600; color: #1d1d1f; }
.notice { padding: 6px 8px; color: #45454f; }
.decide { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; }
.act {
  font-size: 12px; padding: 1px 8px; border: 1px solid #8a8a94; border-radius: 10px; color: #2b2b33;
  background: #fff;
}
.act:hover { background: #f1f1f4; }
.act.primary { color: #fff; background: #1f56ad; border-color: #1f56ad; }
.form { display: flex; flex-direction: column; gap: 4px; width: 100%; }
.field { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: #45454f; }
.field input, .field textarea {
  font: 12px/1.35 system-ui, sans-serif; color: #1d1d1f; background: #fff; border: 1px solid #8a8a94;
  border-radius: 4px; padding: 3px 5px; resize: vertical;
}
.check { display: flex; gap: 6px; align-items: center; font-size: 12px; color: #45454f; }
.buttons { display: flex; gap: 6px; }
.error { color: #b3121b; font-size: 12px; }
.done { color: #1c6b2a; font-size: 12px; font-weight: 600; }
input:focus-visible, textarea:focus-visible { outline: 2px solid #2462c4; outline-offset: 1px; }
.images { list-style: none; margin: 0; padding: 2px 0; border-top: 1px solid #ececf0; }
.image-head { display: flex; align-items: center; gap: 8px; padding: 5px 8px; }
.thumb {
  flex: none; width: 40px; height: 40px; object-fit: contain; border-radius: 4px; background: #ececf0;
}
.image-name { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 500; }
.image-state { color: #55555f; font-size: 12px; }
.image .list { padding: 0 0 2px 48px; }
.notice code {
  font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f1f1f4;
  padding: 1px 4px; border-radius: 3px; user-select: all; white-space: nowrap;
}
@media (prefers-color-scheme: dark) {
  .panel { color: #ececf1; background: #25252b; border-color: #3b3b44; }
  .head { border-bottom-color: #3b3b44; }
  .item:hover { background: #30303a; }
  .fix, .rule, .notice { color: #b5b5c0; }
  .fix q { color: #ececf1; }
  .notice code { background: #33333c; }
  .images { border-top-color: #3b3b44; }
  .act, .field input, .field textarea { color: #ececf1; background: #25252b; border-color: #8a8a94; }
  .act:hover { background: #30303a; }
  .act.primary { color: #fff; background: #1f56ad; }
  .field, .check { color: #c5c5cf; }
  .error { color: #ff8a8f; }
  .done { color: #7bd88f; }
  .image-state { color: #b5b5c0; }
}
`;
})(globalThis);
