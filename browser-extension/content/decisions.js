// postguard decisions about a finding: "post anyway" (an error needs a reason; the finding is then
// hidden for this draft) and "this is wrong" (recorded, with a ready-to-send text that quotes the
// matched words only if the user ticked it). Both go to the local log through the background
// worker, unless the user switched the log off on the options page.
//
// Loaded as a classic script before content.js, by the paste page, and by the unit tests into jsdom.
(function (root) {
  'use strict';

  /**
   * `state` holds the decision being made (state.editing); `schedule` redraws; `send(message)`
   * records ({type: 'feedback', action, ruleId, match, site, reason}); `site()` names where the
   * draft is (the page's host name unless given). A `box` is {overridden: Set of finding keys,
   * afterCheck(), el} (the extension's compose box, or the paste page's draft).
   */
  function create({ win, t, send, state, schedule, site = () => win.location.hostname }) {
    /** Record the decision being made about `f`; an override hides the finding for this draft. */
    function decide(box, f) {
      const editing = state.editing;
      if (!editing) return;
      const reason = editing.reason.trim();
      if (editing.kind === 'override' && f.severity === 'error' && !reason) {
        editing.error = t('overrideReasonMissing');
        editing.focus = true;
        schedule();
        return;
      }
      const action = editing.kind === 'override' ? 'override' : 'false_positive';
      send({ type: 'feedback', action, ruleId: f.ruleId, match: f.match, site: site(), reason });
      if (action === 'override') {
        box.overridden.add(f.key);
        state.editing = null;
        box.afterCheck();
        box.el.focus();
        return;
      }
      editing.report = falsePositiveReport(f, reason, editing.quote);
      editing.focus = true;
      schedule();
    }

    /** The ready-to-send text of a false-positive report; the matched words only if the user ticked it. */
    function falsePositiveReport(f, comment, quote) {
      const lines = [
        t('reportSubject'),
        t('reportRule', [f.ruleId + (f.ruleName ? ' (' + f.ruleName + ')' : '')]),
        t('reportSite', [site()]),
        t('reportTime', [new Date().toISOString().replace(/\.\d+Z$/, 'Z')]),
      ];
      if (quote && f.match) lines.push(t('reportWords', [f.match]));
      if (comment) lines.push(t('reportComment', [comment]));
      return lines.join('\n');
    }

    return { decide };
  }

  root.PostguardDecisions = Object.freeze({ create });
})(globalThis);
