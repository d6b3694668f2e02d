// A Lexical plain-text editor, as Facebook-style compose boxes use it (bundled by testlib/editors.mjs).
import { createEditor } from 'lexical';
import { registerPlainText } from '@lexical/plain-text';

const root = document.getElementById('editor');
root.contentEditable = 'true';
const editor = createEditor({ namespace: 'postguard-e2e', onError: (error) => { throw error; } });
editor.setRootElement(root);
registerPlainText(editor);
window.editorReady = true;
