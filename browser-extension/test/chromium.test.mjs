// The headless Chromium suites in one test process, sharing one browser with the unpacked extension
// (testlib/e2e.mjs sharedChromium): the extension on a compose page (its options page first: it
// points the extension at the server and adds the test site), on the Quill, Lexical and TipTap pages,
// then the paste page (which the extension must leave alone) and the panel's accessibility.
import { after, describe } from 'node:test';
import { closeSharedChromium } from '../testlib/e2e.mjs';

for (const suite of ['extension', 'editors', 'paste-page', 'a11y']) {
  describe(suite, async () => {
    await import(`../suites/chromium/${suite}.mjs`);
  });
}

after(closeSharedChromium);
