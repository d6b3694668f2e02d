// The rich-editor test pages of the end-to-end tests: Quill, Lexical and TipTap, built from their
// npm packages (devDependencies) with esbuild into a temporary directory when the tests start, and
// served from one loopback origin: /quill/, /lexical/, /tiptap/, plus the image fixture. No network.
import { createServer } from 'node:http';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { EXT_DIR } from './e2e.mjs';

const HERE = join(EXT_DIR, 'testlib/editors');
export const EDITORS = ['quill', 'lexical', 'tiptap'];
/** The element that receives the focus and the text, per editor. */
export const EDITABLE = { quill: '#editor .ql-editor', lexical: '#editor', tiptap: '#editor .ProseMirror' };
export const IMAGE = join(EXT_DIR, 'testlib/fixtures/sturmvogel.png');

/**
 * Runs in the page: drop a file over the extension's size limit on `selector`. The extension lists
 * it at once as too large and sends nothing (no work for the server): a marker that the events
 * before it were handled, where a test would otherwise wait and see that nothing happened.
 */
export function dropTooLarge(selector) {
  const dt = new DataTransfer();
  dt.items.add(new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'too-large.png', { type: 'image/png' }));
  document.querySelector(selector).dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }));
  return true;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };

/** Bundle the three editors and serve their pages; resolves to {url(editor), close()}. */
export async function serveEditors() {
  const dir = mkdtempSync(join(tmpdir(), 'postguard-editors-'));
  const page = readFileSync(join(HERE, 'page.html'), 'utf8');
  await Promise.all(EDITORS.map((name) => build({
    entryPoints: [join(HERE, `${name}.mjs`)],
    bundle: true,
    format: 'iife',
    minify: true,
    outfile: join(dir, name, 'editor.js'),
    nodePaths: [join(EXT_DIR, 'node_modules')],
    logLevel: 'error',
  })));
  for (const name of EDITORS) writeFileSync(join(dir, name, 'index.html'), page.replaceAll('EDITOR', name));
  copyFileSync(join(EXT_DIR, 'node_modules/quill/dist/quill.snow.css'), join(dir, 'quill', 'editor.css'));
  for (const name of ['lexical', 'tiptap']) writeFileSync(join(dir, name, 'editor.css'), '');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(req.url.split('?')[0]);
    const [, editor, file = ''] = /^\/([a-z]+)\/(editor\.js|editor\.css|)$/.exec(path) || [];
    const found = path === '/sturmvogel.png' ? IMAGE
      : EDITORS.includes(editor) ? join(dir, editor, file || 'index.html') : null;
    if (!found) {
      res.writeHead(404).end();
      return;
    }
    const ext = found.slice(found.lastIndexOf('.'));
    res.writeHead(200, { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(readFileSync(found));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}/`,
    close: async () => {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections(); // the shared browser lives on: do not wait for its keep-alive connections
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
