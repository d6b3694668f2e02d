// A TipTap (ProseMirror) editor with the starter kit (bundled by testlib/editors.mjs).
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';

window.tiptap = new Editor({ element: document.getElementById('editor'), extensions: [StarterKit] });
window.editorReady = true;
