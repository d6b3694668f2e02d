// The unit suites (jsdom and node, no browser, no server) in one test process: loading jsdom takes
// about as long as all the tests of a suite, so it is loaded once for all of them.
import { describe } from 'node:test';

for (const suite of ['text', 'content', 'images', 'decisions', 'background', 'paste-page']) {
  describe(suite, async () => {
    await import(`../suites/unit/${suite}.mjs`);
  });
}
